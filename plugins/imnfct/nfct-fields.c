/* Field emission for conntrack events. The original tuple is the pre-NAT
 * view; the reply tuple read backwards is the post-NAT one, so SNAT shows in
 * its destination and DNAT in its source (status IPS_SRC_NAT/IPS_DST_NAT). */
#include "nfct-fields.h"

#include <stdio.h>

#include <json.h>

#include "community-id.h"
#include "strbuf.h"

const struct field_desc nfct_fields[NCF_COUNT] = {
#define F(id, ut, uk, et, ek, doc) [NCF_##id] = {#id, {FT_##et, FT_##ut}, {ek, uk}, doc},
#include "nfct-fields.def"
#undef F
};

enum { IPS_SRC_NAT_BIT = 4, IPS_DST_NAT_BIT = 5 };

static const char *transport(uint8_t proto)
{
	switch (proto) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 33:
		return "dccp";
	case 47:
		return "gre";
	case 58:
		return "ipv6-icmp";
	case 132:
		return "sctp";
	case 136:
		return "udplite";
	default:
		return NULL;
	}
}

static void emit_header(struct jemit *e, const struct nfct_record *r, const struct nfct_opts *o)
{
	static const char *const category[] = {"network"};
	static const char *const action[] = {[NFCT_EV_NEW] = "conntrack-new",
					     [NFCT_EV_UPDATE] = "conntrack-update",
					     [NFCT_EV_DESTROY] = "conntrack-destroy"};
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
	je_str(e, NCF_EVENT_ACTION, action[r->ev->type]);
	je_str(e, NCF_EVENT_MODULE, "netfilter");
	je_str(e, NCF_EVENT_DATASET, "netfilter.conntrack");
}

static void emit_tuples(struct jemit *e, const struct ct_info *ct)
{
	const struct ct_tuple *o = &ct->orig, *r = &ct->reply;
	const char *tr;

	if (!(ct->has & CTH_ORIG) || !o->has_proto)
		return;
	je_int(e, NCF_ORIG_PROTO, o->proto);
	if ((tr = transport(o->proto)) != NULL)
		je_str(e, NCF_TRANSPORT, tr);
	je_str(e, NCF_NETWORK_TYPE, o->l3 == 4 ? "ipv4" : "ipv6");
	if (o->has_ports) {
		je_int(e, NCF_ORIG_SPORT, o->sport);
		je_int(e, NCF_ORIG_DPORT, o->dport);
	}
	/* ulogd2 always prints the counters, 0 without nf_conntrack_acct */
	je_int(e, NCF_ORIG_BYTES, (int64_t)ct->counters[0].bytes);
	je_int(e, NCF_ORIG_PACKETS, (int64_t)ct->counters[0].packets);
	if (ct->has & CTH_REPLY && r->has_proto) {
		je_int(e, NCF_REPLY_PROTO, r->proto);
		if (r->has_ports) {
			je_int(e, NCF_REPLY_SPORT, r->sport);
			je_int(e, NCF_REPLY_DPORT, r->dport);
		}
	}
	je_int(e, NCF_REPLY_BYTES, (int64_t)ct->counters[1].bytes);
	je_int(e, NCF_REPLY_PACKETS, (int64_t)ct->counters[1].packets);
	je_int(e, NCF_NETWORK_BYTES, (int64_t)(ct->counters[0].bytes + ct->counters[1].bytes));
	je_int(e, NCF_NETWORK_PACKETS,
	       (int64_t)(ct->counters[0].packets + ct->counters[1].packets));
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
		int64_t ns = ((int64_t)r->end.tv_sec - r->start.tv_sec) * 1000000000 +
			     ((int64_t)r->end.tv_usec - r->start.tv_usec) * 1000;

		je_int(e, NCF_EVENT_DURATION, ns < 0 ? 0 : ns);
	}
}

static void emit_addrs(struct jemit *e, const struct ct_info *ct)
{
	int alen = ct->orig.l3 == 4 ? 4 : 16;

	if (!(ct->has & CTH_ORIG) || ct->orig.l3 == 0)
		return;
	je_addr(e, NCF_SRC_IP, ct->orig.src, alen);
	je_addr(e, NCF_DEST_IP, ct->orig.dst, alen);
	if (!(ct->has & CTH_REPLY) || ct->reply.l3 == 0)
		return;
	je_addr(e, NCF_REPLY_SRC_IP, ct->reply.src, alen);
	je_addr(e, NCF_REPLY_DST_IP, ct->reply.dst, alen);
	if (ct->status & (1u << IPS_SRC_NAT_BIT)) {
		je_addr(e, NCF_SNAT_IP, ct->reply.dst, alen);
		if (ct->reply.has_ports)
			je_int(e, NCF_SNAT_PORT, ct->reply.dport);
	}
	if (ct->status & (1u << IPS_DST_NAT_BIT)) {
		je_addr(e, NCF_DNAT_IP, ct->reply.src, alen);
		if (ct->reply.has_ports)
			je_int(e, NCF_DNAT_PORT, ct->reply.sport);
	}
}

static void emit_community_id(struct jemit *e, const struct ct_info *ct, uint16_t seed)
{
	const struct ct_tuple *o = &ct->orig;
	char cid[COMMUNITY_ID_LEN];
	bool ports = o->has_ports && (o->proto == 6 || o->proto == 17 || o->proto == 132);
	uint16_t sp = o->sport, dp = o->dport;

	if (!je_wanted(e, NCF_COMMUNITY_ID) || !(ct->has & CTH_ORIG) || !o->has_proto || o->l3 == 0)
		return;
	if (o->has_icmp) {
		ports = true;
		sp = o->icmp_type;
		dp = o->icmp_code;
	}
	community_id_v1(seed, o->src, o->dst, o->l3 == 4 ? 4 : 16, o->proto, ports, sp, dp, cid);
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

struct fjson_object *nfct_fields_json(const struct nfct_record *r, const struct nfct_opts *o)
{
	const struct ct_info *ct = &r->ev->ct;
	struct jemit e;

	if (!je_init(&e, nfct_fields, o->schema))
		return NULL;
	emit_header(&e, r, o);
	emit_tuples(&e, ct);
	je_int(&e, NCF_CT_MARK, ct->mark);
	if (ct->has & CTH_ID)
		je_int(&e, NCF_CT_ID, ct->id);
	je_int(&e, NCF_CT_EVENT, r->ev->type);
	emit_times(&e, r);
	je_int(&e, NCF_OOB_FAMILY, r->ev->family);
	je_int(&e, NCF_OOB_PROTOCOL, 0);
	emit_addrs(&e, ct);
	emit_community_id(&e, ct, o->community_id_seed);
	emit_ct(&e, r);
	return e.root;
}

/* Kernel timestamps (nf_conntrack_timestamp=1) win over what we saw. */
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
		r->start = r->now;
		r->has_start = true;
	}
	if (r->ev->type != NFCT_EV_DESTROY)
		return;
	if (ct->has & CTH_STOP)
		tv_from_ns(&r->end, ct->stop_ns);
	else
		r->end = r->now;
	r->has_end = true;
}
