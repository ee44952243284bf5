/* SPDX-License-Identifier: Apache-2.0 */
/* Regression tests for what review and fuzzing found in the decoder, the
 * NFLOG and ctnetlink parsers and the formatters. Each case failed before
 * its fix; the hex datagrams are the fuzzers' reproducers, also kept in
 * tests/fuzz/regress/. */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>

#include <json.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "ct-build.h"
#include "ctattr.h"
#include "jemit.h"
#include "nfct-event.h"
#include "nfct-fields.h"
#include "nfct-text.h"
#include "nflog-fields.h"
#include "nflog-text.h"
#include "netns.h"
#include "nlmsg.h"
#include "pkt-build.h"
#include "safetext.h"
#include "unit.h"

static const struct timeval NOW = {1700000000, 5};

static void prepare(struct builder *b, struct nflog_work *w)
{
	CHECK("prepare", nflog_prepare(w, b->nlh, NULL, &NOW) == 0);
}

static const char *text(struct nflog_work *w, unsigned flags)
{
	static char out[NFLOG_TEXT_MAX];

	nflog_text(&w->rec, flags, out, sizeof(out));
	return out;
}

static const char *json(struct nflog_work *w, enum nf_schema s)
{
	static char out[16384];
	struct nflog_opts o = {.schema = s};
	struct fjson_object *j = nflog_fields_json(&w->rec, &o);

	snprintf(out, sizeof(out), "%s", fjson_object_to_json_string_ext(j, FJSON_TO_STRING_PLAIN));
	fjson_object_put(j);
	return out;
}

/* hex digits to bytes, into a 4-byte aligned buffer */
static size_t unhex(const char *hex, uint32_t *buf, size_t size)
{
	uint8_t *p = (uint8_t *)buf;
	size_t n = 0;

	for (; hex[0] && hex[1] && n < size; hex += 2)
		sscanf(hex, "%2hhx", &p[n++]);
	return n;
}

static void count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(int *)data)++;
}

/* Netlink lengths of 2^31 and more, and lengths that round up to 0. */
static void test_netlink_lengths(void)
{
	uint32_t buf[16];
	int calls = 0;
	size_t n;

	n = unhex("10000080000400000000000000000000", buf, sizeof(buf));
	CHECK("2^31 length: rejected", !nl_datagram_walk(buf, n, count_cb, &calls) && calls == 0);
	n = unhex("ffffffff00040000000000000000000002000001", buf, sizeof(buf));
	CHECK("0xffffffff length: rejected", !nl_datagram_walk(buf, n, count_cb, &calls) && !calls);
	n = unhex("fe39cc9bcccccc080000080000080000", buf, sizeof(buf));
	CHECK("garbage length: rejected", !nl_datagram_walk(buf, n, count_cb, &calls) && !calls);
	n = unhex(
		"14000000030002000000000000000000000000001400000003000200000000000000000000000000",
		buf, sizeof(buf));
	CHECK("two whole messages", nl_datagram_walk(buf, n, count_cb, &calls) && calls == 2);
	calls = 0;
	CHECK("a cut second message",
	      !nl_datagram_walk(buf, n - 4, count_cb, &calls) && calls == 1);
}

/* A forged NFULA_TIMESTAMP of 2^62 s crashed rsyslog's localtime_r; times
 * beyond 9999 and microseconds of 10^6 or more printed garbage. */
static void test_timestamp_range(void)
{
	static const struct {
		uint64_t sec, usec;
	} bad[] = {{1ull << 62, 0}, {0x7fffffffffffffffull, 5}, {1700000000, 1000000}};
	struct builder b;
	struct nflog_work w;
	uint8_t pkt[64];
	size_t n = ipv4(pkt, 17, 0, 8, 0);

	n += udp(pkt + n, 1, 2, 8);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		begin(&b, 2, 1, 0x0800, 1);
		timestamp(&b, bad[i].sec, bad[i].usec);
		mnl_attr_put(b.nlh, NFULA_PAYLOAD, n, pkt);
		prepare(&b, &w);
		CHECK("out of range: receive time",
		      w.rec.tv.tv_sec == NOW.tv_sec && w.rec.tv.tv_usec == NOW.tv_usec);
		CHECK("out of range: counted", w.decode_error && w.meta.bad_attrs == 1);
		CHECK("out of range: ECS time is the receive time",
		      strstr(json(&w, NF_SCHEMA_ECS),
			     "\"@timestamp\":\"2023-11-14T22:13:20.000005Z\"") != NULL);
	}
}

/* je_timestamp with a time gmtime_r cannot convert writes nothing. */
static void test_jemit_time_and_hex(void)
{
	static const struct field_desc f[] = {{"T", {FT_STR, FT_STR}, {"t", "t"}, ""}};
	static struct field_table table = {f, 1, 0, {{0}}};
	struct timeval huge = {(time_t)1 << 62, 0}, usec = {1, 1000000};
	uint8_t b64[64];
	struct jemit e;
	struct fjson_object *t;

	je_init(&e, &table, NF_SCHEMA_ECS, NULL);
	je_timestamp(&e, 0, &huge, true);
	je_timestamp(&e, 0, &usec, true);
	CHECK_STR("no garbage time", "{}", fjson_object_to_json_string_ext(e.root, 0));
	fjson_object_put(e.root);
	for (int i = 0; i < 64; i++)
		b64[i] = (uint8_t)i;
	je_init(&e, &table, NF_SCHEMA_ECS, NULL);
	je_hex(&e, 0, b64, 64);
	CHECK("hex field", fjson_object_object_get_ex(e.root, "t", &t));
	CHECK_EQ("64 bytes, 128 digits", 128, strlen(fjson_object_get_string(t)));
	fjson_object_put(e.root);
}

/* The UDP length is checked against the IP header's length, not against
 * the bytes captured (snaplen 64 of a 1428-byte datagram). */
static void test_udp_len_against_ip_length(void)
{
	uint8_t b[64];
	struct nfd_packet k;
	size_t n = ipv4(b, 17, 0, 1408, 0);

	n += udp(b + n, 5000, 53, 1408);
	memset(b + n, 0xaa, sizeof(b) - n);
	CHECK("clean with snaplen 64", nfd_decode(&k, 2, 0x0800, b, sizeof(b)));
	CHECK_EQ("no anomaly", 0, k.anomalies);
	put16(b, 20 + 4, 1409);
	nfd_decode(&k, 2, 0x0800, b, sizeof(b));
	CHECK("longer than the IP payload: anomaly", k.anomalies & NFD_BAD_UDP_LEN);
}

/* RFC 792: a port unreachable quotes the IP header and 8 bytes of the UDP
 * datagram; the quoted UDP length is the whole datagram's, not an anomaly. */
static void test_icmp_quote_of_udp(void)
{
	uint8_t b[64];
	struct nfd_packet k;
	size_t n = ipv4(b, 1, 0, 8 + 20 + 8, 0), m;

	memset(b + n, 0, 8);
	b[n] = 3;
	b[n + 1] = 3;
	m = ipv4(b + n + 8, 17, 0, 1408, 0);
	udp(b + n + 8 + m, 5000, 53, 1408);
	CHECK("decoded", nfd_decode(&k, 2, 0x0800, b, n + 8 + m + 8));
	CHECK_EQ("no anomaly", 0, k.anomalies);
	CHECK_EQ("no anomaly in the quote", 0, k.inner_anomalies);
	CHECK_EQ("the quote is not cut", NFD_LAYER_NONE, k.inner_truncated);
}

/* traceroute -T: a time-exceeded quoting the IP header and 8 bytes of TCP.
 * The quote's truncation is routine, and its own. */
static void test_icmp_quote_truncation(void)
{
	struct builder b;
	struct nflog_work w;
	uint8_t p[128];
	size_t n = ipv4(p, 1, 0, 8 + 20 + 8, 0), m;

	memset(p + n, 0, 8);
	p[n] = 11;
	m = ipv4(p + n + 8, 6, 0, 40, 0x4000);
	tcp_syn(p + n + 8 + m);
	begin(&b, 2, 1, 0x0800, 1);
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, n + 8 + m + 8, p);
	prepare(&b, &w);
	CHECK("not a decode error", !w.decode_error);
	CHECK_EQ("outer not truncated", NFD_LAYER_NONE, w.pkt.truncated);
	CHECK_EQ("inner truncated at tcp", NFD_LAYER_TCP, w.pkt.inner_truncated);
	CHECK("quote in ECS: ports kept, truncation its own",
	      strstr(json(&w, NF_SCHEMA_ECS),
		     "\"inner\":{\"source\":{\"ip\":\"192.0.2.1\",\"port\":40000},\"destination\":{"
		     "\"ip\":\"198.51.100.7\",\"port\":22},\"iana_number\":6,\"truncated\":"
		     "\"tcp\"}") != NULL);
	CHECK("no packet truncation", strstr(json(&w, NF_SCHEMA_ECS), "decode") == NULL);
	CHECK_STR("kernel line",
		  "IN= OUT= SRC=192.0.2.1 DST=198.51.100.7 LEN=56 TOS=0x18 PREC=0xA0 TTL=64 "
		  "ID=4660 PROTO=ICMP TYPE=11 CODE=0 [SRC=192.0.2.1 DST=198.51.100.7 LEN=60 "
		  "TOS=0x18 PREC=0xA0 TTL=64 ID=4660 DF PROTO=TCP INCOMPLETE [8 bytes] ] ",
		  text(&w, 0));
}

/* IPv6 packet after an extension-header chain, as a logged message. */
static void v6_message(struct builder *b, struct nflog_work *w, const uint8_t *p, size_t n)
{
	begin(b, 10, 1, 0x86dd, 1);
	mnl_attr_put(b->nlh, NFULA_PAYLOAD, n, p);
	prepare(b, w);
}

#define V6_HEAD                                                                                    \
	"IN= OUT= SRC=2001:0db8:0000:0000:0000:0000:0000:0001 "                                    \
	"DST=2001:0db8:0000:0000:0000:0000:0000:0002 "

/* The kernel wraps every extension header in "OPT ( ... )" with IPOPT,
 * and names AH and ESP with their SPI (nf_log_syslog.c dump_ipv6_packet). */
static void test_ipv6_exthdrs_ipopt(void)
{
	struct builder b;
	struct nflog_work w;
	uint8_t p[160];
	size_t n;

	/* MLDv2 report behind a hop-by-hop header (router alert) */
	n = ipv6(p, 0, 8 + 8);
	memcpy(p + n, (uint8_t[]){58, 0, 5, 2, 0, 0, 1, 0}, 8);
	memcpy(p + n + 8, (uint8_t[]){143, 0, 0x12, 0x34, 0, 0, 0, 0}, 8);
	v6_message(&b, &w, p, n + 16);
	CHECK_STR("MLD, ipopt",
		  V6_HEAD "LEN=56 TC=160 HOPLIMIT=63 FLOWLBL=74565 OPT ( ) PROTO=ICMPv6 TYPE=143 "
			  "CODE=0 ",
		  text(&w, NFT_IPOPT));
	CHECK_STR("MLD, default flags",
		  V6_HEAD "LEN=56 TC=160 HOPLIMIT=63 FLOWLBL=74565 PROTO=ICMPv6 TYPE=143 CODE=0 ",
		  text(&w, 0));
	/* AH (12 bytes, payload length 1) then UDP */
	n = ipv6(p, 51, 12 + 8);
	memcpy(p + n, (uint8_t[]){17, 1, 0, 0, 0, 0, 0x12, 0x34, 0, 0, 0, 9}, 12);
	udp(p + n + 12, 7, 9, 8);
	v6_message(&b, &w, p, n + 20);
	CHECK_STR("AH, ipopt",
		  V6_HEAD "LEN=60 TC=160 HOPLIMIT=63 FLOWLBL=74565 OPT ( AH SPI=0x1234 ) "
			  "PROTO=UDP SPT=7 DPT=9 LEN=8 ",
		  text(&w, NFT_IPOPT));
	CHECK("AH: its SPI in the fields, beside the transport's",
	      strstr(json(&w, NF_SCHEMA_ECS), "\"ipsec\":{\"spi\":4660}") != NULL &&
		      strstr(json(&w, NF_SCHEMA_ECS), "\"transport\":\"udp\"") != NULL &&
		      strstr(json(&w, NF_SCHEMA_ULOGD), "\"ahesp.spi\":4660") != NULL);
	/* ESP ends the walk */
	n = ipv6(p, 50, 16);
	memcpy(p + n, (uint8_t[]){0, 0, 0x10, 0x01, 0, 0, 0, 1}, 8);
	v6_message(&b, &w, p, n + 16);
	CHECK_STR("ESP, ipopt",
		  V6_HEAD "LEN=56 TC=160 HOPLIMIT=63 FLOWLBL=74565 OPT ( ESP SPI=0x1001 )",
		  text(&w, NFT_IPOPT));
	CHECK_STR("ESP, default flags", V6_HEAD "LEN=56 TC=160 HOPLIMIT=63 FLOWLBL=74565 ",
		  text(&w, 0));
	/* a non-first fragment carrying AH: ")" after it */
	n = ipv6(p, 44, 8 + 12);
	memcpy(p + n, (uint8_t[]){51, 0, 0x05, 0xc8, 0xde, 0xad, 0xbe, 0xef}, 8);
	memcpy(p + n + 8, (uint8_t[]){17, 1, 0, 0, 0, 0, 0x12, 0x34, 0, 0, 0, 9}, 12);
	v6_message(&b, &w, p, n + 20);
	CHECK_STR("fragment then AH, ipopt",
		  V6_HEAD "LEN=60 TC=160 HOPLIMIT=63 FLOWLBL=74565 OPT ( FRAG:1480 ID:deadbeef ) "
			  "OPT ( AH )",
		  text(&w, NFT_IPOPT));
}

/* Each fragment header prints its own values. */
static void test_ipv6_two_fragment_headers(void)
{
	struct builder b;
	struct nflog_work w;
	uint8_t p[80];
	size_t n = ipv6(p, 44, 8 + 8 + 8);

	memcpy(p + n, (uint8_t[]){44, 0, 0x00, 0x01, 0, 0, 0, 1}, 8);
	memcpy(p + n + 8, (uint8_t[]){17, 0, 0x00, 0x01, 0, 0, 0, 2}, 8);
	udp(p + n + 16, 7, 9, 8);
	v6_message(&b, &w, p, n + 24);
	CHECK_STR("two fragment headers",
		  V6_HEAD "LEN=64 TC=160 HOPLIMIT=63 FLOWLBL=74565 FRAG:0 INCOMPLETE ID:00000001 "
			  "FRAG:0 INCOMPLETE ID:00000002 PROTO=UDP SPT=7 DPT=9 LEN=8 ",
		  text(&w, 0));
}

/* The kernel prints the whole TCI as VID (skb_vlan_tag_get). */
static void test_vlan_tci(void)
{
	struct builder b;
	struct nflog_work w;
	struct nlattr *v;
	uint8_t p[64];
	size_t n = ipv4(p, 17, 0, 8, 0);

	n += udp(p + n, 1, 2, 8);
	begin(&b, 2, 1, 0x0800, 1);
	input_eth(&b, 3);
	v = mnl_attr_nest_start(b.nlh, NFULA_VLAN);
	mnl_attr_put_u16(b.nlh, NFULA_VLAN_PROTO, htons(0x8100));
	mnl_attr_put_u16(b.nlh, NFULA_VLAN_TCI, htons(0xa064)); /* priority 5, VID 100 */
	mnl_attr_nest_end(b.nlh, v);
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, n, p);
	prepare(&b, &w);
	CHECK("VID is the TCI", strstr(text(&w, NFT_MACDECODE), " VPROTO=8100 VID=41060 ") != NULL);
	CHECK("ECS vlan id is the VID",
	      strstr(json(&w, NF_SCHEMA_ECS), "\"vlan\":{\"id\":\"100\"}") != NULL);
	/* an unknown attribute alone in NFULA_VLAN is no VLAN */
	begin(&b, 2, 1, 0x0800, 1);
	v = mnl_attr_nest_start(b.nlh, NFULA_VLAN);
	mnl_attr_put_u16(b.nlh, 9, htons(1));
	mnl_attr_nest_end(b.nlh, v);
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, n, p);
	prepare(&b, &w);
	CHECK("unknown VLAN attribute", !(w.meta.has & NFM_VLAN));
	/* an attribute cut by the end of NFULA_VLAN is counted, not read */
	begin(&b, 2, 1, 0x0800, 1);
	v = mnl_attr_nest_start(b.nlh, NFULA_VLAN);
	mnl_attr_put_u16(b.nlh, NFULA_VLAN_PROTO, htons(0x8100));
	mnl_attr_put_u16(b.nlh, NFULA_VLAN_TCI, htons(100));
	((struct nlattr *)((uint8_t *)mnl_nlmsg_get_payload_tail(b.nlh) - 8))->nla_len = 12;
	mnl_attr_nest_end(b.nlh, v);
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, n, p);
	prepare(&b, &w);
	CHECK("cut VLAN attribute counted", w.meta.bad_attrs == 1);
	CHECK_EQ("the whole attribute before it read", 0x8100, w.meta.vlan_proto);
	CHECK_EQ("the cut one not", 0, w.meta.vlan_tci);
}

/* RFC 1701: the routing bit brings checksum and offset before the key. */
static void test_gre_routing_bit(void)
{
	uint8_t b[64];
	struct nfd_packet k;
	size_t n = ipv4(b, 47, 0, 12, 0);

	put16(b, n, 0x6000); /* R, K */
	put16(b, n + 2, 0x0800);
	put32(b, n + 4, 0x11112222); /* offset word */
	put32(b, n + 8, 0xcafe0001); /* key */
	CHECK("decoded", nfd_decode(&k, 2, 0x0800, b, n + 12));
	CHECK_EQ("key after the offset word", 0xcafe0001, k.l3.gre.key);
}

/* The kernel's line buffer: 1019 bytes, two for the level, one NUL. */
static void test_line_cap(void)
{
	struct builder b;
	struct nflog_work w;
	uint8_t p[256], hw[128];
	char prefix[128];
	size_t n, m;

	/* a fragmentation-needed quoting a packet, both with 40 bytes of IP
	 * options (NOPs), the quoted TCP header with 40 bytes of options */
	n = ipv4(p, 1, 40, 8 + 60 + 60, 0);
	memset(p + 20, 1, 40);
	memset(p + n, 0, 8);
	p[n] = 3;
	p[n + 1] = 4;
	m = ipv4(p + n + 8, 6, 40, 60, 0);
	memset(p + n + 8 + 20, 1, 40);
	tcp_syn(p + n + 8 + m);
	p[n + 8 + m + 12] = 15 << 4;
	memset(p + n + 8 + m + 40, 1, 20);
	n += 8 + m + 60;
	memset(prefix, 'p', 127);
	prefix[127] = '\0';
	memset(hw, 0xab, sizeof(hw));
	begin(&b, 2, 1, 0x0800, 1);
	mnl_attr_put_u32(b.nlh, NFULA_IFINDEX_INDEV, htonl(1));
	mnl_attr_put_strz(b.nlh, NFULA_PREFIX, prefix);
	mnl_attr_put(b.nlh, NFULA_HWHEADER, sizeof(hw), hw);
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, n, p);
	prepare(&b, &w);
	CHECK_EQ("cut at the kernel's length", 1016, strlen(text(&w, NFT_IPOPT | NFT_TCPOPT)));
}

/* Without NFULA_HWLEN a long hardware header is cut as the device's
 * header length would cut it: the addresses still print. */
static void test_long_hwheader(void)
{
	struct builder b;
	struct nflog_work w;
	uint8_t p[64], hw[400];
	size_t n = ipv4(p, 17, 0, 8, 0);

	n += udp(p + n, 1, 2, 8);
	memset(hw, 0xab, sizeof(hw));
	begin(&b, 2, 1, 0x0800, 1);
	mnl_attr_put_u32(b.nlh, NFULA_IFINDEX_INDEV, htonl(1));
	mnl_attr_put(b.nlh, NFULA_HWHEADER, sizeof(hw), hw);
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, n, p);
	prepare(&b, &w);
	CHECK("addresses print", strstr(text(&w, 0), " SRC=192.0.2.1 DST=198.51.100.7 ") != NULL);
	CHECK_EQ("128 bytes of header", 128, w.meta.hwheader_len);
}

/* A prefix of 127 control bytes is 508 characters escaped: msg gives it
 * the kernel's 127 (31 whole escapes), so the packet's fields still fit the
 * line, with every text flag on; the field keeps all of it. */
static void test_escaped_prefix_capped(void)
{
	struct builder b;
	struct nflog_work w;
	uint8_t p[64];
	char prefix[128], want[1024];
	size_t n = ipv4(p, 17, 0, 8, 0);

	n += udp(p + n, 1, 2, 8);
	memset(prefix, 1, 127);
	prefix[127] = '\0';
	begin(&b, 2, 1, 0x0800, 1);
	mnl_attr_put_strz(b.nlh, NFULA_PREFIX, prefix);
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, n, p);
	prepare(&b, &w);
	want[0] = '\0';
	for (int i = 0; i < 31; i++)
		strcat(want, "#001");
	strcat(want, "IN= OUT= SRC=192.0.2.1 DST=198.51.100.7 LEN=28 TOS=0x18 PREC=0xA0 TTL=64 "
		     "ID=4660 PROTO=UDP SPT=1 DPT=2 LEN=8 ");
	CHECK_STR("msg", want,
		  text(&w, NFT_TCPSEQ | NFT_TCPOPT | NFT_IPOPT | NFT_UID | NFT_MACDECODE));
	CHECK_EQ("the field keeps the whole escaped prefix", 508, strlen(w.meta.prefix));
	CHECK_EQ("cut before an escape", 2, safe_text_cut("ab#001", 5));
	CHECK_EQ("an escape that ends at the cut stays", 6, safe_text_cut("ab#001c", 6));
	CHECK_EQ("cut before a UTF-8 sequence", 2, safe_text_cut("ab\xc3\xa9", 3));
	CHECK_EQ("short enough: whole", 6, safe_text_cut("ab#001", 6));
}

/* A host's own multicast looped back on Ethernet: NFULA_HWHEADER holds the
 * IP header's first bytes, and there is no NFULA_HWADDR. The kernel's LOG
 * line has an empty MAC=; no MAC address is invented from the IP header. */
static void test_looped_back_multicast(void)
{
	struct builder b;
	struct nflog_work w;
	uint8_t p[64];
	size_t n = ipv4(p, 17, 0, 8, 0);

	n += udp(p + n, 1, 2, 8);
	begin(&b, 2, 1, 0x0800, 1);
	mnl_attr_put_u32(b.nlh, NFULA_IFINDEX_INDEV, htonl(1));
	mnl_attr_put_u16(b.nlh, NFULA_HWTYPE, htons(1));
	mnl_attr_put_u16(b.nlh, NFULA_HWLEN, htons(14));
	mnl_attr_put(b.nlh, NFULA_HWHEADER, 14, p);
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, n, p);
	prepare(&b, &w);
	CHECK("an empty MAC=",
	      strstr(text(&w, 0), " OUT= MAC= SRC=192.0.2.1 DST=198.51.100.7 ") != NULL);
	CHECK("no MAC field in ECS", strstr(json(&w, NF_SCHEMA_ECS), "mac") == NULL);
	CHECK("no raw.mac in ulogd's keys", strstr(json(&w, NF_SCHEMA_ULOGD), "raw.mac") == NULL);
}

/* Prefixes are chosen by whoever is root in the logging namespace: no
 * line breaks into msg, valid UTF-8 into JSON. */
static void test_prefix_escaped(void)
{
	struct builder b;
	struct nflog_work w;
	uint8_t p[64];
	size_t n = ipv4(p, 17, 0, 8, 0);

	n += udp(p + n, 1, 2, 8);
	begin(&b, 2, 1, 0x0800, 1);
	mnl_attr_put_strz(b.nlh, NFULA_PREFIX, "a\nb caf\xe9 \xc3\xa9t\xc3\xa9 \x7f");
	mnl_attr_put(b.nlh, NFULA_PAYLOAD, n, p);
	prepare(&b, &w);
	CHECK_STR("msg",
		  "a#012b caf#351 \xc3\xa9t\xc3\xa9 #177IN= OUT= SRC=192.0.2.1 "
		  "DST=198.51.100.7 LEN=28 TOS=0x18 PREC=0xA0 TTL=64 ID=4660 PROTO=UDP SPT=1 "
		  "DPT=2 LEN=8 ",
		  text(&w, 0));
	CHECK("JSON",
	      strstr(json(&w, NF_SCHEMA_ECS),
		     "\"rule\":{\"name\":\"a#012b caf#351 \xc3\xa9t\xc3\xa9 #177\"}") != NULL);
}

static void test_safe_text(void)
{
	char out[64];

	safe_text(out, sizeof(out), "\xc2\x85x\xed\xa0\x80\xf0\x9f\x98\x80\xc0\xaf", 12);
	CHECK_STR("C1, surrogate, emoji, overlong", "#302#205x#355#240#200\xf0\x9f\x98\x80#300#257",
		  out);
	safe_text(out, 8, "abcd\n", 5);
	CHECK_STR("cut at a character", "abcd", out);
}

/* ctnetlink parsing: a tuple mixing IPv4 and IPv6 attributes, a cut tail in
 * a nest, the fuzzers' reproducers. */
static void test_ct_tuples(void)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *t, *ip;
	uint8_t v6[16] = {0x20, 1, 0xd, 0xb8};
	struct ct_info ct;

	t = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, htonl(0x0a000001));
	mnl_attr_put(nlh, CTA_IP_V6_DST, 16, v6);
	mnl_attr_nest_end(nlh, ip);
	mnl_attr_nest_end(nlh, t);
	ct_parse(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), &ct);
	CHECK("mixed families: counted", ct.bad_attrs == 1);
	CHECK("mixed families: no destination",
	      ct.orig.l3 == 4 && ct.orig.has_src && !ct.orig.has_dst);
	ip->nla_len -= 4; /* the nested IPv6 address cut */
	t->nla_len -= 4;
	nlh->nlmsg_len -= 4;
	ct_parse(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), &ct);
	CHECK("cut nested tail counted", ct.bad_attrs == 1 && !ct.orig.has_dst);
}

struct ct_case {
	struct nfct_event ev;
	char text[NFCT_TEXT_MAX];
	char json[4096];
};

static void datagram_event(const struct nlmsghdr *nlh, void *data)
{
	struct ct_case *c = data;
	struct nfct_record r = {.ev = &c->ev, .now = NOW};
	struct nfct_opts o = {.schema = NF_SCHEMA_ECS};
	struct fjson_object *j;

	if (nfct_event_parse(nlh, false, &c->ev) < 0)
		return;
	nfct_record_times(&r, false, NULL);
	nfct_text(&c->ev, NOW.tv_sec, c->text, sizeof(c->text));
	j = nfct_fields_json(&r, &o);
	snprintf(c->json, sizeof(c->json), "%s", fjson_object_to_json_string_ext(j, 0));
	fjson_object_put(j);
}

/* libnetfilter_conntrack ends the process ("ctnetlink kernel ABI is
 * broken") on these; the duration of the last one overflowed. */
static void test_ct_reproducers(void)
{
	uint32_t buf[32];
	struct ct_case c;
	size_t n;

	memset(&c, 0, sizeof(c));
	n = unhex("2400000000010000000000000000000002000000100001800c000180060001000a000000", buf,
		  sizeof(buf));
	CHECK("2-byte IPv4 address", nl_datagram_walk(buf, n, datagram_event, &c));
	CHECK("  counted, left out", c.ev.ct.bad_attrs == 1 && !c.ev.ct.orig.has_src);
	CHECK_STR("  line", "[UPDATE] ipv4     2", c.text);
	n = unhex("20000000000100000000000000000000020000000c0001800800030000000000", buf,
		  sizeof(buf));
	CHECK("4-byte tuple zone", nl_datagram_walk(buf, n, datagram_event, &c));
	CHECK("  counted", c.ev.ct.bad_attrs == 1 && !c.ev.ct.orig.has_zone);
	n = unhex("2400000002010000000000000000000002000000100014800c000100ffffffffffffffff", buf,
		  sizeof(buf));
	CHECK("start 2^64-1 ns", nl_datagram_walk(buf, n, datagram_event, &c));
	CHECK("  no overflow: duration 0", strstr(c.json, "\"duration\":0") != NULL);
}

/* conntrack(8)'s line, written from our own parse. */
static void test_ct_text(void)
{
	char buf[2048];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	struct nlattr *n, *h;
	struct ct_case c;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_pid = 4242; /* no such process: no progname */
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	put_tuple(nlh, CTA_TUPLE_ORIG, 0x0a000002, 0xc0000209, 6, 4000, 21);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0xc0000209, 0xcb007101, 6, 21, 61000);
	n = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	h = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, 1);
	mnl_attr_nest_end(nlh, h);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(1u << 3 | 1u << 4));
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(120));
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(7));
	mnl_attr_put_u32(nlh, CTA_USE, htonl(1));
	mnl_attr_put_u32(nlh, CTA_ID, htonl(99));
	n = mnl_attr_nest_start(nlh, CTA_HELP);
	mnl_attr_put_strz(nlh, CTA_HELP_NAME, "ftp\n\xff");
	mnl_attr_nest_end(nlh, n);
	memset(&c, 0, sizeof(c));
	CHECK("parsed", nl_datagram_walk(buf, nlh->nlmsg_len, datagram_event, &c));
	CHECK_STR("conntrack -E -o extended,id",
		  "[NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.0.0.2 dst=192.0.2.9 sport=4000 "
		  "dport=21 [UNREPLIED] src=192.0.2.9 dst=203.0.113.1 sport=21 dport=61000 mark=7 "
		  "helper=ftp#012#377 use=1 id=99 [USERSPACE] portid=4242",
		  c.text);
	CHECK("helper escaped in JSON", strstr(c.json, "\"helper\":\"ftp#012#377\"") != NULL);
	/* the same entry from a dump: our own socket's port is no cause */
	memset(&c.ev, 0, sizeof(c.ev));
	CHECK("dump entry", nfct_event_parse(nlh, true, &c.ev) == 0 && c.ev.portid == 0 &&
				    c.ev.type == NFCT_EV_UPDATE);
	nfct_text(&c.ev, NOW.tv_sec, c.text, sizeof(c.text));
	CHECK("dump entry: no USERSPACE", strstr(c.text, "USERSPACE") == NULL);
}

/* IPv6 with no next header (59, RFC 8200 section 4.7): its transport is
 * named as /etc/protocols names it. */
static void test_ipv6_no_next_header(void)
{
	struct builder b;
	struct nflog_work w;
	uint8_t p[64];
	size_t n = ipv6(p, 59, 0);

	v6_message(&b, &w, p, n);
	CHECK("network.transport ipv6-nonxt",
	      strstr(json(&w, NF_SCHEMA_ECS), "\"transport\":\"ipv6-nonxt\"") != NULL);
}

/* A failed return from an input's network namespace is reported, never
 * only printed: the modules then stop rsyslogd (im_netns_leave). setns on
 * a file that is no namespace fails with EINVAL. */
static void test_netns_leave_failure(void)
{
	struct netns_guard g = {.self = open("/dev/null", O_RDONLY | O_CLOEXEC)};

	CHECK("the guard holds a file", g.self >= 0);
	CHECK_EQ("a failed return is reported", -EINVAL, netns_leave(&g));
	CHECK_EQ("the guard is closed", -1, g.self);
	CHECK_EQ("nothing to leave: 0", 0, netns_leave(&g));
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	RUN(test_netlink_lengths);
	RUN(test_timestamp_range);
	RUN(test_jemit_time_and_hex);
	RUN(test_udp_len_against_ip_length);
	RUN(test_icmp_quote_of_udp);
	RUN(test_icmp_quote_truncation);
	RUN(test_ipv6_exthdrs_ipopt);
	RUN(test_ipv6_two_fragment_headers);
	RUN(test_vlan_tci);
	RUN(test_gre_routing_bit);
	RUN(test_line_cap);
	RUN(test_long_hwheader);
	RUN(test_looped_back_multicast);
	RUN(test_escaped_prefix_capped);
	RUN(test_prefix_escaped);
	RUN(test_safe_text);
	RUN(test_ct_tuples);
	RUN(test_ct_reproducers);
	RUN(test_ct_text);
	RUN(test_netns_leave_failure);
	RUN(test_ipv6_no_next_header);
	UNIT_EXIT();
}
