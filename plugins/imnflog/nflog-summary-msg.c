/* SPDX-License-Identifier: Apache-2.0 */
/* Flood summaries as messages (nflog-summary-msg.h). The key's fields keep
 * the names a packet's have (source.ip, destination.port, ...), so a filter
 * or a dashboard built on packets reads summaries too; what only a summary
 * has is under netfilter.summary (ECS) or sum.* (ulogd). */
#include "nflog-summary-msg.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ipproto.h"
#include "jemit.h"
#include "strbuf.h"

static bool has(const struct nflog_summary *s, unsigned field)
{
	return s->key && (s->keymask & field);
}

static struct timeval tv_of(uint64_t us)
{
	struct timeval tv = {(time_t)(us / 1000000), (suseconds_t)(us % 1000000)};

	return tv;
}

/* A key field by the packet field that holds it */
static const struct {
	enum nflog_field field;
	unsigned bit;
} key_fields[] = {
	{NFF_OOB_PREFIX, SUM_K_PREFIX}, {NFF_ACTION, SUM_K_VERDICT},
	{NFF_SRC_IP, SUM_K_SADDR},	{NFF_DEST_IP, SUM_K_DADDR},
	{NFF_IP_PROTOCOL, SUM_K_PROTO}, {NFF_TRANSPORT, SUM_K_PROTO},
	{NFF_SRC_PORT, SUM_K_SPORT},	{NFF_DEST_PORT, SUM_K_DPORT},
};

unsigned nflog_summary_key_bit(enum nf_schema schema, const char *name)
{
	for (size_t i = 0; i < sizeof(key_fields) / sizeof(key_fields[0]); i++) {
		const char *key = nflog_fields[key_fields[i].field].key[schema];

		if (key && strcmp(key, name) == 0)
			return key_fields[i].bit;
	}
	return 0;
}

void nflog_summary_key_names(enum nf_schema schema, char *buf, size_t size)
{
	struct strbuf sb;

	sb_init(&sb, buf, size);
	for (size_t i = 0; i < sizeof(key_fields) / sizeof(key_fields[0]); i++) {
		const char *key = nflog_fields[key_fields[i].field].key[schema];

		if (!key)
			continue;
		if (sb.len)
			sb_puts(&sb, ", ");
		sb_puts(&sb, key);
	}
}

void nflog_summary_pkt(const struct nflog_work *w, uint8_t verdict, struct sum_pkt *p)
{
	const struct nfd_l3 *l3 = &w->pkt.l3;

	memset(p, 0, sizeof(*p));
	p->prefix = w->meta.prefix;
	p->prefix_len = strlen(w->meta.prefix);
	p->verdict = verdict;
	p->ts_us = (uint64_t)w->rec.tv.tv_sec * 1000000 + (uint64_t)w->rec.tv.tv_usec;
	if (!l3->hdr_ok || (l3->kind != NFD_L3_IPV4 && l3->kind != NFD_L3_IPV6))
		return;
	p->has_ttl = true;
	if (l3->kind == NFD_L3_IPV4) {
		p->family = 4;
		memcpy(p->saddr, l3->v4.saddr, 4);
		memcpy(p->daddr, l3->v4.daddr, 4);
		p->bytes = l3->v4.totlen;
		p->ttl = l3->v4.ttl;
	} else {
		p->family = 6;
		memcpy(p->saddr, l3->v6.saddr, 16);
		memcpy(p->daddr, l3->v6.daddr, 16);
		p->bytes = (uint32_t)l3->v6.payloadlen + 40; /* RFC 8200: the fixed header */
		p->ttl = l3->v6.hoplimit;
	}
	p->proto = l3->has_l4proto ? l3->l4proto : 0;
	p->has_ports = l3->has_ports;
	p->sport = l3->sport;
	p->dport = l3->dport;
	if (l3->l4 == NFD_L4_TCP) {
		p->has_tcp = true;
		p->tcp_flags = l3->tcp.flags;
		p->tcp_window = l3->tcp.window;
	}
}

static void emit_header(struct jemit *e, const struct nflog_summary *s, const struct nflog_opts *o)
{
	struct timeval last = tv_of(s->st->last_us);

	nflog_emit_header(e, &last, o);
	je_uint(e, NFF_RAW_PKTCOUNT, s->st->packets);
	if (has(s, SUM_K_PREFIX) && (e->schema == NF_SCHEMA_ULOGD || s->prefix))
		je_str(e, NFF_OOB_PREFIX, s->prefix ? s->prefix : "");
	nflog_emit_action(e, o);
	je_int(e, NFF_GROUP, s->group);
}

static void emit_key(struct jemit *e, const struct nflog_summary *s)
{
	const struct sum_key *k = s->key;
	const char *tr;
	int alen;

	if (!k)
		return;
	alen = k->family == 4 ? 4 : 16;
	if (k->family)
		je_str(e, NFF_NETWORK_TYPE, k->family == 4 ? "ipv4" : "ipv6");
	if (has(s, SUM_K_PROTO)) {
		je_int(e, NFF_IP_PROTOCOL, k->proto);
		if ((tr = ip_proto_name(k->proto)) != NULL)
			je_str(e, NFF_TRANSPORT, tr);
	}
	if (has(s, SUM_K_SPORT) && k->has_ports)
		je_int(e, NFF_SRC_PORT, k->sport);
	if (has(s, SUM_K_DPORT) && k->has_ports)
		je_int(e, NFF_DEST_PORT, k->dport);
	if (has(s, SUM_K_SADDR) && k->family)
		je_addr(e, NFF_SRC_IP, k->saddr, alen);
	if (has(s, SUM_K_DADDR) && k->family)
		je_addr(e, NFF_DEST_IP, k->daddr, alen);
}

static void emit_distinct(struct jemit *e, int count, int exact, const struct sum_distinct *d)
{
	bool is_exact;
	uint64_t n = sum_distinct_count(d, &is_exact);

	if (!n)
		return;
	je_uint(e, count, n);
	je_int(e, exact, is_exact);
}

static void emit_stats(struct jemit *e, const struct nflog_summary *s)
{
	static const char *const names[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
	const struct sum_stats *st = s->st;
	struct timeval first = tv_of(st->first_us), last = tv_of(st->last_us);
	const char *flags[8];
	size_t n = 0;

	je_uint(e, NFF_NETWORK_BYTES, st->bytes);
	je_uint(e, NFF_SUM_BYTES, st->bytes);
	je_int(e, NFF_FLOW_START_SEC, first.tv_sec);
	je_int(e, NFF_FLOW_START_USEC, first.tv_usec);
	je_int(e, NFF_FLOW_END_SEC, last.tv_sec);
	je_int(e, NFF_FLOW_END_USEC, last.tv_usec);
	je_timestamp(e, NFF_EVENT_START, &first, true);
	je_timestamp(e, NFF_EVENT_END, &last, true);
	je_uint(e, NFF_EVENT_DURATION, (st->last_us - st->first_us) * 1000);
	je_int(e, NFF_SUM_INTERVAL, s->interval_s);
	je_int(e, NFF_SUM_OVERFLOW, s->key == NULL);
	emit_distinct(e, NFF_SUM_SPORTS, NFF_SUM_SPORTS_EXACT, &st->sports);
	if (!has(s, SUM_K_SADDR))
		emit_distinct(e, NFF_SUM_SADDRS, NFF_SUM_SADDRS_EXACT, &st->saddrs);
	if (st->has_tcp) {
		for (int i = 7; i >= 0; i--)
			if (st->tcp_flags & (1u << i))
				flags[n++] = names[i];
		je_list(e, NFF_SUM_TCP_FLAGS, flags, n);
		je_int(e, NFF_SUM_WINDOW_MIN, st->window_min);
		je_int(e, NFF_SUM_WINDOW_MAX, st->window_max);
	}
	if (st->has_ttl) {
		je_int(e, NFF_SUM_TTL_MIN, st->ttl_min);
		je_int(e, NFF_SUM_TTL_MAX, st->ttl_max);
	}
}

static void emit_all(struct jemit *e, const struct nflog_summary *s, const struct nflog_opts *o)
{
	emit_header(e, s, o);
	emit_key(e, s);
	emit_stats(e, s);
}

struct fjson_object *nflog_summary_json(const struct nflog_summary *s, const struct nflog_opts *o)
{
	struct jemit e;

	if (!je_init(&e, &nflog_table, o->schema, o->select))
		return NULL;
	emit_all(&e, s, o);
	return e.root;
}

size_t nflog_summary_fields_text(const struct nflog_summary *s, const struct nflog_opts *o,
				 char *buf, size_t size, bool *complete)
{
	struct je_text t;
	struct jemit e;

	je_init_text(&e, &nflog_table, o->schema, &t);
	emit_all(&e, s, o);
	return je_render(&e, buf, size, complete);
}

/* --- the line --- */

/* The kernel's transport names (nf_log_syslog.c dump_ipv4_packet and
 * dump_ipv6_packet), else the number. */
static void text_proto(struct strbuf *sb, uint8_t proto)
{
	static const struct {
		uint8_t proto;
		const char *name;
	} names[] = {{1, "ICMP"}, {6, "TCP"},	  {17, "UDP"},	   {50, "ESP"},
		     {51, "AH"},  {58, "ICMPv6"}, {136, "UDPLITE"}};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].proto == proto) {
			sb_printf(sb, "PROTO=%s ", names[i].name);
			return;
		}
	sb_kv(sb, "PROTO=", proto);
}

static void text_addr(struct strbuf *sb, const char *name, const struct sum_key *k,
		      const uint8_t *a)
{
	sb_puts(sb, name);
	if (k->family == 4)
		sb_ipv4(sb, a);
	else
		sb_ipv6_full(sb, a);
	sb_puts(sb, " ");
}

static void text_time(struct strbuf *sb, const char *name, uint64_t us)
{
	time_t sec = (time_t)(us / 1000000);
	struct tm tm;
	char when[32];

	if (!gmtime_r(&sec, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(when, sizeof(when), "%lld", (long long)sec);
	sb_printf(sb, "%s%s.%06uZ ", name, when, (unsigned)(us % 1000000));
}

size_t nflog_summary_text(const struct nflog_summary *s, char *buf, size_t size)
{
	const struct sum_key *k = s->key;
	struct strbuf sb;

	sb_init(&sb, buf, size);
	if (s->prefix)
		sb_puts(&sb, s->prefix);
	sb_puts(&sb, k ? "SUMMARY " : "SUMMARY OVERFLOW ");
	sb_kv(&sb, "PACKETS=", s->st->packets);
	sb_kv(&sb, "BYTES=", s->st->bytes);
	if (has(s, SUM_K_SADDR) && k->family)
		text_addr(&sb, "SRC=", k, k->saddr);
	if (has(s, SUM_K_DADDR) && k->family)
		text_addr(&sb, "DST=", k, k->daddr);
	if (has(s, SUM_K_PROTO))
		text_proto(&sb, k->proto);
	if (has(s, SUM_K_SPORT) && k->has_ports)
		sb_kv(&sb, "SPT=", k->sport);
	if (has(s, SUM_K_DPORT) && k->has_ports)
		sb_kv(&sb, "DPT=", k->dport);
	text_time(&sb, "FIRST=", s->st->first_us);
	text_time(&sb, "LAST=", s->st->last_us);
	return sb.len;
}
