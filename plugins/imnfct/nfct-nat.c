/* SPDX-License-Identifier: Apache-2.0 */
#include "nfct-nat.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "nfct-text.h"
#include "strbuf.h"

/* One side of a tuple: its address and port, or ICMP id (which
 * masquerade rewrites as it rewrites ports: nf_nat_proto.c). */
static void set_end(struct nat_end *e, const struct ct_tuple *t, bool src_side)
{
	memcpy(e->addr, src_side ? t->src : t->dst, sizeof(e->addr));
	e->has_port = t->has_ports || t->has_icmp;
	if (t->has_icmp)
		e->port = t->icmp_id;
	else
		e->port = src_side ? t->sport : t->dport;
}

bool nat_map_of(const struct ct_info *ct, struct nat_map *m)
{
	const struct ct_tuple *o = &ct->orig, *r = &ct->reply;
	bool snat = ct->status & CT_SRC_NAT, dnat = ct->status & CT_DST_NAT;

	memset(m, 0, sizeof(*m));
	if (!(ct->has & CTH_STATUS) || !(snat || dnat) || !(ct->has & CTH_ORIG) ||
	    !(ct->has & CTH_REPLY) || !o->has_src || !o->has_dst || !r->has_src || !r->has_dst ||
	    o->l3 != r->l3 || !o->has_proto)
		return false;
	m->l3 = o->l3;
	m->proto = o->proto;
	m->kind = snat && dnat ? NAT_BOTH : snat ? NAT_SNAT : NAT_DNAT;
	if (m->kind == NAT_DNAT) {
		/* a port forward: the remote connected to the public address,
		 * the reply comes from the server inside */
		set_end(&m->inside, r, true);
		set_end(&m->outside, o, false);
		set_end(&m->remote, o, true);
	} else {
		/* the inside host's source became the reply's destination; with
		 * DNAT too, the peer really reached is the reply's source */
		set_end(&m->inside, o, true);
		set_end(&m->outside, r, false);
		set_end(&m->remote, m->kind == NAT_BOTH ? r : o, m->kind == NAT_BOTH);
	}
	if (o->has_icmp)
		m->remote.has_port = false; /* an echo's peer has no port of its own */
	m->has_id = ct->has & CTH_ID;
	m->id = ct->id;
	m->zone = (ct->has & CTH_ZONE) ? ct->zone : 0;
	return true;
}

static void put_time(struct strbuf *sb, int64_t ms)
{
	if (ms < 0)
		sb_putn(sb, "-", 1);
	else
		sb_dec(sb, (uint64_t)ms);
}

/* 192.0.2.1:4500, [2001:db8::1]:4500, or the address alone */
static void put_end(struct strbuf *sb, uint8_t l3, const struct nat_end *e)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(l3 == 4 ? AF_INET : AF_INET6, e->addr, a, sizeof(a));
	if (l3 == 6 && e->has_port)
		sb_putn(sb, "[", 1);
	sb_puts(sb, a);
	if (l3 == 6 && e->has_port)
		sb_putn(sb, "]", 1);
	if (e->has_port) {
		sb_putn(sb, ":", 1);
		sb_dec(sb, e->port);
	}
}

/* a record is whole or not at all: a cut one would answer wrongly */
static size_t finish(const struct strbuf *sb)
{
	return sb->full ? 0 : sb->len;
}

size_t nat_record(enum nat_rec type, int64_t start_ms, int64_t end_ms, const struct nat_map *m,
		  char *buf, size_t size)
{
	static const char kind[] = {[NAT_SNAT] = 's', [NAT_DNAT] = 'd', [NAT_BOTH] = 'b'};
	const char *proto = nfct_l4_name(m->proto);
	char t = (char)type;
	struct strbuf sb;

	sb_init(&sb, buf, size);
	sb_putn(&sb, &t, 1);
	sb_putn(&sb, " ", 1);
	put_time(&sb, start_ms);
	sb_putn(&sb, " ", 1);
	put_time(&sb, end_ms);
	sb_putn(&sb, " ", 1);
	if (strcmp(proto, "unknown") == 0)
		sb_dec(&sb, m->proto);
	else
		sb_puts(&sb, proto);
	sb_putn(&sb, " ", 1);
	sb_putn(&sb, &kind[m->kind], 1);
	sb_putn(&sb, " ", 1);
	put_end(&sb, m->l3, &m->inside);
	sb_putn(&sb, " ", 1);
	put_end(&sb, m->l3, &m->outside);
	sb_putn(&sb, " ", 1);
	put_end(&sb, m->l3, &m->remote);
	sb_putn(&sb, " ", 1);
	if (m->has_id)
		sb_dec(&sb, m->id);
	else
		sb_putn(&sb, "-", 1);
	if (m->zone) {
		sb_puts(&sb, " zone=");
		sb_dec(&sb, m->zone);
	}
	return finish(&sb);
}

size_t nat_marker(enum nat_rec type, int64_t from_ms, int64_t to_ms, const char *text, char *buf,
		  size_t size)
{
	char t = (char)type;
	struct strbuf sb;

	sb_init(&sb, buf, size);
	sb_putn(&sb, &t, 1);
	sb_putn(&sb, " ", 1);
	put_time(&sb, from_ms);
	sb_putn(&sb, " ", 1);
	put_time(&sb, to_ms);
	sb_putn(&sb, " ", 1);
	sb_puts(&sb, text);
	return finish(&sb);
}

int64_t nat_ms(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * 1000 + tv->tv_usec / 1000;
}

/* " KEY=VALUE" after a record, which is whole or not at all */
static size_t append_ms(char *buf, size_t size, size_t len, const char *key, int64_t ms)
{
	struct strbuf sb;

	if (len == 0)
		return 0;
	sb_init(&sb, buf + len, size - len);
	sb_puts(&sb, key);
	put_time(&sb, ms);
	return sb.full ? 0 : len + sb.len;
}

size_t nat_event_record(const struct nfct_record *r, bool existing, int64_t after_ms, char *buf,
			size_t size)
{
	const struct ct_info *ct = &r->ev->ct;
	int64_t start = (ct->has & CTH_START) ? nat_ms(&r->start) : -1;
	struct strbuf sb;
	struct nat_map m;
	size_t len;

	if (!nat_map_of(ct, &m))
		return 0;
	if (existing)
		return nat_record(NAT_REC_ALIVE, start, nat_ms(&r->now), &m, buf, size);
	switch (r->ev->type) {
	case NFCT_EV_NEW:
		len = nat_record(NAT_REC_OPEN, nat_ms(&r->start), -1, &m, buf, size);
		if (!(ct->has & CTH_EVENT_TIME))
			return append_ms(buf, size, len, " after=", after_ms);
		if (len == 0)
			return 0;
		sb_init(&sb, buf + len, size - len);
		sb_puts(&sb, " ts=kernel");
		return sb.full ? 0 : len + sb.len;
	case NFCT_EV_DESTROY:
		return nat_record(NAT_REC_CLOSE, start, nat_ms(&r->end), &m, buf, size);
	default:
		return 0;
	}
}

/* ---- the stream's markers ---- */

static void emit_marker(struct nat_stream *s, enum nat_rec type, int64_t from, int64_t to,
			const char *text)
{
	char rec[NAT_RECORD_MAX];
	size_t len = nat_marker(type, from, to, text, rec, sizeof(rec));

	if (len)
		s->emit(s->ctx, rec, len);
}

/* "COMPLETE" or "COMPLETE gap FROM TO LOST", padded with spaces */
static bool parse_state(const char *saved, int64_t *complete, int64_t *gap_from, int64_t *gap_to,
			unsigned long long *lost)
{
	long long c = -1, f = -1, t = -1;

	*lost = 0;
	if (saved == NULL || sscanf(saved, "%lld", &c) != 1 || c <= 0)
		return false;
	*complete = c;
	if (sscanf(saved, "%*s gap %lld %lld %llu", &f, &t, lost) == 3 && f >= 0 && t >= f) {
		*gap_from = f;
		*gap_to = t;
		return true;
	}
	*gap_from = -1;
	return true;
}

void nat_stream_begin(struct nat_stream *s, nat_emit_fn *emit, void *ctx, const char *saved,
		      int64_t now)
{
	int64_t complete = -1, gap_from = -1, gap_to = -1;
	unsigned long long lost = 0;
	char text[48];

	memset(s, 0, sizeof(*s));
	s->emit = emit;
	s->ctx = ctx;
	if (parse_state(saved, &complete, &gap_from, &gap_to, &lost) && gap_from >= 0 &&
	    complete > gap_from)
		complete = gap_from;
	emit_marker(s, NAT_REC_BEGIN, complete, now, "start");
	if (gap_from >= 0) {
		snprintf(text, sizeof(text), "lost=>%llu crash", lost);
		emit_marker(s, NAT_REC_GAP, gap_from, gap_to, text);
	}
	s->checked_ms = s->empty_ms = s->complete_ms = s->read_ms = now;
	s->changed = true;
}

static void close_gap(struct nat_stream *s)
{
	char text[48];

	snprintf(text, sizeof(text), "lost=%llu", (unsigned long long)s->gap_lost);
	emit_marker(s, NAT_REC_GAP, s->gap_from, s->gap_to, text);
	s->gap = false;
	s->gap_lost = 0;
	s->changed = true;
}

void nat_stream_look(struct nat_stream *s, int64_t now, uint32_t lost, int64_t empty_at)
{
	if (empty_at >= 0 && empty_at > s->empty_ms)
		s->empty_ms = empty_at;
	if (lost) {
		if (!s->gap) {
			s->gap = true;
			s->gap_from = s->checked_ms;
			s->changed = true;
		}
		s->gap_to = now;
		s->gap_lost += lost;
	} else {
		if (s->gap)
			close_gap(s);
		/* no drop since the last look, and the socket seen empty
		 * after it: every event before then has its record */
		if (empty_at >= s->checked_ms && empty_at > s->complete_ms) {
			s->complete_ms = empty_at;
			s->changed = true;
			if (empty_at - s->read_ms >= NAT_READ_EVERY_MS) {
				emit_marker(s, NAT_REC_READ, empty_at, -1, "read");
				s->read_ms = empty_at;
			}
		}
	}
	s->checked_ms = now;
}

size_t nat_stream_number(struct nat_stream *s, char *buf, size_t len, size_t size)
{
	struct strbuf sb;

	if (len == 0 || len >= size)
		return 0;
	sb_init(&sb, buf + len, size - len);
	sb_puts(&sb, " seq=");
	sb_dec(&sb, s->seq);
	if (sb.full)
		return 0;
	s->seq++;
	return len + sb.len;
}

int64_t nat_stream_after(const struct nat_stream *s)
{
	return s->empty_ms > 0 ? s->empty_ms - 1 : 0;
}

void nat_stream_dump_start(struct nat_stream *s, int64_t now)
{
	s->dump_from = now;
}

void nat_stream_dump_end(struct nat_stream *s, int64_t now)
{
	emit_marker(s, NAT_REC_SYNCED, s->dump_from, now, "dump");
}

void nat_stream_stop_lost(struct nat_stream *s, uint64_t left, bool all, int64_t stopped)
{
	char text[48];

	if (s->gap)
		close_gap(s);
	snprintf(text, sizeof(text), "lost=%s%llu stop", all ? "" : ">", (unsigned long long)left);
	emit_marker(s, NAT_REC_GAP, s->complete_ms, stopped, text);
	s->complete_ms = stopped;
	s->changed = true;
}

void nat_stream_end(struct nat_stream *s, int64_t stopped)
{
	if (s->gap)
		close_gap(s);
	/* the events up to the unsubscription were read (a G says which
	 * were not); after it the kernel sent none */
	s->complete_ms = stopped;
	s->changed = true;
	emit_marker(s, NAT_REC_END, stopped, -1, "stop");
}

size_t nat_stream_state(struct nat_stream *s, char *buf, size_t size)
{
	int n;

	if (s->gap)
		n = snprintf(buf, size, "%lld gap %lld %lld %llu", (long long)s->complete_ms,
			     (long long)s->gap_from, (long long)s->gap_to,
			     (unsigned long long)s->gap_lost);
	else
		n = snprintf(buf, size, "%lld", (long long)s->complete_ms);
	if (n < 0 || (size_t)n >= NAT_STATE_LINE || size < NAT_STATE_LINE)
		return 0;
	memset(buf + n, ' ', NAT_STATE_LINE - 1 - (size_t)n);
	buf[NAT_STATE_LINE - 1] = '\n';
	s->changed = false;
	return NAT_STATE_LINE;
}

static void put_name_part(struct strbuf *sb, const char *part)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)part; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-') {
			sb_putn(sb, (const char *)p, 1);
		} else {
			char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};

			sb_putn(sb, esc, 3);
		}
	}
}

size_t nat_state_name(const char *ruleset, const char *netns, int zone, char *buf, size_t size)
{
	struct strbuf sb;

	sb_init(&sb, buf, size);
	sb_puts(&sb, "imnfct-nat.");
	put_name_part(&sb, ruleset);
	sb_putn(&sb, ".", 1);
	put_name_part(&sb, netns ? netns : "-");
	sb_putn(&sb, ".", 1);
	if (zone < 0)
		sb_puts(&sb, "any");
	else
		sb_dec(&sb, (uint64_t)zone);
	sb_puts(&sb, ".state");
	if (sb.full || sb.len >= size)
		return 0;
	buf[sb.len] = '\0';
	return sb.len;
}
