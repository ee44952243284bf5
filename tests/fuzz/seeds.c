/* SPDX-License-Identifier: Apache-2.0 */
/* seeds DIR REGRESS: write the fuzzers' seed corpus into DIR/decode,
 * DIR/nflog and DIR/nfct, built as the unit tests build packets and
 * messages: one file per family, link type, protocol and attribute the
 * parsers know; and every reproducer REGRESS/<target>/<name>.hex (one
 * datagram in hex) as DIR/<target>/regress-<name>. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "ct-build.h"
#include "pkt-build.h"

static const char *dir;

/* DIR/target/kind-name */
static void write_input(const char *target, const char *kind, const char *name, const void *p,
			size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s-%s", dir, target, kind, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void put(const char *target, const char *name, const void *p, size_t n)
{
	write_input(target, "seed", name, p, n);
}

/* decode: family, ethertype, link byte (Ethernet, a prefix "p"), packet */
static void decode_seed(const char *name, uint8_t family, uint16_t ethertype, uint8_t link,
			const uint8_t *pkt, size_t n)
{
	uint8_t b[2048] = {family, (uint8_t)(ethertype >> 8), (uint8_t)ethertype, link, 'p'};
	size_t h = 4 + (link >> 2);

	memcpy(b + h, pkt, n);
	put("decode", name, b, h + n);
}

/* IPv4 and IPv6 packets of each transport the decoder knows */
static size_t v4_packets(uint8_t *p, int which)
{
	size_t n, m;

	switch (which) {
	case 0: /* TCP SYN with options */
		n = ipv4(p, 6, 0, 40, 0x4000);
		return n + tcp_syn(p + n);
	case 1: /* UDP */
		n = ipv4(p, 17, 0, 12, 0);
		return n + udp(p + n, 5000, 53, 12) + 4;
	case 2: /* port unreachable quoting UDP */
		n = ipv4(p, 1, 0, 8 + 28, 0);
		memset(p + n, 0, 8);
		p[n] = 3;
		p[n + 1] = 3;
		m = ipv4(p + n + 8, 17, 0, 8, 0);
		return n + 8 + m + udp(p + n + 8 + m, 53, 5000, 8);
	case 3: /* GRE with checksum and key */
		n = ipv4(p, 47, 0, 12, 0);
		put16(p, n, 0xa000);
		put16(p, n + 2, 0x0800);
		put32(p, n + 8, 0xcafe);
		return n + 12;
	case 4: /* SCTP */
		n = ipv4(p, 132, 0, 12, 0);
		memset(p + n, 7, 12);
		return n + 12;
	case 5: /* ESP */
		n = ipv4(p, 50, 0, 8, 0);
		put32(p, n, 0x1001);
		return n + 8;
	case 6: /* a first fragment with options */
		n = ipv4(p, 17, 4, 1480, 0x2000);
		memcpy(p + 20, (uint8_t[]){0x94, 4, 0, 0}, 4); /* router alert */
		return n + udp(p + n, 1, 2, 3000);
	default: /* ICMP echo */
		n = ipv4(p, 1, 0, 8, 0);
		memset(p + n, 0, 8);
		p[n] = 8;
		return n + 8;
	}
}

static size_t v6_packets(uint8_t *p, int which)
{
	size_t n;

	switch (which) {
	case 0: /* TCP SYN */
		n = ipv6(p, 6, 40);
		return n + tcp_syn(p + n);
	case 1: /* MLD behind hop-by-hop */
		n = ipv6(p, 0, 16);
		memcpy(p + n, (uint8_t[]){58, 0, 5, 2, 0, 0, 1, 0, 143, 0, 0, 0, 0, 0, 0, 0}, 16);
		return n + 16;
	case 2: /* fragment, AH, UDP */
		n = ipv6(p, 44, 8 + 12 + 8);
		memcpy(p + n, (uint8_t[]){51, 0, 0, 1, 0, 0, 0, 9}, 8);
		memcpy(p + n + 8, (uint8_t[]){17, 1, 0, 0, 0, 0, 0x12, 0x34, 0, 0, 0, 1}, 12);
		return n + 20 + udp(p + n + 20, 7, 9, 8);
	default: /* packet too big quoting TCP */
		n = ipv6(p, 58, 8 + 40 + 20);
		memset(p + n, 0, 8);
		p[n] = 2;
		put32(p, n + 4, 1280);
		ipv6(p + n + 8, 6, 20);
		tcp_syn(p + n + 48);
		p[n + 48 + 12] = 5 << 4;
		return n + 8 + 40 + 20;
	}
}

static void decode_seeds(void)
{
	uint8_t p[1600], q[1600];
	char name[32];
	size_t n;

	for (int i = 0; i < 8; i++) {
		n = v4_packets(p, i);
		snprintf(name, sizeof(name), "ipv4-%d", i);
		decode_seed(name, 2, 0x0800, 1 | 1 << 2, p, n);
		snprintf(name, sizeof(name), "bridge-ipv4-%d", i);
		decode_seed(name, 7, 0x0800, 3, p, n);
	}
	for (int i = 0; i < 4; i++) {
		n = v6_packets(p, i);
		snprintf(name, sizeof(name), "ipv6-%d", i);
		decode_seed(name, 10, 0x86dd, 1 | 1 << 2, p, n);
		snprintf(name, sizeof(name), "netdev-ipv6-%d", i);
		decode_seed(name, 5, 0x86dd, 0, p, n);
	}
	/* ARP request, and an 802.1ad + 802.1Q double tag in the bridge family */
	memcpy(p, (uint8_t[]){0,  1, 8, 0, 6, 4, 0, 1, 2, 0, 0,	 0, 0, 1,
			      10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2},
	       28);
	decode_seed("arp", 3, 0x0806, 1, p, 28);
	n = v4_packets(q, 1);
	memcpy(p, (uint8_t[]){0, 100, 0x81, 0x00, 0, 200, 0x08, 0x00}, 8);
	memcpy(p + 8, q, n);
	decode_seed("qinq", 7, 0x88a8, 1, p, n + 8);
}

/* nflog: a packet message with every attribute, and a batch of two */
static void nflog_message(struct builder *b, const uint8_t *pkt, size_t n)
{
	struct nlattr *v;

	begin(b, 2, 5, 0x0800, 1);
	mnl_attr_put_u32(b->nlh, NFULA_MARK, htonl(0x10));
	timestamp(b, 1795669822, 298770);
	input_eth(b, 2);
	mnl_attr_put_u32(b->nlh, NFULA_IFINDEX_OUTDEV, htonl(3));
	mnl_attr_put_u32(b->nlh, NFULA_IFINDEX_PHYSINDEV, htonl(4));
	mnl_attr_put_strz(b->nlh, NFULA_PREFIX, "SSH ");
	mnl_attr_put_u32(b->nlh, NFULA_UID, htonl(1000));
	mnl_attr_put_u32(b->nlh, NFULA_GID, htonl(1000));
	mnl_attr_put_u32(b->nlh, NFULA_SEQ, htonl(7));
	mnl_attr_put_u32(b->nlh, NFULA_SEQ_GLOBAL, htonl(70));
	v = mnl_attr_nest_start(b->nlh, NFULA_VLAN);
	mnl_attr_put_u16(b->nlh, NFULA_VLAN_PROTO, htons(0x8100));
	mnl_attr_put_u16(b->nlh, NFULA_VLAN_TCI, htons(0xa064));
	mnl_attr_nest_end(b->nlh, v);
	v = mnl_attr_nest_start(b->nlh, NFULA_CT);
	put_tuple(b->nlh, CTA_TUPLE_ORIG, 0x0a000002, 0xc0000209, 6, 4000, 80);
	put_tuple(b->nlh, CTA_TUPLE_REPLY, 0xc0000209, 0xcb007101, 6, 80, 61000);
	mnl_attr_put_u32(b->nlh, CTA_STATUS, htonl(1u << 4 | 1u << 3));
	mnl_attr_nest_end(b->nlh, v);
	mnl_attr_put_u32(b->nlh, NFULA_CT_INFO, htonl(2));
	mnl_attr_put(b->nlh, NFULA_PAYLOAD, n, pkt);
}

static void nflog_seeds(void)
{
	struct builder b, c;
	uint8_t p[1600];
	char name[32];
	size_t n;

	for (int i = 0; i < 8; i++) {
		n = v4_packets(p, i);
		nflog_message(&b, p, n);
		snprintf(name, sizeof(name), "v4-%d", i);
		put("nflog", name, b.buf, b.nlh->nlmsg_len);
	}
	for (int i = 0; i < 4; i++) {
		n = v6_packets(p, i);
		nflog_message(&b, p, n);
		b.nlh->nlmsg_flags = NLM_F_MULTI;
		snprintf(name, sizeof(name), "v6-%d", i);
		put("nflog", name, b.buf, b.nlh->nlmsg_len);
	}
	/* a batch (qthreshold): two packets and NLMSG_DONE */
	n = v4_packets(p, 1);
	nflog_message(&b, p, n);
	nflog_message(&c, p, n);
	memcpy(b.buf + b.nlh->nlmsg_len, c.buf, c.nlh->nlmsg_len);
	n = b.nlh->nlmsg_len + c.nlh->nlmsg_len;
	memcpy(b.buf + n, &(struct nlmsghdr){16, NLMSG_DONE, NLM_F_MULTI, 0, 0}, 16);
	put("nflog", "batch", b.buf, n + 16);
}

/* nfct: events with every attribute the parser knows */
static struct nlmsghdr *ct_begin(char *buf, uint8_t msg, uint16_t flags, uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | msg;
	nlh->nlmsg_flags = flags;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	return nlh;
}

static void ct_common(struct nlmsghdr *nlh)
{
	struct nlattr *n, *h;
	uint8_t labels[16] = {1};

	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(0x3e));
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(120));
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(7));
	mnl_attr_put_u32(nlh, CTA_USE, htonl(1));
	mnl_attr_put_u32(nlh, CTA_ID, htonl(99));
	mnl_attr_put_u16(nlh, CTA_ZONE, htons(3));
	mnl_attr_put_u32(nlh, CTA_SECMARK, htonl(5));
	n = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	h = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, 3);
	mnl_attr_nest_end(nlh, h);
	mnl_attr_nest_end(nlh, n);
	put_counters(nlh, CTA_COUNTERS_ORIG, 2, 120);
	put_counters(nlh, CTA_COUNTERS_REPLY, 1, 80);
	n = mnl_attr_nest_start(nlh, CTA_TIMESTAMP);
	mnl_attr_put_u64(nlh, CTA_TIMESTAMP_START, htobe64(1700000000000000000ULL));
	mnl_attr_put_u64(nlh, CTA_TIMESTAMP_STOP, htobe64(1700000003250000000ULL));
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_HELP);
	mnl_attr_put_strz(nlh, CTA_HELP_NAME, "ftp");
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_SECCTX);
	mnl_attr_put_strz(nlh, CTA_SECCTX_NAME, "system_u:object_r:unlabeled_t:s0");
	mnl_attr_nest_end(nlh, n);
	mnl_attr_put(nlh, CTA_LABELS, sizeof(labels), labels);
}

static void nfct_seeds(void)
{
	char buf[4096];
	struct nlmsghdr *nlh;
	struct nlattr *t, *ip, *pr;
	uint8_t a6[16] = {0x20, 1, 0xd, 0xb8, [15] = 1}, b6[16] = {0x20, 1, 0xd, 0xb8, [15] = 2};
	size_t n;

	nlh = ct_begin(buf, IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL, AF_INET);
	put_tuple(nlh, CTA_TUPLE_ORIG, 0x0a000002, 0xc0000209, 6, 4000, 21);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc0000209, 0xcb007101, 6, 21, 61000);
	ct_common(nlh);
	put("nfct", "new-tcp-snat", buf, nlh->nlmsg_len);
	nlh = ct_begin(buf, IPCTNL_MSG_CT_DELETE, 0, AF_INET);
	nlh->nlmsg_pid = 1;
	put_tuple(nlh, CTA_TUPLE_ORIG, 0xc0a80102, 0xc6336407, 17, 5000, 53);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc6336407, 0xcb007101, 17, 53, 61000);
	ct_common(nlh);
	put("nfct", "destroy-udp", buf, nlh->nlmsg_len);
	/* ICMPv6 over IPv6, with tuple zones */
	nlh = ct_begin(buf, IPCTNL_MSG_CT_NEW, 0, AF_INET6);
	for (int dir = 0; dir < 2; dir++) {
		t = mnl_attr_nest_start(nlh, dir ? CTA_TUPLE_REPLY : CTA_TUPLE_ORIG);
		ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
		mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, dir ? b6 : a6);
		mnl_attr_put(nlh, CTA_IP_V6_DST, 16, dir ? a6 : b6);
		mnl_attr_nest_end(nlh, ip);
		pr = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
		mnl_attr_put_u8(nlh, CTA_PROTO_NUM, 58);
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMPV6_TYPE, dir ? 129 : 128);
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMPV6_CODE, 0);
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMPV6_ID, htons(5));
		mnl_attr_nest_end(nlh, pr);
		mnl_attr_put_u16(nlh, CTA_TUPLE_ZONE, htons(2));
		mnl_attr_nest_end(nlh, t);
	}
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(0x8));
	put("nfct", "update-icmpv6", buf, nlh->nlmsg_len);
	/* a dump reply: two entries and NLMSG_DONE */
	nlh = ct_begin(buf, IPCTNL_MSG_CT_NEW, NLM_F_MULTI, AF_INET);
	put_tuple(nlh, CTA_TUPLE_ORIG, 0x0a000002, 0xc0000209, 132, 1, 2);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc0000209, 0x0a000002, 132, 2, 1);
	n = nlh->nlmsg_len;
	memcpy(buf + n, buf, n);
	memcpy(buf + 2 * n, &(struct nlmsghdr){16, NLMSG_DONE, NLM_F_MULTI, 0, 0}, 16);
	put("nfct", "dump", buf, 2 * n + 16);
}

static void regress(const char *root, const char *target)
{
	char path[4096], name[256];
	uint8_t b[65536];
	struct dirent *d;
	DIR *dh;

	snprintf(path, sizeof(path), "%s/%s", root, target);
	if ((dh = opendir(path)) == NULL)
		return;
	while ((d = readdir(dh)) != NULL) {
		size_t len = strlen(d->d_name), n = 0;
		FILE *f;

		if (len < 5 || strcmp(d->d_name + len - 4, ".hex") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", root, target, d->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (n < sizeof(b) && fscanf(f, "%2hhx", &b[n]) == 1)
			n++;
		fclose(f);
		snprintf(name, sizeof(name), "%.*s", (int)(len - 4), d->d_name);
		write_input(target, "regress", name, b, n);
	}
	closedir(dh);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: seeds DIR REGRESS\n");
		return 2;
	}
	dir = argv[1];
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		perror(dir);
		return 1;
	}
	decode_seeds();
	nflog_seeds();
	nfct_seeds();
	regress(argv[2], "decode");
	regress(argv[2], "nflog");
	regress(argv[2], "nfct");
	return 0;
}
