/* SPDX-License-Identifier: Apache-2.0 */
/* NAT records (nfct-nat.c) of crafted conntrack events: SNAT, DNAT, both,
 * IPv6, ICMP, dump entries, markers, and what is not a mapping. */
#include <arpa/inet.h>
#include <endian.h>
#include <stdlib.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ct-build.h"
#include "nfct-event.h"
#include "nfct-fields.h"
#include "nfct-nat.h"
#include "unit.h"

#define S_NAT (1u << 4) /* IPS_SRC_NAT */
#define D_NAT (1u << 5) /* IPS_DST_NAT */

static struct nlmsghdr *begin(char *buf, int type, uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (uint16_t)((NFNL_SUBSYS_CTNETLINK << 8) | type);
	if (type == IPCTNL_MSG_CT_NEW)
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL; /* a NEW event, not an UPDATE */
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	return nlh;
}

static void put_meta(struct nlmsghdr *nlh, uint32_t status, uint32_t id)
{
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(status | (1u << 3)));
	mnl_attr_put_u32(nlh, CTA_ID, htonl(id));
}

static void put_times(struct nlmsghdr *nlh, uint64_t start_ns, uint64_t stop_ns)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, CTA_TIMESTAMP);

	mnl_attr_put_u64(nlh, CTA_TIMESTAMP_START, htobe64(start_ns));
	if (stop_ns)
		mnl_attr_put_u64(nlh, CTA_TIMESTAMP_STOP, htobe64(stop_ns));
	mnl_attr_nest_end(nlh, n);
}

/* the record of one event received at 1700000010.5 */
static const char *record(struct nlmsghdr *nlh, bool existing)
{
	static char out[NAT_RECORD_MAX];
	struct nfct_event ev;
	struct nfct_record r = {.ev = &ev, .now = {1700000010, 500000}};

	if (nfct_event_parse(nlh, existing, &ev) < 0)
		return "unparsed";
	nfct_record_times(&r, false, NULL);
	out[0] = '\0';
	nat_event_record(&r, existing, out, sizeof(out));
	return out;
}

/* masquerade: 192.168.1.2:5000 -> 198.51.100.7:53 leaves as 203.0.113.1:61000 */
static void test_snat(void)
{
	char buf[2048];
	struct nlmsghdr *nlh;

	nlh = begin(buf, IPCTNL_MSG_CT_NEW, AF_INET);
	put_tuple(nlh, CTA_TUPLE_ORIG, 0xc0a80102, 0xc6336407, 17, 5000, 53);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc6336407, 0xcb007101, 17, 53, 61000);
	put_meta(nlh, S_NAT, 77);
	CHECK_STR("NEW opens, at the receive time",
		  "O 1700000010500 - udp s 192.168.1.2:5000 203.0.113.1:61000 198.51.100.7:53 77",
		  record(nlh, false));

	nlh = begin(buf, IPCTNL_MSG_CT_DELETE, AF_INET);
	put_tuple(nlh, CTA_TUPLE_ORIG, 0xc0a80102, 0xc6336407, 17, 5000, 53);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc6336407, 0xcb007101, 17, 53, 61000);
	put_meta(nlh, S_NAT, 77);
	put_times(nlh, 1700000000123456789ULL, 1700000003250000000ULL);
	CHECK_STR("DESTROY closes, with the kernel's times in ms",
		  "C 1700000000123 1700000003250 udp s 192.168.1.2:5000 203.0.113.1:61000 "
		  "198.51.100.7:53 77",
		  record(nlh, false));
}

/* port forward: 198.51.100.7:40000 -> 203.0.113.1:8080 reaches 10.0.0.5:80 */
static void test_dnat(void)
{
	char buf[2048];
	struct nlmsghdr *nlh = begin(buf, IPCTNL_MSG_CT_NEW, AF_INET);

	put_tuple(nlh, CTA_TUPLE_ORIG, 0xc6336407, 0xcb007101, 6, 40000, 8080);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0x0a000005, 0xc6336407, 6, 80, 40000);
	put_meta(nlh, D_NAT, 9);
	CHECK_STR("inside is the server, outside the public address",
		  "O 1700000010500 - tcp d 10.0.0.5:80 203.0.113.1:8080 198.51.100.7:40000 9",
		  record(nlh, false));
}

/* hairpin: 10.0.0.2:5000 -> 203.0.113.1:80 is forwarded to 10.0.0.5:80 and
 * masqueraded as 203.0.113.1:61001 */
static void test_both(void)
{
	char buf[2048];
	struct nlmsghdr *nlh = begin(buf, IPCTNL_MSG_CT_NEW, AF_INET);

	put_tuple(nlh, CTA_TUPLE_ORIG, 0x0a000002, 0xcb007101, 6, 5000, 80);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0x0a000005, 0xcb007101, 6, 80, 61001);
	put_meta(nlh, S_NAT | D_NAT, 10);
	CHECK_STR("the peer really reached is the reply's source",
		  "O 1700000010500 - tcp b 10.0.0.2:5000 203.0.113.1:61001 10.0.0.5:80 10",
		  record(nlh, false));
}

static void test_not_nat(void)
{
	char buf[2048];
	struct nlmsghdr *nlh = begin(buf, IPCTNL_MSG_CT_NEW, AF_INET);

	put_tuple(nlh, CTA_TUPLE_ORIG, 0x0a000002, 0x0a000003, 17, 5000, 53);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0x0a000003, 0x0a000002, 17, 53, 5000);
	put_meta(nlh, 0, 11);
	CHECK_STR("no record without NAT", "", record(nlh, false));

	nlh = begin(buf, IPCTNL_MSG_CT_NEW, AF_INET);
	put_tuple(nlh, CTA_TUPLE_ORIG, 0xc0a80102, 0xc6336407, 17, 5000, 53);
	put_meta(nlh, S_NAT, 12);
	CHECK_STR("no record without the reply tuple", "", record(nlh, false));

	nlh = begin(buf, IPCTNL_MSG_CT_NEW, AF_INET);
	put_tuple(nlh, CTA_TUPLE_ORIG, 0xc0a80102, 0xc6336407, 17, 5000, 53);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc6336407, 0xcb007101, 17, 53, 61000);
	put_meta(nlh, S_NAT, 13);
	nlh->nlmsg_flags = 0; /* an UPDATE: no NEW flag (NLM_F_CREATE) */
	CHECK_STR("no record for an UPDATE", "", record(nlh, false));
}

static void test_ipv6_and_zone(void)
{
	char buf[2048];
	struct nlmsghdr *nlh = begin(buf, IPCTNL_MSG_CT_NEW, AF_INET6);

	put_tuple6(nlh, CTA_TUPLE_ORIG, "fd00::2", "2001:db8::7", 40000, 443);
	put_tuple6(nlh, CTA_TUPLE_REPLY, "2001:db8::7", "2001:db8:1::1", 443, 1025);
	put_meta(nlh, S_NAT, 14);
	mnl_attr_put_u16(nlh, CTA_ZONE, htons(5));
	CHECK_STR("addresses in brackets before a port, the zone when not 0",
		  "O 1700000010500 - tcp s [fd00::2]:40000 [2001:db8:1::1]:1025 [2001:db8::7]:443 "
		  "14 zone=5",
		  record(nlh, false));
}

/* masquerade rewrites an echo's id as it rewrites ports */
static void test_icmp(void)
{
	char buf[2048];
	struct nlmsghdr *nlh = begin(buf, IPCTNL_MSG_CT_NEW, AF_INET);

	put_icmp(nlh, CTA_TUPLE_ORIG, 0xc0a80102, 0xc6336407, 300);
	put_icmp(nlh, CTA_TUPLE_REPLY, 0xc6336407, 0xcb007101, 7);
	put_meta(nlh, S_NAT, 15);
	CHECK_STR("the echo id as the port, the peer without one",
		  "O 1700000010500 - icmp s 192.168.1.2:300 203.0.113.1:7 198.51.100.7 15",
		  record(nlh, false));
}

/* a table dump: the start when the kernel keeps timestamps, else only the
 * time the mapping was seen alive */
static void test_dump_entries(void)
{
	char buf[2048];
	struct nlmsghdr *nlh = begin(buf, IPCTNL_MSG_CT_NEW, AF_INET);

	put_tuple(nlh, CTA_TUPLE_ORIG, 0xc0a80102, 0xc6336407, 17, 5000, 53);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc6336407, 0xcb007101, 17, 53, 61000);
	put_meta(nlh, S_NAT, 16);
	CHECK_STR("alive at the dump, start unknown",
		  "A - 1700000010500 udp s 192.168.1.2:5000 203.0.113.1:61000 198.51.100.7:53 16",
		  record(nlh, true));
	put_times(nlh, 1700000001000000000ULL, 0);
	CHECK_STR("alive at the dump, start known",
		  "A 1700000001000 1700000010500 udp s 192.168.1.2:5000 203.0.113.1:61000 "
		  "198.51.100.7:53 16",
		  record(nlh, true));
}

static void test_markers(void)
{
	char out[64];

	nat_marker(NAT_REC_BEGIN, -1, 1700000010500, "start", out, sizeof(out));
	CHECK_STR("first start", "B - 1700000010500 start", out);
	nat_marker(NAT_REC_GAP, 1700000010500, 1700000011250, "lost=12", out, sizeof(out));
	CHECK_STR("gap", "G 1700000010500 1700000011250 lost=12", out);
	CHECK_EQ("a record that does not fit is not cut", 0,
		 nat_marker(NAT_REC_GAP, 1700000010500, 1700000011250, "lost=12", out, 20));
}

int main(void)
{
	RUN(test_snat);
	RUN(test_dnat);
	RUN(test_both);
	RUN(test_not_nat);
	RUN(test_ipv6_and_zone);
	RUN(test_icmp);
	RUN(test_dump_entries);
	RUN(test_markers);
	UNIT_EXIT();
}
