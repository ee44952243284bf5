/* SPDX-License-Identifier: Apache-2.0 */
/* ctinsert N: create N UDP conntrack entries 10.99.x.y:sport -> 10.98.0.1:53
 * through ctnetlink, in batches, for the flush tests and bench/nfct.
 * ctinsert N RATE: churn instead: create entry i and delete entry i-64, at
 * RATE creations per second, so every entry makes one NEW and one DESTROY
 * event; the last 64 are deleted at the end. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#define BATCH 64

static void put_entry(void *at, struct nf_conntrack *ct, long i, uint16_t type, uint16_t flags,
		      unsigned seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	nfg->version = NFNETLINK_V0;
	nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
	nfct_set_attr_u32(ct, ATTR_IPV4_SRC, htonl(0x0a630000u | (uint32_t)(i / 1000 % 65536)));
	nfct_set_attr_u32(ct, ATTR_IPV4_DST, htonl(0x0a620001u));
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_UDP);
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons((uint16_t)(10000 + i % 1000)));
	nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(53));
	nfct_setobjopt(ct, NFCT_SOPT_SETUP_REPLY);
	nfct_set_attr_u32(ct, ATTR_TIMEOUT, 600);
	nfct_nlmsg_build(nlh, ct);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Paced creation and deletion; returns the number of entries churned. */
static long churn(struct mnl_socket *nl, struct nf_conntrack *ct, long n, double rate)
{
	static char buf[2 * BATCH * 512];
	unsigned seq = (unsigned)time(NULL);
	double start = now();
	long i = 0;

	while (i < n + BATCH) {
		struct mnl_nlmsg_batch *b;
		long due = (long)((now() - start) * rate);

		if (i < n && i >= due) {
			struct timespec ts = {0, (long)(BATCH / 2 / rate * 1e9)};

			nanosleep(&ts, NULL);
			continue;
		}
		b = mnl_nlmsg_batch_start(buf, sizeof(buf));
		for (long k = 0; k < BATCH / 2 && i < n + BATCH; k++, i++) {
			if (i < n) {
				put_entry(mnl_nlmsg_batch_current(b), ct, i, IPCTNL_MSG_CT_NEW,
					  NLM_F_CREATE | NLM_F_EXCL, ++seq);
				mnl_nlmsg_batch_next(b);
			}
			if (i >= BATCH) {
				put_entry(mnl_nlmsg_batch_current(b), ct, i - BATCH,
					  IPCTNL_MSG_CT_DELETE, 0, ++seq);
				mnl_nlmsg_batch_next(b);
			}
		}
		if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b)) < 0)
			return -1;
		mnl_nlmsg_batch_stop(b);
	}
	return n;
}

int main(int argc, char **argv)
{
	static char buf[BATCH * 512];
	struct mnl_socket *nl;
	struct nf_conntrack *ct;
	unsigned seq = (unsigned)time(NULL);
	long n, done = 0;

	if ((argc != 2 && argc != 3) || (n = atol(argv[1])) <= 0)
		return fprintf(stderr, "usage: ctinsert N [RATE]\n"), 2;
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return perror("mnl_socket"), 1;
	ct = nfct_new();
	if (argc == 3) {
		done = churn(nl, ct, n, atof(argv[2]));
		nfct_destroy(ct);
		mnl_socket_close(nl);
		printf("%ld\n", done);
		return done < 0;
	}
	while (done < n) {
		struct mnl_nlmsg_batch *b = mnl_nlmsg_batch_start(buf, sizeof(buf));
		long k;

		for (k = 0; k < BATCH && done + k < n; k++) {
			put_entry(mnl_nlmsg_batch_current(b), ct, done + k, IPCTNL_MSG_CT_NEW,
				  NLM_F_CREATE | NLM_F_EXCL, ++seq);
			mnl_nlmsg_batch_next(b);
		}
		if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b)) < 0)
			return perror("sendto"), 1;
		mnl_nlmsg_batch_stop(b);
		done += k;
	}
	nfct_destroy(ct);
	mnl_socket_close(nl);
	printf("%ld\n", done);
	return 0;
}
