/* SPDX-License-Identifier: Apache-2.0 */
/* emit [N]: the pure per-event work of both modules, timed on canned
 * events, N times each (default 200000): NFLOG message parsing and
 * decoding, the kernel line, the $! tree in each schema and its
 * serialization as rsyslog's $!all-json-plain does it; the same for a
 * conntrack DESTROY. Prints nanoseconds per event for each step. Under
 * valgrind --tool=callgrind the instruction counts are exact. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <json.h>

#include "ct-build.h"
#include "nfct-fields.h"
#include "nfct-text.h"
#include "nflog-fields.h"
#include "nflog-text.h"
#include "pkt-build.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The benchmark's packet: UDP with a 16-byte payload, as bench/nflog/flood.c sends */
static void nflog_message(struct builder *b)
{
	uint8_t p[64];
	size_t n = ipv4(p, 17, 0, 24, 0x4000);

	n += udp(p + n, 40000, 9, 24) + 16;
	begin(b, 2, 50, 0x0800, 1);
	mnl_attr_put_u32(b->nlh, NFULA_MARK, htonl(0));
	timestamp(b, 1795669822, 298770);
	input_eth(b, 2);
	mnl_attr_put_strz(b->nlh, NFULA_PREFIX, "bench ");
	mnl_attr_put_u32(b->nlh, NFULA_SEQ, htonl(7));
	mnl_attr_put(b->nlh, NFULA_PAYLOAD, n, p);
}

static struct nlmsghdr *ct_destroy(char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	struct nlattr *n;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	put_tuple(nlh, CTA_TUPLE_ORIG, 0x0a630001, 0x0a620001, 17, 10001, 53);
	put_tuple(nlh, CTA_TUPLE_REPLY, 0x0a620001, 0x0a630001, 17, 53, 10001);
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(0x188));
	mnl_attr_put_u32(nlh, CTA_ID, htonl(77));
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(0));
	put_counters(nlh, CTA_COUNTERS_ORIG, 2, 120);
	put_counters(nlh, CTA_COUNTERS_REPLY, 1, 80);
	n = mnl_attr_nest_start(nlh, CTA_TIMESTAMP);
	mnl_attr_put_u64(nlh, CTA_TIMESTAMP_START, htobe64(1700000000000000000ULL));
	mnl_attr_put_u64(nlh, CTA_TIMESTAMP_STOP, htobe64(1700000003250000000ULL));
	mnl_attr_nest_end(nlh, n);
	return nlh;
}

static volatile size_t sink;

static void report(const char *what, double t0, double t1, long n)
{
	printf("%-34s %8.0f ns/event\n", what, (t1 - t0) / (double)n);
}

static void serialize_free(struct fjson_object *j)
{
	sink += strlen(fjson_object_to_json_string_ext(j, FJSON_TO_STRING_PLAIN));
	fjson_object_put(j);
}

static void bench_nflog(long n)
{
	static const struct timeval rcv = {1795669822, 300000};
	struct builder b;
	struct nflog_work w;
	char text[NFLOG_TEXT_MAX];
	double t0, t1;

	nflog_message(&b);
	t0 = now();
	for (long i = 0; i < n; i++)
		nflog_prepare(&w, b.nlh, NULL, &rcv);
	t1 = now();
	report("nflog: parse + decode", t0, t1, n);
	snprintf(w.rec.in, sizeof(w.rec.in), "eth0");
	t0 = now();
	for (long i = 0; i < n; i++)
		sink += nflog_text(&w.rec, 0, text, sizeof(text));
	t1 = now();
	report("nflog: kernel line", t0, t1, n);
	for (int s = NF_SCHEMA_ECS; s <= NF_SCHEMA_ULOGD; s++) {
		struct nflog_opts o = {.schema = (enum nf_schema)s};

		t0 = now();
		for (long i = 0; i < n; i++)
			serialize_free(nflog_fields_json(&w.rec, &o));
		t1 = now();
		report(s ? "nflog: ulogd tree, render, free" : "nflog: ECS tree, render, free", t0,
		       t1, n);
		t0 = now();
		for (long i = 0; i < n; i++) {
			char json[8192];
			bool complete;

			sink += nflog_fields_text(&w.rec, &o, json, sizeof(json), &complete);
		}
		t1 = now();
		report(s ? "nflog: ulogd JSON text" : "nflog: ECS JSON text", t0, t1, n);
	}
}

static void bench_nfct(long n)
{
	static char buf[4096];
	struct nlmsghdr *nlh = ct_destroy(buf);
	struct nfct_event ev;
	struct nfct_record r = {.ev = &ev, .now = {1700000004, 0}};
	char text[NFCT_TEXT_MAX];
	double t0, t1;

	t0 = now();
	for (long i = 0; i < n; i++)
		nfct_event_parse(nlh, false, &ev);
	t1 = now();
	report("nfct: parse", t0, t1, n);
	nfct_record_times(&r, false, NULL);
	t0 = now();
	for (long i = 0; i < n; i++)
		sink += nfct_text(&ev, r.now.tv_sec, text, sizeof(text));
	t1 = now();
	report("nfct: conntrack line", t0, t1, n);
	for (int s = NF_SCHEMA_ECS; s <= NF_SCHEMA_ULOGD; s++) {
		struct nfct_opts o = {.schema = (enum nf_schema)s};

		t0 = now();
		for (long i = 0; i < n; i++)
			serialize_free(nfct_fields_json(&r, &o));
		t1 = now();
		report(s ? "nfct: ulogd tree, render, free" : "nfct: ECS tree, render, free", t0,
		       t1, n);
		t0 = now();
		for (long i = 0; i < n; i++) {
			char json[8192];
			bool complete;

			sink += nfct_fields_text(&r, &o, json, sizeof(json), &complete);
		}
		t1 = now();
		report(s ? "nfct: ulogd JSON text" : "nfct: ECS JSON text", t0, t1, n);
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;

	setenv("TZ", "UTC", 1);
	tzset();
	bench_nflog(n);
	bench_nfct(n);
	return 0;
}
