/* SPDX-License-Identifier: Apache-2.0 */
/* NFLOG message parsing, kernel LOG text and both field schemas, on crafted
 * netlink messages, including malformed attributes. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <time.h>

#include <json.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "jemit.h"
#include "nflog-fields.h"
#include "nflog-text.h"
#include "pkt-build.h"
#include "strbuf.h"
#include "unit.h"

/* IPv4 TCP SYN 192.0.2.1:40000 -> 198.51.100.7:22 with MSS, SACK-permitted,
 * timestamps and window scale, DF, TOS 0xb8. */
static const uint8_t SYN[60] = {
	0x45, 0xb8, 0x00, 0x3c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0xbe, 0xef, 192,  0,    2,
	1,    198,  51,	  100,	7,    0x9c, 0x40, 0x00, 0x16, 0x00, 0x00, 0x03, 0xe8, 0,    0,
	0,    0,    0xa0, 0xc2, 0xfa, 0xf0, 0xab, 0xcd, 0x00, 0x00, 2,	  4,	5,    0xb4, 4,
	2,    8,    10,	  0,	0,    0,    1,	  0,	0,    0,    0,	  1,	3,    3,    7};

static void prepare(struct builder *b, struct nflog_work *w, const char *in, const char *out)
{
	struct timeval now = {1700000000, 0};

	CHECK("prepare", nflog_prepare(w, b->nlh, NULL, &now) == 0);
	snprintf(w->rec.in, sizeof(w->rec.in), "%s", in);
	snprintf(w->rec.out, sizeof(w->rec.out), "%s", out);
}

static const char *json(struct nflog_work *w, enum nf_schema s, const char *verdict)
{
	static char out[8192];
	struct nflog_opts o = {.schema = s,
			       .device = s == NF_SCHEMA_ULOGD ? "Netfilter" : NULL,
			       .verdict = verdict,
			       .community_id = true};
	struct fjson_object *j = nflog_fields_json(&w->rec, &o);

	snprintf(out, sizeof(out), "%s", fjson_object_to_json_string_ext(j, FJSON_TO_STRING_PLAIN));
	fjson_object_put(j);
	return out;
}

static const char *text(struct nflog_work *w, unsigned flags)
{
	static char out[NFLOG_TEXT_MAX];

	nflog_text(&w->rec, flags, out, sizeof(out));
	return out;
}

static void syn_message(struct builder *b)
{
	begin(b, 2, 5, 0x0800, 1);
	mnl_attr_put_u32(b->nlh, NFULA_MARK, htonl(0x10));
	timestamp(b, 1795669822, 298770);
	input_eth(b, 2);
	mnl_attr_put_strz(b->nlh, NFULA_PREFIX, "SSH \"x\" ");
	mnl_attr_put_u32(b->nlh, NFULA_SEQ, htonl(7));
	mnl_attr_put(b->nlh, NFULA_PAYLOAD, sizeof(SYN), SYN);
}

static void test_syn_text(void)
{
	struct builder b;
	struct nflog_work w;

	syn_message(&b);
	prepare(&b, &w, "eth0", "");
	CHECK("clean", !w.decode_error);
	CHECK_STR("default flags",
		  "SSH \"x\" IN=eth0 OUT= MAC=02:00:00:00:00:01:02:00:00:00:00:02:08:00 "
		  "SRC=192.0.2.1 DST=198.51.100.7 LEN=60 TOS=0x18 PREC=0xA0 TTL=64 ID=4660 DF "
		  "PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 CWR ECE SYN URGP=0 MARK=0x10 ",
		  text(&w, 0));
	CHECK_STR("tcpseq tcpopt macdecode",
		  "SSH \"x\" IN=eth0 OUT= MACSRC=02:00:00:00:00:02 MACDST=02:00:00:00:00:01 "
		  "MACPROTO=0800 SRC=192.0.2.1 DST=198.51.100.7 LEN=60 TOS=0x18 PREC=0xA0 TTL=64 "
		  "ID=4660 DF PROTO=TCP SPT=40000 DPT=22 SEQ=1000 ACK=0 WINDOW=64240 RES=0x00 CWR "
		  "ECE SYN URGP=0 OPT (020405B40402080A000000010000000001030307) MARK=0x10 ",
		  text(&w, NFT_TCPSEQ | NFT_TCPOPT | NFT_MACDECODE));
}

static void test_syn_ulogd_json(void)
{
	struct builder b;
	struct nflog_work w;

	syn_message(&b);
	prepare(&b, &w, "eth0", "");
	CHECK_STR("ulogd",
		  "{\"timestamp\":\"2026-11-26T05:10:22.298770+0000\",\"dvc\":\"Netfilter\","
		  "\"raw.pktlen\":60,\"raw.pktcount\":1,\"oob.prefix\":\"SSH \\\"x\\\" \","
		  "\"oob.time.sec\":1795669822,\"oob.time.usec\":298770,\"oob.mark\":16,"
		  "\"oob.ifindex_in\":2,\"oob.hook\":1,\"raw.mac_len\":14,\"oob.seq.local\":7,"
		  "\"oob.family\":2,\"oob.protocol\":2048,\"action\":\"allowed\",\"raw.type\":1,"
		  "\"raw.mac.addrlen\":6,\"ip.protocol\":6,\"ip.tos\":184,\"ip.ttl\":64,"
		  "\"ip.totlen\":60,\"ip.ihl\":5,\"ip.csum\":48879,\"ip.id\":4660,"
		  "\"ip.fragoff\":16384,\"src_port\":40000,\"dest_port\":22,\"tcp.seq\":1000,"
		  "\"tcp.ackseq\":0,\"tcp.window\":64240,\"tcp.offset\":10,\"tcp.reserved\":0,"
		  "\"tcp.urg\":0,\"tcp.ack\":0,\"tcp.psh\":0,\"tcp.rst\":0,\"tcp.syn\":1,"
		  "\"tcp.fin\":0,\"tcp.res1\":0,\"tcp.res2\":1,\"tcp.csum\":43981,"
		  "\"oob.in\":\"eth0\",\"oob.out\":\"\",\"src_ip\":\"192.0.2.1\","
		  "\"dest_ip\":\"198.51.100.7\",\"mac.saddr.str\":\"02:00:00:00:00:02\","
		  "\"mac.daddr.str\":\"02:00:00:00:00:01\","
		  "\"mac.str\":\"02:00:00:00:00:01:02:00:00:00:00:02:08:00\"}",
		  json(&w, NF_SCHEMA_ULOGD, "accept"));
}

static void test_syn_ecs_json(void)
{
	struct builder b;
	struct nflog_work w;

	syn_message(&b);
	prepare(&b, &w, "eth0", "");
	CHECK_STR(
		"ecs",
		"{\"@timestamp\":\"2026-11-26T05:10:22.298770Z\",\"ecs\":{\"version\":\"8.11.0\"},"
		"\"event\":{\"kind\":\"event\",\"category\":[\"network\"],\"type\":[\"connection\","
		"\"denied\"],\"module\":\"netfilter\",\"dataset\":\"netfilter.nflog\","
		"\"action\":\"drop\"},\"netfilter\":{\"caplen\":60,\"mark\":16,\"hook\":\"input\","
		"\"seq\":{\"local\":7},\"family\":2,\"hw_protocol\":2048,\"hw_type\":1,\"group\":5,"
		"\"ip\":{\"tos\":184,\"ttl\":64,\"len\":60,\"ihl\":5,\"checksum\":48879,"
		"\"id\":4660,\"frag\":16384,\"flags\":[\"DF\"]},\"tcp\":{\"seq\":1000,\"ack\":0,"
		"\"window\":64240,\"doff\":10,\"reserved\":0,\"urgp\":0,\"checksum\":43981,"
		"\"flags\":[\"CWR\",\"ECE\",\"SYN\"],\"options\":{\"mss\":1460,\"wscale\":7,"
		"\"sack_permitted\":true,\"tsval\":1,\"tsecr\":0}},"
		"\"mac\":{\"header\":\"02:00:00:00:00:01:02:00:00:00:00:02:08:00\"}},"
		"\"network\":{\"packets\":1,\"type\":\"ipv4\",\"iana_number\":\"6\","
		"\"transport\":\"tcp\",\"bytes\":60,"
		"\"community_id\":\"1:7i3Wew4IV7RcvRtGYWtoZ+K1zuE=\"},\"rule\":{\"name\":\"SSH "
		"\\\"x\\\" \"},\"observer\":{\"ingress\":{\"interface\":{\"id\":\"2\","
		"\"name\":\"eth0\"}}},\"source\":{\"port\":40000,\"ip\":\"192.0.2.1\","
		"\"mac\":\"02-00-00-00-00-02\"},\"destination\":{\"port\":22,"
		"\"ip\":\"198.51.100.7\",\"mac\":\"02-00-00-00-00-01\"}}",
		json(&w, NF_SCHEMA_ECS, "drop"));
}

/* Community ID v1 reference vector from the specification's test data:
 * TCP 128.232.110.120:34855 -> 66.35.250.204:80, seed 0. */
static void test_community_id_vector(void)
{
	static const uint8_t pkt[40] = {0x45, 0,    0,	  40,	0,    0,    0,	0,  64,	 6,
					0,    0,    128,  232,	110,  120,  66, 35, 250, 204,
					0x88, 0x27, 0x00, 0x50, 0,    0,    0,	0,  0,	 0,
					0,    0,    0x50, 0x02, 0x20, 0x00, 0,	0,  0,	 0};
	struct builder b;
	struct nflog_work w;
	char *got;
	const char *cid;

	begin(&b, 2, 1, 0x0800, 0);
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, sizeof(pkt), pkt);
	prepare(&b, &w, "", "");
	got = strdup(json(&w, NF_SCHEMA_ECS, NULL));
	cid = strstr(got, "\"community_id\":\"");
	if (cid) {
		cid += strlen("\"community_id\":\"");
		*strchr(cid, '"') = '\0';
	}
	CHECK_STR("spec vector", "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", cid ? cid : "");
	free(got);
}

/* Community ID costs a SHA-1 per record: only when asked for */
static void test_community_id_off_by_default(void)
{
	static const uint8_t pkt[28] = {0x45, 0, 0,  28, 0, 0, 0,    0,	   64, 17, 0, 0, 10, 0,
					0,    1, 10, 0,	 0, 2, 0x13, 0x88, 0,  53, 0, 8, 0,  0};
	struct nflog_opts o = {.schema = NF_SCHEMA_ECS};
	struct builder b;
	struct nflog_work w;
	struct fjson_object *j, *net = NULL;
	char text[4096];
	bool complete;

	begin(&b, 2, 1, 0x0800, 0);
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, sizeof(pkt), pkt);
	prepare(&b, &w, "", "");
	j = nflog_fields_json(&w.rec, &o);
	fjson_object_object_get_ex(j, "network", &net);
	CHECK_STR("network object without community_id",
		  "{\"packets\":1,\"type\":\"ipv4\",\"iana_number\":\"17\",\"transport\":\"udp\","
		  "\"bytes\":28}",
		  fjson_object_to_json_string_ext(net, FJSON_TO_STRING_PLAIN));
	nflog_fields_text(&w.rec, &o, text, sizeof(text), &complete);
	CHECK_STR("text document equals the tree",
		  fjson_object_to_json_string_ext(j, FJSON_TO_STRING_PLAIN), text);
	fjson_object_put(j);
}

/* fields as a list: the tree holds just those, by their names in the
 * schema; a name of the other schema, or "on" with names, is refused */
static void test_fields_selection(void)
{
	static const uint8_t pkt[28] = {0x45, 0, 0,  28, 0, 0, 0,    0,	   64, 17, 0, 0, 10, 0,
					0,    1, 10, 0,	 0, 2, 0x13, 0x88, 0,  53, 0, 8, 0,  0};
	struct je_fields f = {.none = false};
	struct nflog_opts o = {.schema = NF_SCHEMA_ULOGD, .select = &f.sel};
	struct builder b;
	struct nflog_work w;
	struct fjson_object *j;

	begin(&b, 2, 1, 0x0800, 0);
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, sizeof(pkt), pkt);
	prepare(&b, &w, "", "");
	CHECK("words", je_fields_word(&f, "src_ip") == 0 && je_fields_word(&f, "dest_port") == 0);
	CHECK("names resolved", je_fields_resolve(&f, &nflog_table, NF_SCHEMA_ULOGD) == NULL);
	j = nflog_fields_json(&w.rec, &o);
	CHECK_STR("the tree of two fields", "{\"dest_port\":53,\"src_ip\":\"10.0.0.1\"}",
		  fjson_object_to_json_string_ext(j, FJSON_TO_STRING_PLAIN));
	fjson_object_put(j);
	free(f.names);
	f = (struct je_fields){.none = false};
	je_fields_word(&f, "source.ip");
	CHECK_STR("a name of the other schema", "source.ip",
		  je_fields_resolve(&f, &nflog_table, NF_SCHEMA_ULOGD));
	free(f.names);
	f = (struct je_fields){.none = false};
	je_fields_word(&f, "off");
	je_fields_word(&f, "src_ip");
	CHECK_STR("off with names", "", je_fields_resolve(&f, &nflog_table, NF_SCHEMA_ULOGD));
	free(f.names);
}

static void test_port_unreachable_text(void)
{
	static const uint8_t pkt[56] = {
		0x45, 0xc0, 0, 56, 0, 1,    0,	  0, 64, 1,  0, 0, 10, 0, 0,
		2,    10,   0, 0,  1, 3,    3,	  0, 0,	 0,  0, 0, 0, /* ICMP port unreachable */
		0x45, 0,    0, 28, 0, 9,    0x40, 0, 64, 17, 0, 0, 10, 0, 0,
		1,    10,   0, 0,  2, 0x14, 0xe9, 0, 9,	 0,  8, 0, 0}; /* UDP 5353 -> 9 */
	struct builder b;
	struct nflog_work w;

	begin(&b, 2, 1, 0x0800, 3);
	mnl_attr_put_u32(b.nlh, NFULA_IFINDEX_OUTDEV, htonl(3));
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, sizeof(pkt), pkt);
	prepare(&b, &w, "", "veth0");
	CHECK_STR("unreach",
		  "IN= OUT=veth0 SRC=10.0.0.2 DST=10.0.0.1 LEN=56 TOS=0x00 PREC=0xC0 TTL=64 ID=1 "
		  "PROTO=ICMP TYPE=3 CODE=3 [SRC=10.0.0.1 DST=10.0.0.2 LEN=28 TOS=0x00 PREC=0x00 "
		  "TTL=64 ID=9 DF PROTO=UDP SPT=5353 DPT=9 LEN=8 ] ",
		  text(&w, 0));
	CHECK("inner in ecs", strstr(json(&w, NF_SCHEMA_ECS, NULL),
				     "\"inner\":{\"source\":{\"ip\":\"10.0.0.1\",\"port\":5353},"
				     "\"destination\":{\"ip\":\"10.0.0.2\",\"port\":9},"
				     "\"iana_number\":17}") != NULL);
}

static void test_ipv6_text(void)
{
	uint8_t pkt[48] = {0x60, 0, 0, 0, 0, 8, 17, 64, 0xfd, 0,    0, 0x99, 0, 0, 0, 0,
			   0,	 0, 0, 0, 0, 0, 0,  1,	0xfd, 0,    0, 0x99, 0, 0, 0, 0,
			   0,	 0, 0, 0, 0, 0, 0,  2,	0x13, 0x88, 0, 53,   0, 8, 0, 0};
	struct builder b;
	struct nflog_work w;

	begin(&b, 10, 1, 0x86dd, 1);
	mnl_attr_put_u32(b.nlh, NFULA_IFINDEX_INDEV, htonl(2));
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, sizeof(pkt), pkt);
	prepare(&b, &w, "eth0", "");
	CHECK_STR("v6 udp, no hw header",
		  "IN=eth0 OUT= MAC= SRC=fd00:0099:0000:0000:0000:0000:0000:0001 "
		  "DST=fd00:0099:0000:0000:0000:0000:0000:0002 LEN=48 TC=0 HOPLIMIT=64 FLOWLBL=0 "
		  "PROTO=UDP SPT=5000 DPT=53 LEN=8 ",
		  text(&w, 0));
}

static void test_arp_text(void)
{
	static const uint8_t arp[28] = {0,  1, 8, 0, 6, 4, 0, 1, 2, 0, 0,  0, 0, 2,
					10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2};
	struct builder b;
	struct nflog_work w;

	begin(&b, 7, 1, 0x0806, 1);
	mnl_attr_put_u32(b.nlh, NFULA_IFINDEX_INDEV, htonl(3));
	mnl_attr_put_u32(b.nlh, NFULA_IFINDEX_PHYSINDEV, htonl(4));
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, sizeof(arp), arp);
	prepare(&b, &w, "br0", "");
	snprintf(w.rec.physin, sizeof(w.rec.physin), "bp1");
	CHECK_STR("bridge arp names the port",
		  "IN=bp1 OUT= ARP HTYPE=1 PTYPE=0x0800 OPCODE=1 MACSRC=02:00:00:00:00:02 "
		  "IPSRC=10.0.0.1 MACDST=00:00:00:00:00:00 IPDST=10.0.0.2",
		  text(&w, 0));
	CHECK("ulogd arp addresses",
	      strstr(json(&w, NF_SCHEMA_ULOGD, NULL),
		     "\"arp.saddr.str\":\"10.0.0.1\",\"arp.daddr.str\":\"10.0.0.2\"") != NULL);
}

static void test_truncated_text(void)
{
	struct builder b;
	struct nflog_work w;

	begin(&b, 2, 1, 0x0800, 1);
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, 30, SYN); /* snaplen 30 */
	prepare(&b, &w, "", "");
	CHECK("counted", w.decode_error);
	CHECK_STR("incomplete",
		  "IN= OUT= SRC=192.0.2.1 DST=198.51.100.7 LEN=60 TOS=0x18 PREC=0xA0 TTL=64 "
		  "ID=4660 DF PROTO=TCP INCOMPLETE [10 bytes] ",
		  text(&w, 0));
	CHECK("truncated field",
	      strstr(json(&w, NF_SCHEMA_ECS, NULL), "\"decode\":{\"truncated\":\"tcp\"}") != NULL);
}

static void test_malformed_attributes(void)
{
	struct builder b;
	struct nflog_work w;
	struct timeval now = {1700000000, 5};
	uint8_t two[2] = {0, 1};

	begin(&b, 2, 1, 0x0800, 1);
	mnl_attr_put(b.nlh, NFULA_MARK, sizeof(two), two);	/* u32 with 2 bytes */
	mnl_attr_put(b.nlh, NFULA_TIMESTAMP, sizeof(two), two); /* 16 expected */
	mnl_attr_put(b.nlh, 200, sizeof(two), two);		/* unknown: skipped */
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, sizeof(SYN), SYN);
	CHECK("still parsed", nflog_prepare(&w, b.nlh, NULL, &now) == 0);
	CHECK_EQ("two bad attributes", 2, w.meta.bad_attrs);
	CHECK("counted as decode error", w.decode_error);
	CHECK("receive time used", w.rec.tv.tv_sec == 1700000000 && w.rec.tv.tv_usec == 5);
	CHECK_EQ("packet decoded", NFD_L4_TCP, w.pkt.l3.l4);
	b.nlh->nlmsg_len -= 2; /* the last attribute cut short */
	CHECK("cut message parsed", nflog_prepare(&w, b.nlh, NULL, &now) == 0);
	CHECK_EQ("cut attribute counted", 3, w.meta.bad_attrs);
	b.nlh->nlmsg_len += 2;
	b.nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
	CHECK("not a packet", nflog_prepare(&w, b.nlh, NULL, &now) < 0);
	b.nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;
	b.nlh->nlmsg_len = sizeof(struct nlmsghdr) + 2; /* no room for nfgenmsg */
	CHECK("too short", nflog_prepare(&w, b.nlh, NULL, &now) < 0);
}

/* NFULA_CT of an SNAT'ed flow: 10.0.0.2:4000 -> 192.0.2.9:80, reply
 * 192.0.2.9:80 -> 203.0.113.1:61000. */
static void test_attached_conntrack(void)
{
	struct builder b;
	struct nflog_work w;
	struct nlattr *ct, *tup, *ip, *proto;

	begin(&b, 2, 1, 0x0800, 4);
	ct = mnl_attr_nest_start(b.nlh, NFULA_CT);
	tup = mnl_attr_nest_start(b.nlh, CTA_TUPLE_REPLY);
	ip = mnl_attr_nest_start(b.nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(b.nlh, CTA_IP_V4_SRC, htonl(0xc0000209));
	mnl_attr_put_u32(b.nlh, CTA_IP_V4_DST, htonl(0xcb007101));
	mnl_attr_nest_end(b.nlh, ip);
	proto = mnl_attr_nest_start(b.nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(b.nlh, CTA_PROTO_NUM, 6);
	mnl_attr_put_u16(b.nlh, CTA_PROTO_SRC_PORT, htons(80));
	mnl_attr_put_u16(b.nlh, CTA_PROTO_DST_PORT, htons(61000));
	mnl_attr_nest_end(b.nlh, proto);
	mnl_attr_nest_end(b.nlh, tup);
	mnl_attr_put_u32(b.nlh, CTA_STATUS, htonl((1u << 4) | (1u << 3) | (1u << 2)));
	mnl_attr_put_u32(b.nlh, CTA_ID, htonl(4242));
	mnl_attr_nest_end(b.nlh, ct);
	mnl_attr_put_u32(b.nlh, NFULA_CT_INFO, htonl(2));
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, sizeof(SYN), SYN);
	prepare(&b, &w, "", "eth1");
	CHECK("ct fields",
	      strstr(json(&w, NF_SCHEMA_ECS, NULL),
		     "\"ct\":{\"state\":\"new\",\"id\":4242,\"status\":[\"ASSURED\",\"CONFIRMED\","
		     "\"SRC_NAT\"]}") != NULL);
	CHECK("snat", strstr(json(&w, NF_SCHEMA_ECS, NULL),
			     "\"nat\":{\"ip\":\"203.0.113.1\",\"port\":61000}") != NULL);
}

/* IPv4 with a Router Alert option (RFC 2113): OPT with the ipopt flag. */
static void test_ip_options(void)
{
	static const uint8_t pkt[32] = {0x46, 0, 0, 32, 0,    5, 0, 0, 1,    2, 0, 0, 10, 0, 0, 1,
					224,  0, 0, 22, 0x94, 4, 0, 0, 0x22, 0, 0, 0, 0,  0, 0, 0};
	struct builder b;
	struct nflog_work w;

	begin(&b, 2, 1, 0x0800, 1);
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, sizeof(pkt), pkt);
	prepare(&b, &w, "", "");
	CHECK_STR("ipopt",
		  "IN= OUT= SRC=10.0.0.1 DST=224.0.0.22 LEN=32 TOS=0x00 PREC=0x00 TTL=1 "
		  "ID=5 OPT (94040000) PROTO=2 ",
		  text(&w, NFT_IPOPT));
	CHECK("options field",
	      strstr(json(&w, NF_SCHEMA_ECS, NULL), "\"options\":\"94040000\"") != NULL);
}

/* A document that does not fit, in the arena or in the caller's buffer,
 * is still valid JSON: the fields that do not fit are left out whole, and
 * je_render says it is not complete (the modules count it, msg.json.cut). */
static const struct field_desc cut_desc[] = {
	{"A", {FT_STR, FT_STR}, {"o.a", "a"}, ""}, {"B", {FT_STR, FT_STR}, {"o.b", "b"}, ""},
	{"C", {FT_INT, FT_INT}, {"c", "c"}, ""},   {"D", {FT_STR, FT_STR}, {"o.d", "d"}, ""},
	{"E", {FT_STR, FT_STR}, {"o.e", "e"}, ""}, {"F", {FT_STR, FT_STR}, {"o.f", "f"}, ""},
	{"G", {FT_STR, FT_STR}, {"o.g", "g"}, ""}, {"H", {FT_STR, FT_STR}, {"o.h", "h"}, ""},
	{"I", {FT_STR, FT_STR}, {"o.i", "i"}, ""},
};
static struct field_table cut_table = {cut_desc, sizeof(cut_desc) / sizeof(cut_desc[0]), 0, {{0}}};

static bool is_json(const char *s)
{
	struct fjson_object *j = fjson_tokener_parse(s);

	fjson_object_put(j);
	return j != NULL;
}

static void test_cut_documents(void)
{
	static struct je_text text;
	static char big[1001], buf[JE_RENDER_MAX], want[JE_RENDER_MAX];
	struct jemit e;
	bool complete, all_valid = true, none_complete = true;
	size_t n, len;

	je_init_text(&e, &cut_table, NF_SCHEMA_ECS, &text);
	je_str(&e, 0, "aaaa");
	je_str(&e, 1, "bbbb");
	je_int(&e, 2, 7);
	len = je_render(&e, buf, sizeof(buf), &complete);
	CHECK_STR("whole", "{\"o\":{\"a\":\"aaaa\",\"b\":\"bbbb\"},\"c\":7}", buf);
	CHECK("whole: complete", complete);
	for (n = 0; n <= len; n++) {
		je_render(&e, buf, n, &complete);
		all_valid = all_valid && (n < 3 ? n == 0 || buf[0] == '\0' : is_json(buf));
		none_complete = none_complete && !complete;
	}
	CHECK("each smaller buffer: valid JSON", all_valid);
	CHECK("each smaller buffer: not complete", none_complete);
	je_render(&e, buf, len, &complete);
	CHECK_STR("one byte short: the last field left out",
		  "{\"o\":{\"a\":\"aaaa\",\"b\":\"bbbb\"}}", buf);
	je_render(&e, buf, 25, &complete);
	CHECK_STR("a field that fits after one that does not", "{\"o\":{\"a\":\"aaaa\"},\"c\":7}",
		  buf);
	je_render(&e, buf, 3, &complete);
	CHECK_STR("3 bytes: {}", "{}", buf);

	/* nine 1000-byte strings into the 6144-byte arena: six fit */
	memset(big, 'x', sizeof(big) - 1);
	for (int s = NF_SCHEMA_ECS; s <= NF_SCHEMA_ULOGD; s++) {
		struct strbuf w;

		je_init_text(&e, &cut_table, (enum nf_schema)s, &text);
		for (int f = 0; f < 9; f++)
			if (f != 2)
				je_str(&e, f, big);
		je_render(&e, buf, sizeof(buf), &complete);
		sb_init(&w, want, sizeof(want));
		sb_puts(&w, s == NF_SCHEMA_ECS ? "{\"o\":{" : "{");
		for (int f = 0; f < 7; f++) {
			if (f == 2)
				continue;
			sb_printf(&w, "%s\"%c\":\"%s\"", f ? "," : "", cut_desc[f].id[0] + 32, big);
		}
		sb_puts(&w, s == NF_SCHEMA_ECS ? "}}" : "}");
		CHECK_STR(s == NF_SCHEMA_ECS ? "arena full, nested: the six that fit"
					     : "arena full, flat: the six that fit",
			  want, buf);
		CHECK("arena full: not complete", !complete);
	}
	je_render(&e, buf, 100, &complete);
	CHECK_STR("flat, a buffer too small: {}", "{}", buf);
	CHECK("flat, a buffer too small: not complete", !complete);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	RUN(test_syn_text);
	RUN(test_syn_ulogd_json);
	RUN(test_syn_ecs_json);
	RUN(test_community_id_vector);
	RUN(test_community_id_off_by_default);
	RUN(test_fields_selection);
	RUN(test_port_unreachable_text);
	RUN(test_ipv6_text);
	RUN(test_arp_text);
	RUN(test_truncated_text);
	RUN(test_malformed_attributes);
	RUN(test_attached_conntrack);
	RUN(test_ip_options);
	RUN(test_cut_documents);
	UNIT_EXIT();
}
