/* SPDX-License-Identifier: Apache-2.0 */
/* Builders of conntrack attributes (CTA_*) for the unit tests. */
#ifndef CT_BUILD_H
#define CT_BUILD_H

#include <arpa/inet.h>
#include <endian.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

/* CTA_TUPLE_IP of an IPv4 tuple */
static inline void put_tuple_ip4(struct nlmsghdr *nlh, uint32_t s, uint32_t d)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);

	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, htonl(s));
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, htonl(d));
	mnl_attr_nest_end(nlh, n);
}

static inline void put_tuple(struct nlmsghdr *nlh, int type, uint32_t s, uint32_t d, uint8_t proto,
			     uint16_t sp, uint16_t dp)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, type), *n;

	put_tuple_ip4(nlh, s, d);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, proto);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sp));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dp));
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
}

static inline void put_counters(struct nlmsghdr *nlh, int type, uint64_t p, uint64_t b)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS, htobe64(p));
	mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES, htobe64(b));
	mnl_attr_nest_end(nlh, n);
}

/* an IPv6 TCP tuple */
static inline void put_tuple6(struct nlmsghdr *nlh, int type, const char *s, const char *d,
			      uint16_t sp, uint16_t dp)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, type), *n;
	uint8_t a[16];

	n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	inet_pton(AF_INET6, s, a);
	mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, a);
	inet_pton(AF_INET6, d, a);
	mnl_attr_put(nlh, CTA_IP_V6_DST, 16, a);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, 6);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sp));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dp));
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
}

/* an IPv4 echo tuple: request in the original direction, reply in the other */
static inline void put_icmp(struct nlmsghdr *nlh, int type, uint32_t s, uint32_t d, uint16_t id)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, type), *n;

	put_tuple_ip4(nlh, s, d);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, 1);
	mnl_attr_put_u16(nlh, CTA_PROTO_ICMP_ID, htons(id));
	mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_TYPE, type == CTA_TUPLE_ORIG ? 8 : 0);
	mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_CODE, 0);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
}

#endif
