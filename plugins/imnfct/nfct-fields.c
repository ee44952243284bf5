/* SPDX-License-Identifier: Apache-2.0 */
/* Field emission for conntrack events. The original tuple is the pre-NAT
 * view; the reply tuple read backwards is the post-NAT one, so SNAT shows in
 * its destination and DNAT in its source (status IPS_SRC_NAT/IPS_DST_NAT). */
#include "nfct-fields.h"

#include <stdint.h>
#include <stdio.h>

#include <json.h>

#include "community-id.h"
#include "ipproto.h"
#include "strbuf.h"

const struct field_desc nfct_fields[NCF_COUNT] = {
#define F(id, ut, uk, et, ek, doc) [NCF_##id] = {#id, {FT_##et, FT_##ut}, {ek, uk}, doc},
#include "nfct-fields.def"
#undef F
};

struct field_table nfct_table = {nfct_fields, NCF_COUNT, 0, {{0}}};

static void emit_header(struct jemit *e, const struct nfct_record *r, const struct nfct_opts *o)
{
	static const char *const category[] = {"network"};
	static const char *const phase[] = {
		[NFCT_EV_NEW] = "start", [NFCT_EV_UPDATE] = "change", [NFCT_EV_DESTROY] = "end"};
	const char *type[2] = {"connection", phase[r->ev->type]};

	je_timestamp(e, NCF_TIMESTAMP, &r->now, e->schema == NF_SCHEMA_ECS);
	if (o->device)
		je_str(e, NCF_DVC, o->device);
	je_str(e, NCF_ECS_VERSION, "8.11.0");
	je_str(e, NCF_EVENT_KIND, "event");
	je_list(e, NCF_EVENT_CATEGORY, category, 1);
	je_list(e, NCF_EVENT_TYPE, type, 2);
	je_str(e, NCF_EVENT_ACTION, nfct_event_action(r->ev->type));
	je_str(e, NCF_EVENT_MODULE, "netfilter");
	je_str(e, NCF_EVENT_DATASET, "netfilter.conntrack");
}

/* Both directions' sum, which two counters near 2^64 would wrap: the
 * largest value instead. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void emit_tuples(struct jemit *e, const struct ct_info *ct)
{
	const struct ct_tuple *o = &ct->orig, *r = &ct->reply;
	const char *tr;

	if (!(ct->has & CTH_ORIG) || !o->has_proto)
		return;
	je_int(e, NCF_ORIG_PROTO, o->proto);
	if ((tr = ip_proto_name(o->proto)) != NULL)
		je_str(e, NCF_TRANSPORT, tr);
	je_str(e, NCF_NETWORK_TYPE, o->l3 == 4 ? "ipv4" : "ipv6");
	if (o->has_ports) {
		je_int(e, NCF_ORIG_SPORT, o->sport);
		je_int(e, NCF_ORIG_DPORT, o->dport);
	}
	/* ulogd2 always prints the counters, 0 without nf_conntrack_acct */
	je_uint(e, NCF_ORIG_BYTES, ct->counters[0].bytes);
	je_uint(e, NCF_ORIG_PACKETS, ct->counters[0].packets);
	if (ct->has & CTH_REPLY && r->has_proto) {
		je_int(e, NCF_REPLY_PROTO, r->proto);
		if (r->has_ports) {
			je_int(e, NCF_REPLY_SPORT, r->sport);
			je_int(e, NCF_REPLY_DPORT, r->dport);
		}
	}
	je_uint(e, NCF_REPLY_BYTES, ct->counters[1].bytes);
	je_uint(e, NCF_REPLY_PACKETS, ct->counters[1].packets);
	je_uint(e, NCF_NETWORK_BYTES, sat_add(ct->counters[0].bytes, ct->counters[1].bytes));
	je_uint(e, NCF_NETWORK_PACKETS, sat_add(ct->counters[0].packets, ct->counters[1].packets));
	/* ulogd2 2.0.8 has keys for ICMP (not ICMPv6) only */
	if (o->has_icmp && (e->schema == NF_SCHEMA_ECS || o->proto == 1)) {
		je_int(e, NCF_ICMP_CODE, o->icmp_code);
		je_int(e, NCF_ICMP_TYPE, o->icmp_type);
		je_int(e, NCF_ICMP_ID, o->icmp_id);
	}
}

static void tv_from_ns(struct timeval *tv, uint64_t ns)
{
	tv->tv_sec = (time_t)(ns / 1000000000u);
	tv->tv_usec = (suseconds_t)(ns % 1000000000u / 1000u);
}

/* end - start in nanoseconds; 0 when the clock went back. An int64 holds
 * 292 years of them: a longer span is no flow's, and is left out. */
static bool duration_ns(const struct timeval *start, const struct timeval *end, int64_t *ns)
{
	int64_t s = (int64_t)end->tv_sec - (int64_t)start->tv_sec;
	int64_t us = (int64_t)end->tv_usec - (int64_t)start->tv_usec;

	if (s < 0 || (s == 0 && us < 0)) {
		*ns = 0;
		return true;
	}
	if (s >= INT64_MAX / 1000000000 - 1)
		return false;
	*ns = s * 1000000000 + us * 1000;
	return true;
}

static void emit_times(struct jemit *e, const struct nfct_record *r)
{
	if (r->has_start) {
		je_int(e, NCF_FLOW_START_SEC, r->start.tv_sec);
		je_int(e, NCF_FLOW_START_USEC, r->start.tv_usec);
		je_timestamp(e, NCF_EVENT_START, &r->start, true);
	}
	if (r->has_end) {
		je_int(e, NCF_FLOW_END_SEC, r->end.tv_sec);
		je_int(e, NCF_FLOW_END_USEC, r->end.tv_usec);
		je_timestamp(e, NCF_EVENT_END, &r->end, true);
	}
	if (r->has_start && r->has_end) {
		int64_t ns;

		if (duration_ns(&r->start, &r->end, &ns))
			je_int(e, NCF_EVENT_DURATION, ns);
	}
}

/* A tuple's addresses: both came, of one family (ct_parse checks). */
static bool tuple_addrs(const struct ct_tuple *t, int *alen)
{
	*alen = t->l3 == 4 ? 4 : 16;
	return t->l3 != 0 && t->has_src && t->has_dst;
}

static void emit_addrs(struct jemit *e, const struct ct_info *ct)
{
	const struct ct_tuple *r = &ct->reply;
	int alen, rlen;

	if (!(ct->has & CTH_ORIG) || !tuple_addrs(&ct->orig, &alen))
		return;
	je_addr(e, NCF_SRC_IP, ct->orig.src, alen);
	je_addr(e, NCF_DEST_IP, ct->orig.dst, alen);
	if (!(ct->has & CTH_REPLY) || !tuple_addrs(r, &rlen))
		return;
	je_addr(e, NCF_REPLY_SRC_IP, r->src, rlen);
	je_addr(e, NCF_REPLY_DST_IP, r->dst, rlen);
	if (ct->status & CT_SRC_NAT) {
		je_addr(e, NCF_SNAT_IP, r->dst, rlen);
		if (r->has_ports)
			je_int(e, NCF_SNAT_PORT, r->dport);
	}
	if (ct->status & CT_DST_NAT) {
		je_addr(e, NCF_DNAT_IP, r->src, rlen);
		if (r->has_ports)
			je_int(e, NCF_DNAT_PORT, r->sport);
	}
}

static void emit_community_id(struct jemit *e, const struct ct_info *ct,
			      const struct nfct_opts *opt)
{
	const struct ct_tuple *o = &ct->orig;
	char cid[COMMUNITY_ID_LEN];
	bool ports = o->has_ports && (o->proto == 6 || o->proto == 17 || o->proto == 132);
	uint16_t sp = o->sport, dp = o->dport;
	int alen;

	if (!opt->community_id || !je_wanted(e, NCF_COMMUNITY_ID) || !(ct->has & CTH_ORIG) ||
	    !o->has_proto || !tuple_addrs(o, &alen))
		return;
	if (o->has_icmp) {
		ports = true;
		sp = o->icmp_type;
		dp = o->icmp_code;
	}
	community_id_v1(opt->community_id_seed, o->src, o->dst, (size_t)alen, o->proto, ports, sp,
			dp, cid);
	je_str(e, NCF_COMMUNITY_ID, cid);
}

static void emit_ct(struct jemit *e, const struct nfct_record *r)
{
	const struct ct_info *ct = &r->ev->ct;
	const char *status[16];
	size_t n = 0;

	if (ct->has & CTH_ZONE)
		je_int(e, NCF_CT_ZONE, ct->zone);
	if (ct->has & CTH_LABELS)
		je_hex(e, NCF_CT_LABELS, ct->labels, sizeof(ct->labels));
	if (ct->has & CTH_STATUS) {
		for (unsigned b = 0; b < 16; b++)
			if ((ct->status & (1u << b)) && ct_status_name(b))
				status[n++] = ct_status_name(b);
		je_list(e, NCF_CT_STATUS, status, n);
	}
	if (ct->has & CTH_TCP_STATE)
		je_str(e, NCF_CT_TCP_STATE, ct_tcp_state_name(ct->tcp_state));
	if (ct->has & CTH_TIMEOUT)
		je_int(e, NCF_CT_TIMEOUT, ct->timeout);
	if (ct->has & CTH_HELPER)
		je_str(e, NCF_CT_HELPER, ct->helper);
	if (ct->has & CTH_USE)
		je_int(e, NCF_CT_USE, ct->use);
	if (r->ev->portid)
		je_int(e, NCF_CT_PORTID, r->ev->portid);
}

static void emit_all(struct jemit *e, const struct nfct_record *r, const struct nfct_opts *o)
{
	const struct ct_info *ct = &r->ev->ct;

	emit_header(e, r, o);
	emit_tuples(e, ct);
	je_int(e, NCF_CT_MARK, ct->mark);
	if (ct->has & CTH_ID)
		je_int(e, NCF_CT_ID, ct->id);
	je_int(e, NCF_CT_EVENT, r->ev->type);
	emit_times(e, r);
	je_int(e, NCF_OOB_FAMILY, r->ev->family);
	je_int(e, NCF_OOB_PROTOCOL, 0);
	emit_addrs(e, ct);
	emit_community_id(e, ct, o);
	emit_ct(e, r);
}

struct fjson_object *nfct_fields_json(const struct nfct_record *r, const struct nfct_opts *o)
{
	struct jemit e;

	if (!je_init(&e, &nfct_table, o->schema, o->select))
		return NULL;
	emit_all(&e, r, o);
	return e.root;
}

size_t nfct_fields_text(const struct nfct_record *r, const struct nfct_opts *o, char *buf,
			size_t size, bool *complete)
{
	struct je_text t;
	struct jemit e;

	je_init_text(&e, &nfct_table, o->schema, &t);
	emit_all(&e, r, o);
	return je_render(&e, buf, size, complete);
}

/* Kernel timestamps (nf_conntrack_timestamp=1) win over what we saw: the
 * flow's start and stop, else the event's own time (CTA_TIMESTAMP_EVENT). */
void nfct_record_times(struct nfct_record *r, bool have_seen_start, const struct timeval *seen)
{
	const struct ct_info *ct = &r->ev->ct;

	r->has_start = r->has_end = false;
	if (ct->has & CTH_START) {
		tv_from_ns(&r->start, ct->start_ns);
		r->has_start = true;
	} else if (have_seen_start) {
		r->start = *seen;
		r->has_start = true;
	} else if (r->ev->type == NFCT_EV_NEW) {
		if (ct->has & CTH_EVENT_TIME)
			tv_from_ns(&r->start, ct->event_ns);
		else
			r->start = r->now;
		r->has_start = true;
	}
	if (r->ev->type != NFCT_EV_DESTROY)
		return;
	if (ct->has & CTH_STOP)
		tv_from_ns(&r->end, ct->stop_ns);
	else if (ct->has & CTH_EVENT_TIME)
		tv_from_ns(&r->end, ct->event_ns);
	else
		r->end = r->now;
	r->has_end = true;
}
