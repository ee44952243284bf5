/* SPDX-License-Identifier: Apache-2.0 */
/* imnfct pure parts on crafted ctnetlink events: parsing, both schemas,
 * the flow table and network matching. */
#include <arpa/inet.h>
#include <endian.h>
#include <stdlib.h>
#include <time.h>

#include <json.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ct-build.h"
#include "nfct-event.h"
#include "nfct-fields.h"
#include "nfct-filter.h"
#include "nfct-sock.h"
#include "nfct-table.h"
#include "unit.h"

/* DESTROY of a masqueraded UDP flow 192.168.1.2:5000 -> 198.51.100.7:53,
 * translated to 203.0.113.1:61000, 3 s long per the kernel timestamps. */
static struct nlmsghdr *snat_destroy_counting(char *buf, uint64_t orig_bytes, uint64_t reply_bytes);

static struct nlmsghdr *snat_destroy(char *buf)
{
	return snat_destroy_counting(buf, 120, 80);
}

static struct nlmsghdr *snat_destroy_counting(char *buf, uint64_t orig_bytes, uint64_t reply_bytes)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	struct nlattr *n;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	put_tuple(nlh, CTA_TUPLE_ORIG, 0xc0a80102, 0xc6336407, 17, 5000, 53);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc6336407, 0xcb007101, 17, 53, 61000);
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl((1u << 4) | (1u << 3) | (1u << 1)));
	mnl_attr_put_u32(nlh, CTA_ID, htonl(77));
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(0));
	put_counters(nlh, CTA_COUNTERS_ORIG, 2, orig_bytes);
	put_counters(nlh, CTA_COUNTERS_REPLY, 1, reply_bytes);
	n = mnl_attr_nest_start(nlh, CTA_TIMESTAMP);
	mnl_attr_put_u64(nlh, CTA_TIMESTAMP_START, htobe64(1700000000000000000ULL));
	mnl_attr_put_u64(nlh, CTA_TIMESTAMP_STOP, htobe64(1700000003250000000ULL));
	mnl_attr_nest_end(nlh, n);
	return nlh;
}

static const char *json(const struct nfct_record *r, enum nf_schema s)
{
	static char out[4096];
	struct nfct_opts o = {.schema = s,
			      .device = s == NF_SCHEMA_ULOGD ? "Netfilter" : NULL,
			      .community_id = true};
	struct fjson_object *j = nfct_fields_json(r, &o);

	snprintf(out, sizeof(out), "%s", fjson_object_to_json_string_ext(j, FJSON_TO_STRING_PLAIN));
	fjson_object_put(j);
	return out;
}

static void test_snat_destroy(void)
{
	char buf[2048];
	struct nfct_event ev;
	struct nfct_record r = {.ev = &ev, .now = {1700000004, 0}};

	CHECK("parsed", nfct_event_parse(snat_destroy(buf), false, &ev) == 0);
	CHECK_EQ("destroy", NFCT_EV_DESTROY, ev.type);
	nfct_record_times(&r, false, NULL);
	CHECK_STR(
		"ecs",
		"{\"@timestamp\":\"2023-11-14T22:13:24.000000Z\",\"ecs\":{\"version\":\"8.11.0\"},"
		"\"event\":{\"kind\":\"event\",\"category\":[\"network\"],\"type\":[\"connection\","
		"\"end\"],\"action\":\"conntrack-destroy\",\"module\":\"netfilter\","
		"\"dataset\":\"netfilter.conntrack\",\"start\":\"2023-11-14T22:13:20.000000Z\","
		"\"end\":\"2023-11-14T22:13:23.250000Z\",\"duration\":3250000000},"
		"\"network\":{\"iana_number\":\"17\",\"transport\":\"udp\",\"type\":\"ipv4\","
		"\"bytes\":200,\"packets\":3,\"community_id\":\"1:t2tO9qcXQtW4KFsmF0lvvc0ixvY=\"},"
		"\"source\":{\"port\":5000,\"bytes\":120,\"packets\":2,\"ip\":\"192.168.1.2\","
		"\"nat\":{\"ip\":\"203.0.113.1\",\"port\":61000}},\"destination\":{\"port\":53,"
		"\"bytes\":80,\"packets\":1,\"ip\":\"198.51.100.7\"},\"netfilter\":{\"ct\":{"
		"\"reply\":"
		"{\"source\":{\"port\":53,\"ip\":\"198.51.100.7\"},\"destination\":{\"port\":61000,"
		"\"ip\":\"203.0.113.1\"}},\"mark\":0,\"id\":77,\"status\":[\"SEEN_REPLY\","
		"\"CONFIRMED\",\"SRC_NAT\"]},\"family\":2}}",
		json(&r, NF_SCHEMA_ECS));
	CHECK_STR("ulogd",
		  "{\"timestamp\":\"2023-11-14T22:13:24+0000\",\"dvc\":\"Netfilter\","
		  "\"orig.ip.protocol\":17,\"orig.l4.sport\":5000,\"orig.l4.dport\":53,"
		  "\"orig.raw.pktlen\":120,\"orig.raw.pktcount\":2,\"reply.ip.protocol\":17,"
		  "\"reply.l4.sport\":53,\"reply.l4.dport\":61000,\"reply.raw.pktlen\":80,"
		  "\"reply.raw.pktcount\":1,\"ct.mark\":0,\"ct.id\":77,\"ct.event\":4,"
		  "\"flow.start.sec\":1700000000,\"flow.start.usec\":0,\"flow.end.sec\":1700000003,"
		  "\"flow.end.usec\":250000,\"oob.family\":2,\"oob.protocol\":0,"
		  "\"src_ip\":\"192.168.1.2\",\"dest_ip\":\"198.51.100.7\","
		  "\"reply.ip.saddr.str\":\"198.51.100.7\",\"reply.ip.daddr.str\":\"203.0.113.1\"}",
		  json(&r, NF_SCHEMA_ULOGD));
}

/* Counters are u64: 2^63 and more stay positive and exact in the tree and
 * in the text, and the two directions' sum saturates instead of wrapping. */
static void test_counters_above_int64(void)
{
	char buf[2048], text[4096];
	struct nfct_event ev;
	struct nfct_record r = {.ev = &ev, .now = {1700000004, 0}};
	struct nfct_opts o = {.schema = NF_SCHEMA_ECS, .community_id = true};
	bool complete;
	const char *tree;

	CHECK("parsed", nfct_event_parse(snat_destroy_counting(buf, (1ULL << 63) + 5, UINT64_MAX),
					 false, &ev) == 0);
	nfct_record_times(&r, false, NULL);
	tree = json(&r, NF_SCHEMA_ECS);
	CHECK("tree: source.bytes 2^63 + 5",
	      strstr(tree, "\"source\":{\"port\":5000,\"bytes\":9223372036854775813,") != NULL);
	CHECK("tree: destination.bytes 2^64 - 1",
	      strstr(tree,
		     "\"bytes\":18446744073709551615,\"packets\":1,\"ip\":\"198.51.100.7\"") !=
		      NULL);
	CHECK("tree: network.bytes saturated",
	      strstr(tree,
		     "\"network\":{\"iana_number\":\"17\",\"transport\":\"udp\",\"type\":\"ipv4\","
		     "\"bytes\":18446744073709551615,\"packets\":3,") != NULL);
	nfct_fields_text(&r, &o, text, sizeof(text), &complete);
	CHECK("text: complete", complete);
	CHECK_STR("text equals the tree", tree, text);
	o = (struct nfct_opts){.schema = NF_SCHEMA_ULOGD, .device = "Netfilter"};
	nfct_fields_text(&r, &o, text, sizeof(text), &complete);
	CHECK("ulogd text: orig.raw.pktlen unsigned",
	      strstr(text, "\"orig.raw.pktlen\":9223372036854775813,") != NULL);
}

/* The filters a dump entry goes through, as an event goes through the
 * kernel's: protocol, networks, mark. */
static void test_filter_match(void)
{
	char buf[2048];
	struct nfct_event ev;
	struct nfct_filter_cfg f = {0};

	CHECK("parsed", nfct_event_parse(snat_destroy(buf), false, &ev) == 0);
	CHECK("no filter: passes", nfct_filter_match(&f, &ev));
	f = (struct nfct_filter_cfg){.protos = {6}, .nprotos = 1};
	CHECK("protocols=tcp: a UDP flow does not pass", !nfct_filter_match(&f, &ev));
	f = (struct nfct_filter_cfg){.protos = {6, 17}, .nprotos = 2};
	CHECK("protocols=tcp,udp: it passes", nfct_filter_match(&f, &ev));
	f = (struct nfct_filter_cfg){.has_mark = true, .mark = 0x20, .mark_mask = 0xf0};
	CHECK("mark 0x20/0xf0: mark 0 does not pass", !nfct_filter_match(&f, &ev));
	f = (struct nfct_filter_cfg){.has_mark = true, .mark = 0, .mark_mask = 0xff};
	CHECK("mark 0/0xff: it passes", nfct_filter_match(&f, &ev));
	f = (struct nfct_filter_cfg){.nsrc = 1};
	CHECK("src", nfct_parse_cidr("192.168.1.0/24", &f.src[0]));
	CHECK("src 192.168.1.0/24: it passes", nfct_filter_match(&f, &ev));
	CHECK("src", nfct_parse_cidr("10.0.0.0/8", &f.src[0]));
	CHECK("src 10.0.0.0/8: it does not", !nfct_filter_match(&f, &ev));
}

/* Without kernel timestamps the start comes from the flow table. */
static void test_times_without_kernel_timestamps(void)
{
	char buf[2048];
	struct nfct_event ev;
	struct nfct_record r = {.ev = &ev, .now = {1000, 500}};
	struct timeval seen = {990, 250};

	nfct_event_parse(snat_destroy(buf), false, &ev);
	ev.ct.has &= ~(CTH_START | CTH_STOP);
	nfct_record_times(&r, true, &seen);
	CHECK("start from the table",
	      r.has_start && r.start.tv_sec == 990 && r.start.tv_usec == 250);
	CHECK("end is receive time", r.has_end && r.end.tv_sec == 1000 && r.end.tv_usec == 500);
	nfct_record_times(&r, false, NULL);
	CHECK("unknown start", !r.has_start && r.has_end);
	CHECK("no duration without start", strstr(json(&r, NF_SCHEMA_ECS), "duration") == NULL);
}

static void test_event_types(void)
{
	char buf[2048];
	struct nlmsghdr *nlh = snat_destroy(buf);
	struct nfct_event ev;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	CHECK("new", nfct_event_parse(nlh, false, &ev) == 0 && ev.type == NFCT_EV_NEW);
	nlh->nlmsg_flags = 0;
	CHECK("update", nfct_event_parse(nlh, false, &ev) == 0 && ev.type == NFCT_EV_UPDATE);
	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8);
	CHECK("not ctnetlink", nfct_event_parse(nlh, false, &ev) < 0);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET_STATS;
	CHECK("not an event", nfct_event_parse(nlh, false, &ev) < 0);
}

static void test_table_bounded(void)
{
	struct nfct_table t;
	struct timeval tv = {1, 0}, got;

	CHECK("init", nfct_table_init(&t, 16) == 0);
	for (uint32_t i = 0; i < 1000; i++) {
		tv.tv_sec = i;
		nfct_table_put(&t, i + 1, &tv);
	}
	CHECK("bounded", t.used <= 16);
	CHECK_EQ("evictions counted", 1000 - t.used, t.evictions);
	CHECK("latest kept", nfct_table_take(&t, 1000, &got) && got.tv_sec == 999);
	CHECK("taken once", !nfct_table_take(&t, 1000, &got));
	nfct_table_free(&t);
}

static void test_cidr(void)
{
	struct nfct_cidr c[2];
	uint8_t a4[4] = {10, 1, 2, 3}, b4[4] = {10, 2, 0, 0}, a6[16] = {0xfd, 0x01};

	CHECK("parse v4", nfct_parse_cidr("10.1.0.0/16", &c[0]) && c[0].bits == 16);
	CHECK("parse v6", nfct_parse_cidr("fd00::/15", &c[1]) && c[1].bits == 15);
	CHECK("host address", nfct_parse_cidr("10.0.0.1", &c[0]) && c[0].bits == 32);
	nfct_parse_cidr("10.1.0.0/16", &c[0]);
	CHECK("v4 in", nfct_cidr_match(c, 2, AF_INET, a4));
	CHECK("v4 out", !nfct_cidr_match(c, 2, AF_INET, b4));
	CHECK("v6 /15 in", nfct_cidr_match(c, 2, AF_INET6, a6));
	a6[1] = 0x02;
	CHECK("v6 /15 out", !nfct_cidr_match(c, 2, AF_INET6, a6));
	CHECK("bad", !nfct_parse_cidr("10.0.0.0/33", &c[0]) && !nfct_parse_cidr("x/8", &c[0]) &&
			     !nfct_parse_cidr("/8", &c[0]) && !nfct_parse_cidr("10.0.0.0/", &c[0]));
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	RUN(test_snat_destroy);
	RUN(test_counters_above_int64);
	RUN(test_filter_match);
	RUN(test_times_without_kernel_timestamps);
	RUN(test_event_types);
	RUN(test_table_bounded);
	RUN(test_cidr);
	UNIT_EXIT();
}
