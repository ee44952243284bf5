/* SPDX-License-Identifier: Apache-2.0 */
/* Builders of packets and NFLOG netlink messages for the unit tests and
 * the fuzzers' seed corpus. */
#ifndef PKT_BUILD_H
#define PKT_BUILD_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

static inline size_t put16(uint8_t *p, size_t off, uint16_t v)
{
	p[off] = (uint8_t)(v >> 8);
	p[off + 1] = (uint8_t)v;
	return off + 2;
}

static inline void put32(uint8_t *p, size_t off, uint32_t v)
{
	put16(p, off, (uint16_t)(v >> 16));
	put16(p, off + 2, (uint16_t)v);
}

/* IPv4 header of 20 + optlen bytes for a payload of plen bytes,
 * 192.0.2.1 -> 198.51.100.7. */
static inline size_t ipv4(uint8_t *p, uint8_t proto, size_t optlen, size_t plen, uint16_t frag)
{
	size_t hlen = 20 + optlen;

	memset(p, 0, hlen);
	p[0] = (uint8_t)(0x40 | hlen / 4);
	p[1] = 0xb8; /* DSCP EF */
	put16(p, 2, (uint16_t)(hlen + plen));
	put16(p, 4, 0x1234);
	put16(p, 6, frag);
	p[8] = 64;
	p[9] = proto;
	put16(p, 10, 0xbeef);
	memcpy(p + 12, (uint8_t[]){192, 0, 2, 1, 198, 51, 100, 7}, 8);
	return hlen;
}

/* IPv6 header for a payload of plen bytes, 2001:db8::1 -> 2001:db8::2. */
static inline size_t ipv6(uint8_t *p, uint8_t nh, size_t plen)
{
	memset(p, 0, 40);
	put32(p, 0, 0x6a012345); /* tclass 0xa0, flow 0x12345 */
	put16(p, 4, (uint16_t)plen);
	p[6] = nh;
	p[7] = 63;
	p[8] = 0x20;
	p[9] = 0x01;
	p[10] = 0x0d;
	p[11] = 0xb8;
	p[23] = 1;
	memcpy(p + 24, p + 8, 16);
	p[39] = 2;
	return 40;
}

/* SYN 40000 -> 22 with MSS 1460, SACK-permitted, timestamps, NOP, window
 * scale 7; ECE and CWR set. */
static inline size_t tcp_syn(uint8_t *p)
{
	static const uint8_t opts[] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0,
				       0, 1, 0,	   0,	 0, 0, 1, 3,  3, 7};

	memset(p, 0, 40);
	put16(p, 0, 40000);
	put16(p, 2, 22);
	put32(p, 4, 1000);
	p[12] = 10 << 4;
	p[13] = 0x02 | 0xc0; /* SYN, ECE, CWR */
	put16(p, 14, 64240);
	put16(p, 16, 0xabcd);
	memcpy(p + 20, opts, sizeof(opts));
	return 40;
}

static inline size_t udp(uint8_t *p, uint16_t sport, uint16_t dport, uint16_t len)
{
	put16(p, 0, sport);
	put16(p, 2, dport);
	put16(p, 4, len);
	put16(p, 6, 0x1111);
	return 8;
}

/* An NFULNL_MSG_PACKET under construction (net/netfilter/nfnetlink_log.c
 * __build_packet_message). */
struct builder {
	char buf[8192];
	struct nlmsghdr *nlh;
};

static inline void begin(struct builder *b, uint8_t family, uint16_t group, uint16_t proto,
			 uint8_t hook)
{
	struct nfgenmsg *nfg;
	uint8_t hdr[4] = {(uint8_t)(proto >> 8), (uint8_t)proto, hook, 0};

	memset(b->buf, 0, sizeof(b->buf));
	b->nlh = mnl_nlmsg_put_header(b->buf);
	b->nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;
	nfg = mnl_nlmsg_put_extra_header(b->nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->res_id = htons(group);
	mnl_attr_put(b->nlh, NFULA_PACKET_HDR, sizeof(hdr), hdr);
}

static inline void timestamp(struct builder *b, uint64_t sec, uint64_t usec)
{
	uint8_t ts[16];

	for (int i = 0; i < 8; i++) {
		ts[i] = (uint8_t)(sec >> (56 - 8 * i));
		ts[8 + i] = (uint8_t)(usec >> (56 - 8 * i));
	}
	mnl_attr_put(b->nlh, NFULA_TIMESTAMP, sizeof(ts), ts);
}

static const uint8_t ETH_HDR[14] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0};

/* Input interface and its Ethernet header, as the kernel sends them. */
static inline void input_eth(struct builder *b, uint32_t ifindex)
{
	uint8_t hw[12] = {0, 6, 0, 0, 2, 0, 0, 0, 0, 2};

	mnl_attr_put_u32(b->nlh, NFULA_IFINDEX_INDEV, htonl(ifindex));
	mnl_attr_put(b->nlh, NFULA_HWADDR, sizeof(hw), hw);
	mnl_attr_put_u16(b->nlh, NFULA_HWTYPE, htons(1));
	mnl_attr_put_u16(b->nlh, NFULA_HWLEN, htons(14));
	mnl_attr_put(b->nlh, NFULA_HWHEADER, sizeof(ETH_HDR), ETH_HDR);
}

#endif
