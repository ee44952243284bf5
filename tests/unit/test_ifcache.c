/* SPDX-License-Identifier: Apache-2.0 */
/* The interface-name cache on real rtnetlink, in a network namespace of
 * its own: replies left over by an earlier query cut short must not put
 * later queries out of step, and a gone interface is asked for at most
 * once a second; a foreign sender cannot extend a wait for the kernel.
 * Needs root (unshare). */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "ifcache.h"
#include "unit.h"

/* A link dump request sent on the query socket and never read: what an
 * earlier query leaves when it stops early (EINTR of an interrupted dump,
 * ENOSPC). */
static void leave_stale_replies(struct ifcache *c)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = 1;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_socket_sendto(c->q, nlh, nlh->nlmsg_len);
}

static void test_stale_replies(void)
{
	struct ifcache c;
	char err[256], out[64];
	uint64_t misses;

	CHECK("lo up, d0",
	      system("ip link set lo up && ip link add d0 type veth peer name p0") == 0);
	CHECK("open", ifcache_open(&c, err, sizeof(err)) == 0);
	leave_stale_replies(&c);
	CHECK("d1", system("ip link add d1 type veth peer name p1") == 0);
	ifcache_name(&c, if_nametoindex("d1"), out);
	CHECK_STR("a query after stale replies answers", "d1", out);
	leave_stale_replies(&c);
	CHECK("d2", system("ip link add d2 type veth peer name p2") == 0);
	ifcache_name(&c, if_nametoindex("d2"), out);
	CHECK_STR("and the next one too", "d2", out);
	misses = c.misses;
	ifcache_name(&c, 9999, out);
	ifcache_name(&c, 9999, out);
	CHECK_STR("gone: the number", "9999", out);
	CHECK_EQ("gone: asked once", misses + 1, c.misses);
	ifcache_close(&c);
}

/* A process that keeps sending to a socket's port id (root in a watched
 * container can): a wait for the kernel's answer still ends at its
 * deadline, while the sender goes on, and the datagrams are counted. */
static void test_foreign_sender_bounded(void)
{
	struct mnl_socket *a = mnl_socket_open(NETLINK_ROUTE), *b = mnl_socket_open(NETLINK_ROUTE);
	struct nl_rx_drops drops = {0};
	char buf[256];
	pid_t child;
	ssize_t n;
	int err, status;

	CHECK("sockets", a && b && mnl_socket_bind(a, 0, MNL_SOCKET_AUTOPID) == 0 &&
				 mnl_socket_bind(b, 0, MNL_SOCKET_AUTOPID) == 0);
	child = fork();
	if (child == 0) {
		struct sockaddr_nl to = {.nl_family = AF_NETLINK,
					 .nl_pid = mnl_socket_get_portid(a)};
		struct nlmsghdr h = {.nlmsg_len = sizeof(h), .nlmsg_type = NLMSG_NOOP};

		for (int i = 0; i < 150; i++) { /* every 20 ms, for 3 s */
			sendto(mnl_socket_get_fd(b), &h, sizeof(h), 0, (struct sockaddr *)&to,
			       sizeof(to));
			usleep(20000);
		}
		_exit(0);
	}
	n = nl_recv_wait(mnl_socket_get_fd(a), buf, sizeof(buf), nl_mono_ms() + 300, &drops);
	err = errno;
	CHECK("no kernel datagram: the wait ends", n == -1 && err == ETIMEDOUT);
	CHECK("it ends while the sender still sends", waitpid(child, &status, WNOHANG) == 0);
	CHECK("the foreign datagrams are counted", drops.foreign > 0);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	mnl_socket_close(a);
	mnl_socket_close(b);
}

int main(void)
{
	if (unshare(CLONE_NEWNET) < 0) {
		printf("ok - test_ifcache: skipped, needs root # SKIP\n");
		return 0;
	}
	RUN(test_stale_replies);
	RUN(test_foreign_sender_bounded);
	UNIT_EXIT();
}
