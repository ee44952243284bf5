/* SPDX-License-Identifier: Apache-2.0 */
/* The flood aggregator (plugins/imnflog/nflog-summary.h) on crafted
 * traffic with the clock passed in: exact accounting, entering and leaving
 * summary mode, the bound on keys and the overflow summary, distinct counts
 * within their stated error, and a random stress against a reference. */
#include <math.h>
#include <stdlib.h>

#include "nflog-summary-msg.h"
#include "nflog-summary.h"
#include "unit.h"

#define MAX_SEEN 64

struct seen {
	unsigned n;
	uint64_t packets;
	struct {
		bool overflow;
		char prefix[SUM_PREFIX_MAX];
		struct sum_key key;
		struct sum_stats st;
	} s[MAX_SEEN];
};

static void collect(const struct sum_key *key, const char *prefix, const struct sum_stats *st,
		    void *ctx)
{
	struct seen *v = ctx;

	v->packets += st->packets;
	if (v->n == MAX_SEEN)
		return;
	v->s[v->n].overflow = !key;
	if (key)
		v->s[v->n].key = *key;
	snprintf(v->s[v->n].prefix, sizeof(v->s[v->n].prefix), "%s", prefix ? prefix : "");
	v->s[v->n].st = *st;
	v->n++;
}

static struct sum_table *table(uint32_t threshold, uint32_t interval_s, uint32_t maxkeys,
			       unsigned mask, struct seen *v)
{
	struct sum_config c = {collect, v, threshold, interval_s * 1000, maxkeys, mask, 42};

	return sum_table_new(&c);
}

/* A TCP SYN from 10.0.0.SRC:SPORT to 10.9.9.9:80, prefix "drop ". */
static struct sum_pkt syn(unsigned src, uint16_t sport)
{
	struct sum_pkt p = {
		.prefix = "drop ",
		.prefix_len = 5,
		.verdict = 1,
		.family = 4,
		.proto = 6,
		.has_ports = true,
		.has_tcp = true,
		.has_ttl = true,
		.sport = sport,
		.dport = 80,
		.saddr = {10, 0, (uint8_t)(src >> 8), (uint8_t)src},
		.daddr = {10, 9, 9, 9},
		.bytes = 40,
		.ts_us = 1700000000000000ULL,
		.tcp_flags = 0x02,
		.tcp_window = 1024,
		.ttl = 64,
	};
	return p;
}

/* Offers n packets spread over second sec of the clock; counts SUM_LOG. */
static unsigned offer_second(struct sum_table *t, struct sum_pkt p, unsigned n, uint64_t sec)
{
	unsigned logged = 0;

	for (unsigned i = 0; i < n; i++) {
		p.ts_us = sec * 1000000 + i;
		logged += sum_offer(t, &p, sec * 1000 + i * 999 / (n ? n : 1)) == SUM_LOG;
	}
	return logged;
}

static void test_below_threshold_logs_everything(void)
{
	struct seen v = {0};
	struct sum_table *t = table(10, 10, 64, SUM_K_DEFAULT, &v);
	unsigned logged = 0;

	for (uint64_t s = 0; s < 30; s++) {
		logged += offer_second(t, syn(1, 1000), 10, s);
		sum_tick(t, (s + 1) * 1000);
	}
	CHECK_EQ("10/s at a threshold of 10: all logged", 300, logged);
	CHECK_EQ("no summary", 0, v.n);
	CHECK_EQ("nothing summarized", 0, sum_counters(t)->summarized);
	sum_table_free(t);
}

static void test_enter_and_leave(void)
{
	struct seen v = {0};
	struct sum_table *t = table(10, 10, 64, SUM_K_DEFAULT, &v);
	unsigned logged = 0;

	/* 100/s for 20 s: the first 10 of second 0 logged, the rest counted */
	for (uint64_t s = 0; s < 20; s++) {
		logged += offer_second(t, syn(1, 1000), 100, s);
		sum_tick(t, (s + 1) * 1000);
	}
	CHECK_EQ("the attack's start as packets", 10, logged);
	CHECK_EQ("in summary mode", 1, sum_counters(t)->in_summary);
	CHECK_EQ("two intervals, two summaries", 2, v.n);
	CHECK_EQ("first interval: 90 + 9 x 100", 990, v.s[0].st.packets);
	CHECK_EQ("second interval", 1000, v.s[1].st.packets);
	CHECK_EQ("bytes", 40000, v.s[1].st.bytes);
	CHECK_EQ("interval start", 10000, v.s[1].st.start_ms);
	CHECK_EQ("interval end", 20000, v.s[1].st.end_ms);
	CHECK_EQ("first seen: kernel time", 10000000, v.s[1].st.first_us);
	CHECK_EQ("last seen: kernel time", 19000099, v.s[1].st.last_us);
	CHECK_STR("the key's prefix", "drop ", v.s[0].prefix);
	CHECK_EQ("the key's port", 80, v.s[0].key.dport);
	CHECK_EQ("source port not in the default key", 0, v.s[0].key.sport);
	/* 5/s for 10 s: still counted, then the key leaves summary mode */
	for (uint64_t s = 20; s < 30; s++) {
		logged += offer_second(t, syn(1, 1000), 5, s);
		sum_tick(t, (s + 1) * 1000);
	}
	CHECK_EQ("the quiet interval still summarized", 3, v.n);
	CHECK_EQ("its packets", 50, v.s[2].st.packets);
	CHECK_EQ("left summary mode", 0, sum_counters(t)->in_summary);
	logged += offer_second(t, syn(1, 1000), 5, 30);
	CHECK_EQ("back to packets", 15, logged);
	CHECK_EQ("every packet once: lines + summaries", 2000 + 50 + 5, logged + v.packets);
	CHECK_EQ("counters: summarized", v.packets, sum_counters(t)->summarized);
	CHECK_EQ("counters: summaries", 3, sum_counters(t)->summaries);
	sum_table_free(t);
}

static void test_second_boundary(void)
{
	struct seen v = {0};
	struct sum_table *t = table(10, 10, 64, SUM_K_DEFAULT, &v);
	struct sum_pkt p = syn(1, 1);
	unsigned logged = 0;

	for (int i = 0; i < 10; i++)
		logged += sum_offer(t, &p, 999) == SUM_LOG;
	for (int i = 0; i < 10; i++)
		logged += sum_offer(t, &p, 1000) == SUM_LOG;
	CHECK_EQ("10 at 999 ms and 10 at 1000 ms: two seconds, all logged", 20, logged);
	CHECK_EQ("the 11th of a second is counted", SUM_COUNTED, sum_offer(t, &p, 1001));
	sum_table_free(t);
}

static void test_quiet_key_beside_a_flood(void)
{
	struct seen v = {0};
	struct sum_table *t = table(10, 10, 64, SUM_K_DEFAULT, &v);
	unsigned quiet = 0;

	for (uint64_t s = 0; s < 30; s++) {
		offer_second(t, syn(1, 1000), 5000, s);
		quiet += offer_second(t, syn(2, 1000), 10, s);
		sum_tick(t, (s + 1) * 1000);
	}
	CHECK_EQ("the quiet key: 300 of 300 as lines", 300, quiet);
	CHECK_EQ("the flood: three summaries", 3, v.n);
	sum_table_free(t);
}

static void test_maxkeys_and_overflow(void)
{
	struct seen v = {0};
	struct sum_table *t = table(1, 10, 4, SUM_K_DEFAULT, &v);
	unsigned logged = 0;

	for (unsigned src = 0; src < 10; src++)
		logged += offer_second(t, syn(src, 7), 3, 0);
	CHECK_EQ("4 keys tracked: 1 line each", 4, logged);
	CHECK_EQ("6 keys without room: overflow", 18, sum_counters(t)->overflow);
	sum_flush(t, 500);
	CHECK_EQ("4 key summaries and the overflow", 5, v.n);
	unsigned ov = 0;
	for (unsigned i = 0; i < v.n; i++)
		if (v.s[i].overflow) {
			bool exact;

			ov++;
			CHECK_EQ("overflow packets", 18, v.s[i].st.packets);
			CHECK_EQ("overflow: distinct sources", 6,
				 sum_distinct_count(&v.s[i].st.saddrs, &exact));
			CHECK("overflow: counted exactly", exact);
			CHECK_STR("overflow has no prefix", "", v.s[i].prefix);
		} else {
			CHECK_EQ("a key's summary", 2, v.s[i].st.packets);
		}
	CHECK_EQ("one overflow summary", 1, ov);
	CHECK_EQ("every packet once", 30, logged + v.packets);
	sum_table_free(t);
}

static void test_idle_keys_make_room(void)
{
	struct seen v = {0};
	struct sum_table *t = table(10, 10, 2, SUM_K_DEFAULT, &v);
	struct sum_pkt a = syn(1, 1), b = syn(2, 1), c = syn(3, 1);

	CHECK_EQ("a tracked", SUM_LOG, sum_offer(t, &a, 0));
	CHECK_EQ("b tracked", SUM_LOG, sum_offer(t, &b, 0));
	CHECK_EQ("c: no room", SUM_COUNTED, sum_offer(t, &c, 0));
	sum_tick(t, 1000);
	CHECK_EQ("c: no room a second later", SUM_COUNTED, sum_offer(t, &c, 1000));
	sum_tick(t, 2000);
	CHECK_EQ("a and b idle for a whole second: c tracked", SUM_LOG, sum_offer(t, &c, 2000));
	sum_tick(t, 10000);
	CHECK_EQ("the overflow summary", 1, v.n);
	CHECK_EQ("its packets", 2, v.s[0].st.packets);
	sum_table_free(t);
}

static void test_stats(void)
{
	struct seen v = {0};
	struct sum_table *t = table(1, 10, 8, SUM_K_DADDR | SUM_K_DPORT, &v);
	struct sum_pkt p = syn(1, 1);
	const uint8_t flags[] = {0x02, 0x12, 0x04};
	const uint16_t win[] = {1024, 65535, 0};
	const uint8_t ttl[] = {64, 255, 1};

	sum_offer(t, &p, 0);
	for (int i = 0; i < 3; i++) {
		p = syn((unsigned)i + 2, (uint16_t)(i + 2));
		p.tcp_flags = flags[i];
		p.tcp_window = win[i];
		p.ttl = ttl[i];
		p.ts_us = 5000 - (uint64_t)i * 1000; /* out of order */
		p.bytes = 100;
		sum_offer(t, &p, 10);
	}
	p = syn(9, 9);
	p.has_tcp = false;
	p.has_ttl = false;
	p.ts_us = 9000;
	sum_offer(t, &p, 20);
	sum_flush(t, 30);
	CHECK_EQ("one summary", 1, v.n);
	const struct sum_stats *s = &v.s[0].st;
	bool exact;
	CHECK_EQ("packets", 4, s->packets);
	CHECK_EQ("bytes", 340, s->bytes);
	CHECK_EQ("flags OR'ed", 0x16, s->tcp_flags);
	CHECK_EQ("window min", 0, s->window_min);
	CHECK_EQ("window max", 65535, s->window_max);
	CHECK_EQ("ttl min", 1, s->ttl_min);
	CHECK_EQ("ttl max", 255, s->ttl_max);
	CHECK_EQ("first seen, out of order", 3000, s->first_us);
	CHECK_EQ("last seen", 9000, s->last_us);
	CHECK_EQ("distinct sources", 4, sum_distinct_count(&s->saddrs, &exact));
	CHECK("exact", exact);
	CHECK_EQ("distinct source ports", 4, sum_distinct_count(&s->sports, &exact));
	CHECK("key without the source: one key", v.s[0].key.saddr[0] == 0);
	sum_table_free(t);
}

/* Distinct counts: exact to SUM_EXACT_MAX, then within 3 standard errors
 * (3 x 1.04 / sqrt(128) = 27.6%) at every size, on several seeds. */
static void test_distinct_error(void)
{
	const unsigned sizes[] = {1, 7, 8, 9, 16, 50, 100, 300, 1000, 5000, 20000, 65535};
	unsigned worst = 0;

	for (uint64_t seed = 1; seed <= 8; seed++)
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			struct seen v = {0};
			struct sum_config c = {collect, &v, 1, 10000, 4, SUM_K_DADDR, seed};
			struct sum_table *t = sum_table_new(&c);
			unsigned n = sizes[k];
			bool exact;

			for (unsigned i = 0; i < 2 * n + 1; i++) {
				struct sum_pkt p = syn(i % n, (uint16_t)(i % n));

				sum_offer(t, &p, 0);
			}
			sum_flush(t, 1);
			uint64_t got = sum_distinct_count(&v.s[0].st.sports, &exact);
			double err = fabs((double)got - n) / n;
			CHECK("exact up to 8, estimated above", exact == (n <= SUM_EXACT_MAX));
			CHECK("estimate within 3 standard errors", err <= 3 * 1.04 / sqrt(128));
			if (err * 1000 > worst)
				worst = (unsigned)(err * 1000);
			sum_table_free(t);
		}
	printf("# distinct counts: worst error %.1f%% (stated standard error 9.2%%)\n",
	       worst / 10.0);
}

static void test_prefixes(void)
{
	struct seen v = {0};
	struct sum_table *t = table(1, 10, 1024, SUM_K_PREFIX, &v);
	char text[300];
	unsigned logged = 0;

	memset(text, 'x', sizeof(text));
	for (unsigned i = 0; i < 300; i++) {
		struct sum_pkt p = syn(1, 1);
		char name[16];

		snprintf(name, sizeof(name), "p%u ", i);
		p.prefix = name;
		p.prefix_len = strlen(name);
		logged += offer_second(t, p, 2, 0);
	}
	CHECK_EQ("256 prefixes tracked, one line each; 44 untracked, two lines each", 256 + 44 * 2,
		 logged);
	CHECK_EQ("untracked prefixes counted", 88, sum_counters(t)->prefixes_new);
	sum_table_free(t);

	t = table(1, 10, 4, SUM_K_PREFIX, &v);
	struct sum_pkt p = syn(1, 1);
	p.prefix = text;
	p.prefix_len = sizeof(text); /* longer than the kernel sends: cut */
	offer_second(t, p, 3, 0);
	p.prefix = NULL;
	p.prefix_len = 0;
	offer_second(t, p, 3, 0);
	sum_flush(t, 1);
	CHECK_EQ("two keys", 2, v.n);
	CHECK_EQ("the long prefix cut to 127 bytes", 127, strlen(v.s[0].prefix));
	CHECK_STR("no prefix", "", v.s[1].prefix);
	sum_table_free(t);
}

static void test_bad_config(void)
{
	struct seen v = {0};
	struct sum_config c = {collect, &v, 10, 10000, 16, SUM_K_DEFAULT, 1};

	c.threshold = 0;
	CHECK("threshold 0 refused", sum_table_new(&c) == NULL);
	c.threshold = 10;
	c.interval_ms = 1500;
	CHECK("an interval of 1.5 s refused", sum_table_new(&c) == NULL);
	c.interval_ms = 10000;
	c.maxkeys = 0;
	CHECK("maxkeys 0 refused", sum_table_new(&c) == NULL);
	CHECK("memory for 32768 keys between 8 and 17 MiB",
	      sum_table_bytes(32768) > 8u << 20 && sum_table_bytes(32768) <= 17u << 20);
}

/* Random traffic over 40 keys into a table of 16, with random ticks: every
 * packet is a line or in exactly one summary; no key logs more than the
 * threshold in a second; the index finds every key after the removals. */
static void test_random_against_reference(void)
{
	enum { KEYS = 40, SECS = 200, THRESHOLD = 20 };
	struct seen v = {0};
	struct sum_table *t = table(THRESHOLD, 3, 16, SUM_K_DEFAULT, &v);
	unsigned lines_in_sec[KEYS] = {0};
	uint64_t offered = 0, logged = 0, sec = 0;
	unsigned over = 0;

	srand(7);
	for (uint64_t ms = 0; ms < SECS * 1000; ms += 1 + (uint64_t)(rand() % 7)) {
		unsigned k = (unsigned)rand() % KEYS;
		unsigned burst = k < 4 ? 8 : 1; /* four keys flood */
		struct sum_pkt p = syn(k, (uint16_t)rand());

		if (ms / 1000 != sec) {
			sec = ms / 1000;
			memset(lines_in_sec, 0, sizeof(lines_in_sec));
		}
		for (unsigned b = 0; b < burst; b++) {
			offered++;
			if (sum_offer(t, &p, ms) == SUM_LOG) {
				logged++;
				over += ++lines_in_sec[k] > THRESHOLD;
			}
		}
		if (rand() % 50 == 0)
			sum_tick(t, ms);
	}
	sum_flush(t, SECS * 1000);
	CHECK_EQ("every packet once", offered, logged + v.packets);
	CHECK_EQ("summaries hold what was summarized", sum_counters(t)->summarized, v.packets);
	CHECK_EQ("no key above the threshold as lines in a second", 0, over);
	CHECK("the floods were summarized", v.packets > offered / 2);
	sum_table_free(t);
}

/* Two SYNs summarized (the first of three was logged), as a line and as
 * fields in both schemas, compared whole. */
static void format(unsigned keymask, struct seen *v)
{
	struct sum_table *t = table(1, 10, 16, keymask, v);

	for (unsigned i = 0; i < 3; i++) {
		struct sum_pkt p = syn(1, (uint16_t)(1000 + i));

		p.ts_us = 1700000000000000ULL + i * 1000;
		p.ttl = (uint8_t)(62 + i);
		p.tcp_window = (uint16_t)(1024 * (i + 1));
		sum_offer(t, &p, 100);
	}
	sum_flush(t, 500);
	sum_table_free(t);
}

static void test_message(void)
{
	struct seen v = {0};
	struct nflog_opts ecs = {NF_SCHEMA_ECS, NULL, "drop", false, 0, false, NULL, 0};
	struct nflog_opts ulogd = ecs;
	char buf[4096];
	bool complete;

	ulogd.schema = NF_SCHEMA_ULOGD;
	format(SUM_K_DEFAULT, &v);
	CHECK_EQ("one summary", 1, v.n);
	struct nflog_summary s = {&v.s[0].key, v.s[0].prefix, &v.s[0].st, SUM_K_DEFAULT, 7, 10};

	nflog_summary_text(&s, buf, sizeof(buf));
	CHECK_STR("the line",
		  "drop SUMMARY PACKETS=2 BYTES=80 SRC=10.0.0.1 DST=10.9.9.9 PROTO=TCP DPT=80 "
		  "FIRST=2023-11-14T22:13:20.001000Z LAST=2023-11-14T22:13:20.002000Z ",
		  buf);
	nflog_summary_fields_text(&s, &ecs, buf, sizeof(buf), &complete);
	CHECK("ECS complete", complete);
	CHECK_STR(
		"ECS fields",
		"{\"@timestamp\":\"2023-11-14T22:13:20.002000Z\",\"ecs\":{\"version\":\"8.11.0\"},"
		"\"event\":{\"kind\":\"event\",\"category\":[\"network\"],\"type\":[\"connection\","
		"\"denied\"],\"module\":\"netfilter\",\"dataset\":\"netfilter.nflog\",\"action\":"
		"\"drop\","
		"\"start\":\"2023-11-14T22:13:20.001000Z\",\"end\":\"2023-11-14T22:13:20.002000Z\","
		"\"duration\":1000000},\"network\":{\"packets\":2,\"type\":\"ipv4\",\"iana_"
		"number\":\"6\","
		"\"transport\":\"tcp\",\"bytes\":80},\"rule\":{\"name\":\"drop "
		"\"},\"netfilter\":{\"group\":7,"
		"\"summary\":{\"interval\":10,\"overflow\":false,\"source_ports\":2,\"source_ports_"
		"exact\":true,"
		"\"tcp\":{\"flags\":[\"SYN\"],\"window\":{\"min\":2048,\"max\":3072}},\"ttl\":{"
		"\"min\":63,"
		"\"max\":64}}},\"destination\":{\"port\":80,\"ip\":\"10.9.9.9\"},\"source\":{"
		"\"ip\":\"10.0.0.1\"}}",
		buf);
	nflog_summary_fields_text(&s, &ulogd, buf, sizeof(buf), &complete);
	CHECK_STR("ulogd fields",
		  "{\"timestamp\":\"2023-11-14T22:13:20.002000+0000\",\"raw.pktcount\":2,"
		  "\"oob.prefix\":\"drop "
		  "\",\"action\":\"blocked\",\"ip.protocol\":6,\"dest_port\":80,"
		  "\"src_ip\":\"10.0.0.1\",\"dest_ip\":\"10.9.9.9\",\"sum.bytes\":80,\"flow.start."
		  "sec\":1700000000,"
		  "\"flow.start.usec\":1000,\"flow.end.sec\":1700000000,\"flow.end.usec\":2000,"
		  "\"sum.interval\":10,\"sum.overflow\":0,\"sum.sport_count\":2,\"sum.sport_count_"
		  "exact\":1,"
		  "\"sum.tcp_flags\":[\"SYN\"],\"sum.window_min\":2048,\"sum.window_max\":3072,"
		  "\"sum.ttl_min\":63,\"sum.ttl_max\":64}",
		  buf);

	struct seen o = {0};
	format(SUM_K_DADDR | SUM_K_DPORT, &o);
	struct nflog_summary nosrc = {&o.s[0].key, NULL, &o.s[0].st, SUM_K_DADDR | SUM_K_DPORT,
				      7,	   10};
	nflog_summary_text(&nosrc, buf, sizeof(buf));
	CHECK_STR("a key without source and protocol",
		  "SUMMARY PACKETS=2 BYTES=80 DST=10.9.9.9 DPT=80 "
		  "FIRST=2023-11-14T22:13:20.001000Z LAST=2023-11-14T22:13:20.002000Z ",
		  buf);
	nflog_summary_fields_text(&nosrc, &ecs, buf, sizeof(buf), &complete);
	CHECK_STR(
		"its ECS fields: distinct sources",
		"{\"@timestamp\":\"2023-11-14T22:13:20.002000Z\",\"ecs\":{\"version\":\"8.11.0\"},"
		"\"event\":{\"kind\":\"event\",\"category\":[\"network\"],\"type\":[\"connection\","
		"\"denied\"],\"module\":\"netfilter\",\"dataset\":\"netfilter.nflog\",\"action\":"
		"\"drop\","
		"\"start\":\"2023-11-14T22:13:20.001000Z\",\"end\":\"2023-11-14T22:13:20.002000Z\","
		"\"duration\":1000000},\"network\":{\"packets\":2,\"type\":\"ipv4\",\"bytes\":80},"
		"\"netfilter\":{\"group\":7,\"summary\":{\"interval\":10,\"overflow\":false,"
		"\"source_ports\":2,\"source_ports_exact\":true,\"sources\":1,\"sources_exact\":"
		"true,"
		"\"tcp\":{\"flags\":[\"SYN\"],\"window\":{\"min\":2048,\"max\":3072}},\"ttl\":{"
		"\"min\":63,"
		"\"max\":64}}},\"destination\":{\"port\":80,\"ip\":\"10.9.9.9\"}}",
		buf);
	struct nflog_summary ov = {NULL, NULL, &o.s[0].st, SUM_K_DEFAULT, 7, 10};
	nflog_summary_text(&ov, buf, sizeof(buf));
	CHECK_STR("the overflow line",
		  "SUMMARY OVERFLOW PACKETS=2 BYTES=80 "
		  "FIRST=2023-11-14T22:13:20.001000Z LAST=2023-11-14T22:13:20.002000Z ",
		  buf);
}

static void test_key_names(void)
{
	char names[256];

	CHECK_EQ("ECS source.ip", SUM_K_SADDR, nflog_summary_key_bit(NF_SCHEMA_ECS, "source.ip"));
	CHECK_EQ("ECS network.transport", SUM_K_PROTO,
		 nflog_summary_key_bit(NF_SCHEMA_ECS, "network.transport"));
	CHECK_EQ("ulogd dest_port", SUM_K_DPORT,
		 nflog_summary_key_bit(NF_SCHEMA_ULOGD, "dest_port"));
	CHECK_EQ("ulogd spelling in ECS: none", 0, nflog_summary_key_bit(NF_SCHEMA_ECS, "src_ip"));
	CHECK_EQ("a packet field that is no key field", 0,
		 nflog_summary_key_bit(NF_SCHEMA_ECS, "netfilter.tcp.seq"));
	nflog_summary_key_names(NF_SCHEMA_ECS, names, sizeof(names));
	CHECK_STR("ECS names",
		  "rule.name, event.action, source.ip, destination.ip, network.iana_number, "
		  "network.transport, source.port, destination.port",
		  names);
	nflog_summary_key_names(NF_SCHEMA_ULOGD, names, sizeof(names));
	CHECK_STR("ulogd names",
		  "oob.prefix, action, src_ip, dest_ip, ip.protocol, src_port, dest_port", names);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	RUN(test_below_threshold_logs_everything);
	RUN(test_enter_and_leave);
	RUN(test_second_boundary);
	RUN(test_quiet_key_beside_a_flood);
	RUN(test_maxkeys_and_overflow);
	RUN(test_idle_keys_make_room);
	RUN(test_stats);
	RUN(test_distinct_error);
	RUN(test_prefixes);
	RUN(test_bad_config);
	RUN(test_random_against_reference);
	RUN(test_message);
	RUN(test_key_names);
	UNIT_EXIT();
}
