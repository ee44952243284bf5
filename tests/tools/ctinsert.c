/* ctinsert N: create N UDP conntrack entries 10.99.x.y:sport -> 10.98.0.1:53
 * through ctnetlink, in batches, for the flush tests and bench/nfct. */
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

int main(int argc, char **argv)
{
	static char buf[BATCH * 512];
	struct mnl_socket *nl;
	struct nf_conntrack *ct;
	unsigned seq = (unsigned)time(NULL), portid;
	long n, done = 0;

	if (argc != 2 || (n = atol(argv[1])) <= 0)
		return fprintf(stderr, "usage: ctinsert N\n"), 2;
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return perror("mnl_socket"), 1;
	portid = mnl_socket_get_portid(nl);
	ct = nfct_new();
	while (done < n) {
		struct mnl_nlmsg_batch *b = mnl_nlmsg_batch_start(buf, sizeof(buf));
		long k;

		for (k = 0; k < BATCH && done + k < n; k++) {
			long i = done + k;
			struct nlmsghdr *nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(b));
			struct nfgenmsg *nfg;

			nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
			nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
			nlh->nlmsg_seq = ++seq;
			nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
			nfg->nfgen_family = AF_INET;
			nfg->version = NFNETLINK_V0;
			nfct_set_attr_u8(ct, ATTR_L3PROTO, AF_INET);
			nfct_set_attr_u32(ct, ATTR_IPV4_SRC, htonl(0x0a630000u | (uint32_t)(i / 1000)));
			nfct_set_attr_u32(ct, ATTR_IPV4_DST, htonl(0x0a620001u));
			nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_UDP);
			nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons((uint16_t)(10000 + i % 1000)));
			nfct_set_attr_u16(ct, ATTR_PORT_DST, htons(53));
			nfct_setobjopt(ct, NFCT_SOPT_SETUP_REPLY);
			nfct_set_attr_u32(ct, ATTR_TIMEOUT, 600);
			nfct_nlmsg_build(nlh, ct);
			mnl_nlmsg_batch_next(b);
		}
		if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b)) < 0)
			return perror("sendto"), 1;
		mnl_nlmsg_batch_stop(b);
		done += k;
	}
	nfct_destroy(ct);
	(void)portid;
	mnl_socket_close(nl);
	printf("%ld\n", done);
	return 0;
}
