/* SPDX-License-Identifier: Apache-2.0 */
#include "nfct-nat.h"

#include <arpa/inet.h>
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

size_t nat_event_record(const struct nfct_record *r, bool existing, char *buf, size_t size)
{
	struct nat_map m;

	if (!nat_map_of(&r->ev->ct, &m))
		return 0;
	if (existing)
		return nat_record(NAT_REC_ALIVE,
				  (r->ev->ct.has & CTH_START) ? nat_ms(&r->start) : -1,
				  nat_ms(&r->now), &m, buf, size);
	switch (r->ev->type) {
	case NFCT_EV_NEW:
		return nat_record(NAT_REC_OPEN, r->has_start ? nat_ms(&r->start) : -1, -1, &m, buf,
				  size);
	case NFCT_EV_DESTROY:
		return nat_record(NAT_REC_CLOSE, r->has_start ? nat_ms(&r->start) : -1,
				  nat_ms(&r->end), &m, buf, size);
	default:
		return 0;
	}
}
