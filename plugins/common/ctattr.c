/* SPDX-License-Identifier: Apache-2.0 */
/* Conntrack attribute parsing with libmnl: validate each attribute's type
 * and length before use, skip what we do not know, count what is malformed.
 * Layout: include/uapi/linux/netfilter/nfnetlink_conntrack.h. */
#include "ctattr.h"

#include "nlwalk.h"

#include <arpa/inet.h>
#include <endian.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

/* the kernel's time of an event, Linux 6.14 ("netfilter: conntrack: add
 * conntrack event timestamp"): after CTA_STATUS_MASK in enum ctattr_type,
 * newer than the headers of Debian 12 and 13 */
#ifndef CTA_TIMESTAMP_EVENT
#define CTA_TIMESTAMP_EVENT (CTA_STATUS_MASK + 1)
#endif

struct tuple_ctx {
	struct ct_tuple *t;
	unsigned *bad;
};

static bool attr_ok(const struct nlattr *a, enum mnl_attr_data_type t, unsigned *bad)
{
	if (mnl_attr_validate(a, t) < 0) {
		(*bad)++;
		return false;
	}
	return true;
}

/* Walk a nested attribute, counting a cut or malformed tail. Returns
 * false when a is no nest at all. */
static bool walk_nested(const struct nlattr *a, mnl_attr_cb_t cb, void *data, unsigned *bad)
{
	if (!attr_ok(a, MNL_TYPE_NESTED, bad))
		return false;
	if (!nl_walk_nested(a, cb, data))
		(*bad)++;
	return true;
}

/* A copy of a string attribute, escaped; the kernel sends it NUL-terminated. */
static bool get_string(const struct nlattr *a, char *out, size_t size, size_t max, unsigned *bad)
{
	size_t n;

	if (!attr_ok(a, MNL_TYPE_NUL_STRING, bad))
		return false;
	n = strnlen(mnl_attr_get_str(a), mnl_attr_get_payload_len(a));
	if (n > max) {
		(*bad)++;
		n = max;
	}
	safe_text(out, size, mnl_attr_get_str(a), n);
	return true;
}

/* CTA_IP_V4_* and CTA_IP_V6_*: both addresses of a tuple are of one family. */
static int ip_attr_cb(const struct nlattr *a, void *data)
{
	struct tuple_ctx *c = data;
	uint16_t type = mnl_attr_get_type(a);
	bool v4 = type == CTA_IP_V4_SRC || type == CTA_IP_V4_DST;
	bool src = type == CTA_IP_V4_SRC || type == CTA_IP_V6_SRC;
	uint8_t l3 = v4 ? 4 : 6;
	size_t alen = v4 ? 4 : 16;

	if (type < CTA_IP_V4_SRC || type > CTA_IP_V6_DST)
		return MNL_CB_OK;
	if (mnl_attr_get_payload_len(a) != alen || (c->t->l3 && c->t->l3 != l3)) {
		(*c->bad)++;
		return MNL_CB_OK;
	}
	c->t->l3 = l3;
	memcpy(src ? c->t->src : c->t->dst, mnl_attr_get_payload(a), alen);
	if (src)
		c->t->has_src = true;
	else
		c->t->has_dst = true;
	return MNL_CB_OK;
}

static bool get_u16_attr(const struct nlattr *a, uint16_t *v, unsigned *bad)
{
	if (!attr_ok(a, MNL_TYPE_U16, bad))
		return false;
	*v = ntohs(mnl_attr_get_u16(a));
	return true;
}

static bool get_u8_attr(const struct nlattr *a, uint8_t *v, unsigned *bad)
{
	if (!attr_ok(a, MNL_TYPE_U8, bad))
		return false;
	*v = mnl_attr_get_u8(a);
	return true;
}

static int proto_attr_cb(const struct nlattr *a, void *data)
{
	struct tuple_ctx *c = data;
	struct ct_tuple *t = c->t;

	switch (mnl_attr_get_type(a)) {
	case CTA_PROTO_NUM:
		t->has_proto |= get_u8_attr(a, &t->proto, c->bad);
		break;
	case CTA_PROTO_SRC_PORT:
		t->has_ports |= get_u16_attr(a, &t->sport, c->bad);
		break;
	case CTA_PROTO_DST_PORT:
		t->has_ports |= get_u16_attr(a, &t->dport, c->bad);
		break;
	case CTA_PROTO_ICMP_ID:
	case CTA_PROTO_ICMPV6_ID:
		t->has_icmp |= get_u16_attr(a, &t->icmp_id, c->bad);
		break;
	case CTA_PROTO_ICMP_TYPE:
	case CTA_PROTO_ICMPV6_TYPE:
		t->has_icmp |= get_u8_attr(a, &t->icmp_type, c->bad);
		break;
	case CTA_PROTO_ICMP_CODE:
	case CTA_PROTO_ICMPV6_CODE:
		t->has_icmp |= get_u8_attr(a, &t->icmp_code, c->bad);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int tuple_attr_cb(const struct nlattr *a, void *data)
{
	struct tuple_ctx *c = data;

	switch (mnl_attr_get_type(a)) {
	case CTA_TUPLE_IP:
		walk_nested(a, ip_attr_cb, c, c->bad);
		break;
	case CTA_TUPLE_PROTO:
		walk_nested(a, proto_attr_cb, c, c->bad);
		break;
	case CTA_TUPLE_ZONE:
		c->t->has_zone |= get_u16_attr(a, &c->t->zone, c->bad);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int protoinfo_tcp_cb(const struct nlattr *a, void *data)
{
	struct ct_info *ct = data;

	if (mnl_attr_get_type(a) == CTA_PROTOINFO_TCP_STATE &&
	    get_u8_attr(a, &ct->tcp_state, &ct->bad_attrs))
		ct->has |= CTH_TCP_STATE;
	return MNL_CB_OK;
}

static int protoinfo_sctp_cb(const struct nlattr *a, void *data)
{
	struct ct_info *ct = data;

	if (mnl_attr_get_type(a) == CTA_PROTOINFO_SCTP_STATE &&
	    get_u8_attr(a, &ct->sctp_state, &ct->bad_attrs))
		ct->has |= CTH_SCTP_STATE;
	return MNL_CB_OK;
}

static int protoinfo_dccp_cb(const struct nlattr *a, void *data)
{
	struct ct_info *ct = data;

	if (mnl_attr_get_type(a) == CTA_PROTOINFO_DCCP_STATE &&
	    get_u8_attr(a, &ct->dccp_state, &ct->bad_attrs))
		ct->has |= CTH_DCCP_STATE;
	return MNL_CB_OK;
}

static int protoinfo_cb(const struct nlattr *a, void *data)
{
	struct ct_info *ct = data;

	switch (mnl_attr_get_type(a)) {
	case CTA_PROTOINFO_TCP:
		walk_nested(a, protoinfo_tcp_cb, ct, &ct->bad_attrs);
		break;
	case CTA_PROTOINFO_SCTP:
		walk_nested(a, protoinfo_sctp_cb, ct, &ct->bad_attrs);
		break;
	case CTA_PROTOINFO_DCCP:
		walk_nested(a, protoinfo_dccp_cb, ct, &ct->bad_attrs);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

struct counters_ctx {
	struct ct_counters *c;
	unsigned *bad;
};

/* 64-bit counters; the 32-bit ones of old kernels count as well. */
static int counters_cb(const struct nlattr *a, void *data)
{
	struct counters_ctx *c = data;
	uint16_t t = mnl_attr_get_type(a);
	bool wide = t == CTA_COUNTERS_PACKETS || t == CTA_COUNTERS_BYTES;
	uint64_t v;

	if (t < CTA_COUNTERS_PACKETS || t > CTA_COUNTERS32_BYTES ||
	    !attr_ok(a, wide ? MNL_TYPE_U64 : MNL_TYPE_U32, c->bad))
		return MNL_CB_OK;
	v = wide ? be64toh(mnl_attr_get_u64(a)) : ntohl(mnl_attr_get_u32(a));
	if (t == CTA_COUNTERS_PACKETS || t == CTA_COUNTERS32_PACKETS) {
		c->c->packets = v;
		c->c->packets_set = true;
	} else {
		c->c->bytes = v;
		c->c->bytes_set = true;
	}
	return MNL_CB_OK;
}

static int timestamp_cb(const struct nlattr *a, void *data)
{
	struct ct_info *ct = data;
	uint16_t t = mnl_attr_get_type(a);

	if ((t != CTA_TIMESTAMP_START && t != CTA_TIMESTAMP_STOP) ||
	    !attr_ok(a, MNL_TYPE_U64, &ct->bad_attrs))
		return MNL_CB_OK;
	if (t == CTA_TIMESTAMP_START) {
		ct->start_ns = be64toh(mnl_attr_get_u64(a));
		ct->has |= CTH_START;
	} else {
		ct->stop_ns = be64toh(mnl_attr_get_u64(a));
		ct->has |= CTH_STOP;
	}
	return MNL_CB_OK;
}

static int help_cb(const struct nlattr *a, void *data)
{
	struct ct_info *ct = data;

	if (mnl_attr_get_type(a) == CTA_HELP_NAME &&
	    get_string(a, ct->helper, sizeof(ct->helper), CT_HELPER_MAX, &ct->bad_attrs))
		ct->has |= CTH_HELPER;
	return MNL_CB_OK;
}

static int secctx_cb(const struct nlattr *a, void *data)
{
	struct ct_info *ct = data;

	if (mnl_attr_get_type(a) == CTA_SECCTX_NAME &&
	    get_string(a, ct->secctx, sizeof(ct->secctx), CT_SECCTX_MAX, &ct->bad_attrs))
		ct->has |= CTH_SECCTX;
	return MNL_CB_OK;
}

static void parse_tuple(const struct nlattr *a, struct ct_info *ct, bool orig)
{
	struct tuple_ctx c = {orig ? &ct->orig : &ct->reply, &ct->bad_attrs};

	if (walk_nested(a, tuple_attr_cb, &c, &ct->bad_attrs))
		ct->has |= orig ? CTH_ORIG : CTH_REPLY;
}

static void parse_counters(const struct nlattr *a, struct ct_info *ct, int dir)
{
	struct counters_ctx c = {&ct->counters[dir], &ct->bad_attrs};

	walk_nested(a, counters_cb, &c, &ct->bad_attrs);
	if (c.c->packets_set || c.c->bytes_set)
		ct->has |= CTH_COUNTERS;
}

static void get_be32_attr(const struct nlattr *a, struct ct_info *ct, unsigned flag, uint32_t *v)
{
	if (attr_ok(a, MNL_TYPE_U32, &ct->bad_attrs)) {
		ct->has |= flag;
		*v = ntohl(mnl_attr_get_u32(a));
	}
}

static int ct_attr_cb(const struct nlattr *a, void *data)
{
	struct ct_info *ct = data;

	switch (mnl_attr_get_type(a)) {
	case CTA_TUPLE_ORIG:
		parse_tuple(a, ct, true);
		break;
	case CTA_TUPLE_REPLY:
		parse_tuple(a, ct, false);
		break;
	case CTA_STATUS:
		get_be32_attr(a, ct, CTH_STATUS, &ct->status);
		break;
	case CTA_ID:
		get_be32_attr(a, ct, CTH_ID, &ct->id);
		break;
	case CTA_MARK:
		get_be32_attr(a, ct, CTH_MARK, &ct->mark);
		break;
	case CTA_TIMEOUT:
		get_be32_attr(a, ct, CTH_TIMEOUT, &ct->timeout);
		break;
	case CTA_SECMARK:
		get_be32_attr(a, ct, CTH_SECMARK, &ct->secmark);
		break;
	case CTA_USE:
		get_be32_attr(a, ct, CTH_USE, &ct->use);
		break;
	case CTA_ZONE:
		if (get_u16_attr(a, &ct->zone, &ct->bad_attrs))
			ct->has |= CTH_ZONE;
		break;
	case CTA_PROTOINFO:
		walk_nested(a, protoinfo_cb, ct, &ct->bad_attrs);
		break;
	case CTA_COUNTERS_ORIG:
		parse_counters(a, ct, 0);
		break;
	case CTA_COUNTERS_REPLY:
		parse_counters(a, ct, 1);
		break;
	case CTA_TIMESTAMP:
		walk_nested(a, timestamp_cb, ct, &ct->bad_attrs);
		break;
	case CTA_TIMESTAMP_EVENT:
		if (attr_ok(a, MNL_TYPE_U64, &ct->bad_attrs)) {
			ct->event_ns = be64toh(mnl_attr_get_u64(a));
			ct->has |= CTH_EVENT_TIME;
		}
		break;
	case CTA_HELP:
		walk_nested(a, help_cb, ct, &ct->bad_attrs);
		break;
	case CTA_SECCTX:
		walk_nested(a, secctx_cb, ct, &ct->bad_attrs);
		break;
	case CTA_LABELS:
		if (mnl_attr_get_payload_len(a) <= sizeof(ct->labels)) {
			memcpy(ct->labels, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
			ct->has |= CTH_LABELS;
		} else {
			ct->bad_attrs++;
		}
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

void ct_parse(const void *attrs, size_t len, struct ct_info *ct)
{
	memset(ct, 0, sizeof(*ct));
	if (!nl_walk(attrs, len, ct_attr_cb, ct))
		ct->bad_attrs++;
}

static const char *name_of(const char *const *names, size_t n, unsigned i, const char *fallback)
{
	return i < n && names[i] ? names[i] : fallback;
}

#define NAME_OF(names, i, fallback) name_of(names, sizeof(names) / sizeof(names[0]), i, fallback)

const char *ct_status_name(unsigned bit)
{
	/* enum ip_conntrack_status bit order */
	static const char *const names[] = {
		"EXPECTED",	"SEEN_REPLY", "ASSURED",       "CONFIRMED",
		"SRC_NAT",	"DST_NAT",    "SEQ_ADJUST",    "SRC_NAT_DONE",
		"DST_NAT_DONE", "DYING",      "FIXED_TIMEOUT", "TEMPLATE",
		"NAT_CLASH",	"HELPER",     "OFFLOAD",       "HW_OFFLOAD",
	};

	return NAME_OF(names, bit, NULL);
}

/* Unknown states print as the state NONE, as libnetfilter_conntrack does. */
const char *ct_tcp_state_name(uint8_t state)
{
	/* enum tcp_conntrack */
	static const char *const names[] = {
		"NONE",	      "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
		"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",	      "SYN_SENT2",
	};

	return NAME_OF(names, state, "NONE");
}

const char *ct_sctp_state_name(uint8_t state)
{
	/* enum sctp_conntrack */
	static const char *const names[] = {
		"NONE",		  "CLOSED",	     "COOKIE_WAIT",   "COOKIE_ECHOED",
		"ESTABLISHED",	  "SHUTDOWN_SENT",   "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
		"HEARTBEAT_SENT", "HEARTBEAT_ACKED",
	};

	return NAME_OF(names, state, "NONE");
}

const char *ct_dccp_state_name(uint8_t state)
{
	/* enum ct_dccp_states */
	static const char *const names[] = {
		"NONE",	    "REQUEST", "RESPOND",  "PARTOPEN", "OPEN",
		"CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE",   "INVALID",
	};

	return NAME_OF(names, state, "NONE");
}

const char *ct_ctinfo_name(uint32_t ctinfo)
{
	/* enum ip_conntrack_info: ESTABLISHED, RELATED, NEW, ESTABLISHED_REPLY,
	 * RELATED_REPLY (include/uapi/linux/netfilter/nf_conntrack_common.h) */
	switch (ctinfo) {
	case 0:
	case 3:
		return "established";
	case 1:
	case 4:
		return "related";
	case 2:
		return "new";
	case 7:
		return "untracked";
	default:
		return "invalid";
	}
}
