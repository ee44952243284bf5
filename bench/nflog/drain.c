/* SPDX-License-Identifier: Apache-2.0 */
/* drain GROUP: bind an NFLOG group, read and count packets, nothing else:
 * the kernel-side ceiling for the benchmark. 64 MiB buffer, large batches.
 * Prints "received drops" on SIGTERM. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "nflog-sock.h"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	static char buf[256 * 1024];
	struct nflog_cfg cfg = {
		.copy_range = 0xffff, .qthreshold = 64, .nlbufsiz = 131072, .rcvbuf = 64 << 20};
	struct nflog_sock s;
	unsigned long long received = 0, drops = 0;
	char err[256];
	struct sigaction sa = {.sa_handler = on_term};

	if (argc != 2)
		return fprintf(stderr, "usage: drain GROUP\n"), 2;
	cfg.group = (uint16_t)atoi(argv[1]);
	if (nflog_sock_open(&s, &cfg, err, sizeof(err)) < 0)
		return fprintf(stderr, "drain: %s\n", err), 1;
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "drain: ready\n");
	while (!stop) {
		ssize_t n = recv(nflog_sock_fd(&s), buf, sizeof(buf), 0);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0) {
			drops += errno == ENOBUFS;
			continue;
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			received += (nlh->nlmsg_type & 0xff) == NFULNL_MSG_PACKET;
	}
	printf("%llu %llu\n", received, drops);
	return 0;
}
