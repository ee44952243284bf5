/* SPDX-License-Identifier: Apache-2.0 */
/* Conntrack attribute parsing (CTA_*) on crafted attribute streams, the
 * shared ground of NFLOG's attached conntrack and ctnetlink events. */
#include <arpa/inet.h>
#include <endian.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ct-build.h"
#include "ctattr.h"
#include "unit.h"

static void test_full_entry(void)
{
	char buf[2048];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *n, *m;
	struct ct_info ct;
	uint8_t labels[16] = {0x05};

	put_tuple(nlh, CTA_TUPLE_ORIG, 0x0a000002, 0xc0000209, 6, 40000, 443);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc0000209, 0xcb007101, 6, 443, 61000);
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(0x1de));
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(431999));
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(7));
	mnl_attr_put_u32(nlh, CTA_ID, htonl(123456));
	mnl_attr_put_u32(nlh, CTA_USE, htonl(1));
	mnl_attr_put_u16(nlh, CTA_ZONE, htons(3));
	put_counters(nlh, CTA_COUNTERS_ORIG, 10, 1500);
	put_counters(nlh, CTA_COUNTERS_REPLY, 8, 9000);
	n = mnl_attr_nest_start(nlh, CTA_TIMESTAMP);
	mnl_attr_put_u64(nlh, CTA_TIMESTAMP_START, htobe64(1700000000123456789ULL));
	mnl_attr_put_u64(nlh, CTA_TIMESTAMP_STOP, htobe64(1700000042000000000ULL));
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	m = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, 3);
	mnl_attr_nest_end(nlh, m);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_HELP);
	mnl_attr_put_strz(nlh, CTA_HELP_NAME, "ftp");
	mnl_attr_nest_end(nlh, n);
	mnl_attr_put(nlh, CTA_LABELS, sizeof(labels), labels);
	ct_parse(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), &ct);
	CHECK_EQ("no bad attributes", 0, ct.bad_attrs);
	CHECK("orig", ct.orig.l3 == 4 && ct.orig.proto == 6 && ct.orig.sport == 40000 &&
			      ct.orig.dport == 443 && ct.orig.src[3] == 2);
	CHECK("reply", ct.reply.dport == 61000 && ct.reply.dst[0] == 203);
	CHECK_EQ("status", 0x1de, ct.status);
	CHECK_EQ("timeout", 431999, ct.timeout);
	CHECK_EQ("mark", 7, ct.mark);
	CHECK_EQ("id", 123456, ct.id);
	CHECK_EQ("zone", 3, ct.zone);
	CHECK_EQ("use", 1, ct.use);
	CHECK("counters", ct.counters[0].packets == 10 && ct.counters[0].bytes == 1500 &&
				  ct.counters[1].packets == 8 && ct.counters[1].bytes == 9000);
	CHECK_EQ("start", 1700000000123456789ULL, ct.start_ns);
	CHECK_EQ("stop", 1700000042000000000ULL, ct.stop_ns);
	CHECK_STR("tcp state", "ESTABLISHED", ct_tcp_state_name(ct.tcp_state));
	CHECK_STR("helper", "ftp", ct.helper);
	CHECK_EQ("labels", 0x05, ct.labels[0]);
	CHECK_STR("status bit 4", "SRC_NAT", ct_status_name(4));
}

static void test_malformed(void)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *n;
	struct ct_info ct;
	uint8_t three[3] = {1, 2, 3}, big[40] = {0};

	mnl_attr_put(nlh, CTA_ID, sizeof(three), three); /* u32 with 3 bytes */
	n = mnl_attr_nest_start(nlh, CTA_COUNTERS_ORIG);
	mnl_attr_put_u32(nlh, CTA_COUNTERS_PACKETS, 1); /* u64 with 4 bytes */
	mnl_attr_nest_end(nlh, n);
	mnl_attr_put(nlh, CTA_LABELS, sizeof(big), big); /* more than 128 bits */
	mnl_attr_put_u32(nlh, 250, 0);			 /* unknown: skipped */
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(9));	 /* still read */
	ct_parse(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), &ct);
	CHECK_EQ("three bad attributes", 3, ct.bad_attrs);
	CHECK("no id", !(ct.has & CTH_ID));
	CHECK("mark after them", (ct.has & CTH_MARK) && ct.mark == 9);
	ct_parse(buf, 3, &ct); /* a stream cut inside an attribute header */
	CHECK("cut stream counted", ct.bad_attrs >= 1 && ct.has == 0);
}

int main(void)
{
	RUN(test_full_entry);
	RUN(test_malformed);
	UNIT_EXIT();
}
