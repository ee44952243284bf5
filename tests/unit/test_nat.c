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

/* the record of one event received at 1700000010.5, the socket last seen
 * empty 251 ms before */
static const char *record(struct nlmsghdr *nlh, bool existing)
{
	static char out[NAT_RECORD_MAX];
	struct nfct_event ev;
	struct nfct_record r = {.ev = &ev, .now = {1700000010, 500000}};

	if (nfct_event_parse(nlh, existing, &ev) < 0)
		return "unparsed";
	nfct_record_times(&r, false, NULL);
	out[0] = '\0';
	nat_event_record(&r, existing, 1700000010249, out, sizeof(out));
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
	CHECK_STR("NEW opens, at the receive time, after the socket's last empty look",
		  "O 1700000010500 - udp s 192.168.1.2:5000 203.0.113.1:61000 198.51.100.7:53 77 "
		  "after=1700000010249",
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
		  "O 1700000010500 - tcp d 10.0.0.5:80 203.0.113.1:8080 198.51.100.7:40000 9 "
		  "after=1700000010249",
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
		  "O 1700000010500 - tcp b 10.0.0.2:5000 203.0.113.1:61001 10.0.0.5:80 10 "
		  "after=1700000010249",
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
		  "14 zone=5 after=1700000010249",
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
		  "O 1700000010500 - icmp s 192.168.1.2:300 203.0.113.1:7 198.51.100.7 15 "
		  "after=1700000010249",
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

/* Linux 6.14+ with nf_conntrack_timestamp=1: every event carries the
 * kernel's time of it (CTA_TIMESTAMP_EVENT, top level, be64 ns) */
static void put_event_time(struct nlmsghdr *nlh, uint64_t ns)
{
	mnl_attr_put_u64(nlh, CTA_STATUS_MASK + 1, htobe64(ns));
}

static void test_event_time(void)
{
	char buf[2048];
	struct nlmsghdr *nlh;

	nlh = begin(buf, IPCTNL_MSG_CT_NEW, AF_INET);
	put_tuple(nlh, CTA_TUPLE_ORIG, 0xc0a80102, 0xc6336407, 17, 5000, 53);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc6336407, 0xcb007101, 17, 53, 61000);
	put_meta(nlh, S_NAT, 78);
	put_event_time(nlh, 1700000006789999999ULL);
	CHECK_STR("a NEW read late starts at the kernel's time, said so",
		  "O 1700000006789 - udp s 192.168.1.2:5000 203.0.113.1:61000 198.51.100.7:53 78 "
		  "ts=kernel",
		  record(nlh, false));

	nlh = begin(buf, IPCTNL_MSG_CT_DELETE, AF_INET);
	put_tuple(nlh, CTA_TUPLE_ORIG, 0xc0a80102, 0xc6336407, 17, 5000, 53);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc6336407, 0xcb007101, 17, 53, 61000);
	put_meta(nlh, S_NAT, 78);
	put_event_time(nlh, 1700000008000000000ULL);
	CHECK_STR("a DESTROY without timestamps: start unknown, end the event's time",
		  "C - 1700000008000 udp s 192.168.1.2:5000 203.0.113.1:61000 198.51.100.7:53 78",
		  record(nlh, false));

	nlh = begin(buf, IPCTNL_MSG_CT_DELETE, AF_INET);
	put_tuple(nlh, CTA_TUPLE_ORIG, 0xc0a80102, 0xc6336407, 17, 5000, 53);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc6336407, 0xcb007101, 17, 53, 61000);
	put_meta(nlh, S_NAT, 78);
	CHECK_STR("a DESTROY without any kernel time ends when read",
		  "C - 1700000010500 udp s 192.168.1.2:5000 203.0.113.1:61000 198.51.100.7:53 78",
		  record(nlh, false));

	nlh = begin(buf, IPCTNL_MSG_CT_NEW, AF_INET);
	put_tuple(nlh, CTA_TUPLE_ORIG, 0xc0a80102, 0xc6336407, 17, 5000, 53);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc6336407, 0xcb007101, 17, 53, 61000);
	put_meta(nlh, S_NAT, 79);
	mnl_attr_put_u32(nlh, CTA_STATUS_MASK + 1, 1); /* 4 bytes, not 8 */
	CHECK_STR("a short event time is not used: the receive time, with after=",
		  "O 1700000010500 - udp s 192.168.1.2:5000 203.0.113.1:61000 198.51.100.7:53 79 "
		  "after=1700000010249",
		  record(nlh, false));

	nlh = begin(buf, IPCTNL_MSG_CT_DELETE, AF_INET);
	put_tuple(nlh, CTA_TUPLE_ORIG, 0xc0a80102, 0xc6336407, 17, 5000, 53);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc6336407, 0xcb007101, 17, 53, 61000);
	put_meta(nlh, S_NAT, 78);
	put_times(nlh, 1700000000123456789ULL, 1700000003250000000ULL);
	put_event_time(nlh, 1700000003250000500ULL);
	CHECK_STR("the kernel's stop wins over the event time",
		  "C 1700000000123 1700000003250 udp s 192.168.1.2:5000 203.0.113.1:61000 "
		  "198.51.100.7:53 78",
		  record(nlh, false));
	nlh = begin(buf, IPCTNL_MSG_CT_DELETE, AF_INET);
	put_tuple(nlh, CTA_TUPLE_ORIG, 0xc0a80102, 0xc6336407, 17, 5000, 53);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc6336407, 0xcb007101, 17, 53, 61000);
	put_meta(nlh, S_NAT, 78);
	CHECK_STR("(again without times)",
		  "C - 1700000010500 udp s 192.168.1.2:5000 203.0.113.1:61000 198.51.100.7:53 78",
		  record(nlh, false));
}

/* ---- the stream's state machine: what it writes, and what it stores ---- */

static char stream_out[4096];

static void collect(void *ctx, const char *rec, size_t len)
{
	size_t have = strlen(stream_out);

	(void)ctx;
	if (have + len + 1 < sizeof(stream_out)) {
		memcpy(stream_out + have, rec, len);
		stream_out[have + len] = '|';
		stream_out[have + len + 1] = '\0';
	}
}

static const char *stored(struct nat_stream *s)
{
	static char line[NAT_STATE_LINE + 1];
	size_t n = nat_stream_state(s, line, sizeof(line));
	char *end;

	line[n] = '\0';
	for (end = line + strlen(line); end > line && (end[-1] == ' ' || end[-1] == '\n'); end--)
		;
	*end = '\0';
	return line;
}

static void test_stream_first_start_and_reads(void)
{
	struct nat_stream s;

	stream_out[0] = '\0';
	nat_stream_begin(&s, collect, NULL, NULL, 1000000);
	CHECK_STR("a first start: records missing since an unknown time", "B - 1000000 start|",
		  stream_out);
	nat_stream_look(&s, 1000250, 0, 1000000);
	nat_stream_look(&s, 1000500, 0, 1000250);
	CHECK_STR("an R not more than once a second", "B - 1000000 start|", stream_out);
	nat_stream_look(&s, 1001250, 0, 1001000);
	CHECK_STR("an R when the socket was seen empty a second later",
		  "B - 1000000 start|R 1001000 - read|", stream_out);
	CHECK_EQ("an OPEN read now began after the last empty look, less 1 ms", 1000999,
		 nat_stream_after(&s));
	stream_out[0] = '\0';
	nat_stream_look(&s, 1001500, 0, -1);
	nat_stream_look(&s, 1002600, 0, -1);
	CHECK_STR("no R while the socket is never seen empty", "", stream_out);
	CHECK_STR("the state: complete until the last empty look", "1001000", stored(&s));
}

static void test_stream_gap(void)
{
	struct nat_stream s;

	nat_stream_begin(&s, collect, NULL, "1000000", 2000000);
	stream_out[0] = '\0';
	nat_stream_look(&s, 2000250, 0, 2000100);
	nat_stream_look(&s, 2000500, 7, 2000400);
	nat_stream_look(&s, 2000750, 3, 2000700);
	CHECK_STR("drops keep the completeness where it was, and no R", "", stream_out);
	CHECK_STR("an open gap is stored at once, with its start", "2000100 gap 2000250 2000750 10",
		  stored(&s));
	nat_stream_look(&s, 2001000, 0, 2000900);
	CHECK_STR("the first look without drops closes the gap", "G 2000250 2000750 lost=10|",
		  stream_out);
	CHECK_STR("then the records are complete again", "2000900", stored(&s));
}

static void test_stream_crash_in_gap(void)
{
	struct nat_stream s;

	stream_out[0] = '\0';
	nat_stream_begin(&s, collect, NULL, "2000100 gap 2000250 2000750 10   \n", 3000000);
	CHECK_STR("a crash during a gap: B from the last complete time, then its G",
		  "B 2000100 3000000 start|G 2000250 2000750 lost=>10 crash|", stream_out);
	stream_out[0] = '\0';
	nat_stream_begin(&s, collect, NULL, "00000000001700000000000\n", 3000000);
	CHECK_STR("an earlier version's line (the last record's time) still says since when",
		  "B 1700000000000 3000000 start|", stream_out);
	stream_out[0] = '\0';
	nat_stream_begin(&s, collect, NULL, "garbage", 3000000);
	CHECK_STR("a damaged line is a first start", "B - 3000000 start|", stream_out);
}

static void test_stream_stop(void)
{
	struct nat_stream s;

	nat_stream_begin(&s, collect, NULL, NULL, 4000000);
	nat_stream_look(&s, 4000250, 0, 4000200);
	stream_out[0] = '\0';
	nat_stream_look(&s, 4000400, 0, 4000390);
	nat_stream_end(&s, 4000300);
	CHECK_STR("a clean stop: E at the unsubscription, not at the last read",
		  "E 4000300 - stop|", stream_out);

	nat_stream_begin(&s, collect, NULL, NULL, 5000000);
	nat_stream_look(&s, 5000250, 0, 5000200);
	stream_out[0] = '\0';
	nat_stream_look(&s, 5000500, 0, -1);
	nat_stream_stop_lost(&s, 1234, false, 5000600);
	nat_stream_end(&s, 5000600);
	CHECK_STR("a stop with a backlog: a G from the last complete time, then E",
		  "G 5000200 5000600 lost=>1234 stop|E 5000600 - stop|", stream_out);
	CHECK_STR("and the state says complete until the stop", "5000600", stored(&s));
}

static void test_stream_numbers(void)
{
	struct nat_stream s;
	char rec[32] = "B - 1000 start";
	size_t len;

	nat_stream_begin(&s, collect, NULL, NULL, 1000);
	len = nat_stream_number(&s, rec, strlen(rec), sizeof(rec));
	CHECK_STR("the stream's first record is number 0", "B - 1000 start seq=0", rec);
	CHECK_EQ("its length", strlen(rec), len);
	strcpy(rec, "R 2000 - read");
	nat_stream_number(&s, rec, strlen(rec), sizeof(rec));
	CHECK_STR("then 1", "R 2000 - read seq=1", rec);
	strcpy(rec, "R 2000000000000 - read");
	CHECK_EQ("a number that does not fit: no record, and the number is not used", 0,
		 nat_stream_number(&s, rec, strlen(rec), 26));
	CHECK_EQ("(the next is still 2)", 2, s.seq);
}

static void test_state_names(void)
{
	char name[128];

	nat_state_name("nfct-nat", NULL, -1, name, sizeof(name));
	CHECK_STR("named by ruleset, namespace and zone", "imnfct-nat.nfct-nat.-.any.state", name);
	nat_state_name("a.b", "/run/netns/x y", 3, name, sizeof(name));
	CHECK_STR("anything but letters, digits, _ and - escaped",
		  "imnfct-nat.a%2Eb.%2Frun%2Fnetns%2Fx%20y.3.state", name);
	CHECK_EQ("a name that does not fit is none", 0,
		 nat_state_name("nfct-nat", NULL, -1, name, 20));
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
	RUN(test_event_time);
	RUN(test_stream_first_start_and_reads);
	RUN(test_stream_gap);
	RUN(test_stream_crash_in_gap);
	RUN(test_stream_stop);
	RUN(test_stream_numbers);
	RUN(test_state_names);
	UNIT_EXIT();
}
