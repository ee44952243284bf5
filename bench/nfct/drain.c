/* SPDX-License-Identifier: Apache-2.0 */
/* drain: subscribe to conntrack NEW and DESTROY events, read and count
 * them, nothing else: the kernel-side ceiling for the benchmark. 1 GiB
 * buffer (as large as imnfct may grow), 256 KiB reads. Prints "received
 * drops" on SIGTERM, drops being what the socket lost (sk_drops). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>

#include "nfct-sock.h"
#include "rcvbuf.h"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(void)
{
	static char buf[256 * 1024];
	struct nfct_sock_cfg cfg = {.groups = 1 | 4, .rcvbuf = 1 << 30};
	struct nfct_sock s;
	unsigned long long received = 0;
	char err[256];
	struct sigaction sa = {.sa_handler = on_term};

	if (nfct_sock_open(&s, &cfg, err, sizeof(err)) < 0)
		return fprintf(stderr, "drain: %s\n", err), 1;
	/* the module's socket is non-blocking (it polls); this reader blocks */
	fcntl(nfct_sock_fd(&s), F_SETFL, fcntl(nfct_sock_fd(&s), F_GETFL) & ~O_NONBLOCK);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "drain: ready\n");
	while (!stop) {
		ssize_t n = recv(nfct_sock_fd(&s), buf, sizeof(buf), 0);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0)
			continue;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			received += nlh->nlmsg_type != NLMSG_ERROR;
	}
	printf("%llu %u\n", received, rcvbuf_drops(nfct_sock_fd(&s)));
	return 0;
}
