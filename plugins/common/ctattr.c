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

struct tuple_ctx {
	struct ct_tuple *t;
	unsigned *bad;
};

static int ip_attr_cb(const struct nlattr *a, void *data)
{
	struct tuple_ctx *c = data;
	uint16_t type = mnl_attr_get_type(a);
	size_t len = mnl_attr_get_payload_len(a);
	bool src = type == CTA_IP_V4_SRC || type == CTA_IP_V6_SRC;
	size_t want = (type == CTA_IP_V4_SRC || type == CTA_IP_V4_DST) ? 4 : 16;

	if (type < CTA_IP_V4_SRC || type > CTA_IP_V6_DST)
		return MNL_CB_OK;
	if (len != want) {
		(*c->bad)++;
		return MNL_CB_OK;
	}
	c->t->l3 = want == 4 ? 4 : 6;
	memcpy(src ? c->t->src : c->t->dst, mnl_attr_get_payload(a), want);
	return MNL_CB_OK;
}

static bool attr_ok(const struct nlattr *a, enum mnl_attr_data_type t, unsigned *bad)
{
	if (mnl_attr_validate(a, t) < 0) {
		(*bad)++;
		return false;
	}
	return true;
}

static int proto_attr_cb(const struct nlattr *a, void *data)
{
	struct tuple_ctx *c = data;
	struct ct_tuple *t = c->t;

	switch (mnl_attr_get_type(a)) {
	case CTA_PROTO_NUM:
		if (attr_ok(a, MNL_TYPE_U8, c->bad)) {
			t->has_proto = true;
			t->proto = mnl_attr_get_u8(a);
		}
		break;
	case CTA_PROTO_SRC_PORT:
		if (attr_ok(a, MNL_TYPE_U16, c->bad)) {
			t->has_ports = true;
			t->sport = ntohs(mnl_attr_get_u16(a));
		}
		break;
	case CTA_PROTO_DST_PORT:
		if (attr_ok(a, MNL_TYPE_U16, c->bad)) {
			t->has_ports = true;
			t->dport = ntohs(mnl_attr_get_u16(a));
		}
		break;
	case CTA_PROTO_ICMP_ID:
	case CTA_PROTO_ICMPV6_ID:
		if (attr_ok(a, MNL_TYPE_U16, c->bad)) {
			t->has_icmp = true;
			t->icmp_id = ntohs(mnl_attr_get_u16(a));
		}
		break;
	case CTA_PROTO_ICMP_TYPE:
	case CTA_PROTO_ICMPV6_TYPE:
		if (attr_ok(a, MNL_TYPE_U8, c->bad)) {
			t->has_icmp = true;
			t->icmp_type = mnl_attr_get_u8(a);
		}
		break;
	case CTA_PROTO_ICMP_CODE:
	case CTA_PROTO_ICMPV6_CODE:
		if (attr_ok(a, MNL_TYPE_U8, c->bad)) {
			t->has_icmp = true;
			t->icmp_code = mnl_attr_get_u8(a);
		}
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int tuple_attr_cb(const struct nlattr *a, void *data)
{
	struct tuple_ctx *c = data;

	if (mnl_attr_get_type(a) != CTA_TUPLE_IP && mnl_attr_get_type(a) != CTA_TUPLE_PROTO)
		return MNL_CB_OK;
	if (!attr_ok(a, MNL_TYPE_NESTED, c->bad))
		return MNL_CB_OK;
	if (mnl_attr_parse_nested(
		    a, mnl_attr_get_type(a) == CTA_TUPLE_IP ? ip_attr_cb : proto_attr_cb, c) < 0)
		(*c->bad)++;
	return MNL_CB_OK;
}

static void parse_tuple(const struct nlattr *a, struct ct_tuple *t, unsigned *bad)
{
	struct tuple_ctx c = {t, bad};

	if (mnl_attr_parse_nested(a, tuple_attr_cb, &c) < 0)
		(*bad)++;
}

static int protoinfo_tcp_cb(const struct nlattr *a, void *data)
{
	struct ct_info *ct = data;

	if (mnl_attr_get_type(a) == CTA_PROTOINFO_TCP_STATE &&
	    attr_ok(a, MNL_TYPE_U8, &ct->bad_attrs)) {
		ct->has |= CTH_TCP_STATE;
		ct->tcp_state = mnl_attr_get_u8(a);
	}
	return MNL_CB_OK;
}

static int protoinfo_cb(const struct nlattr *a, void *data)
{
	struct ct_info *ct = data;

	if (mnl_attr_get_type(a) == CTA_PROTOINFO_TCP &&
	    attr_ok(a, MNL_TYPE_NESTED, &ct->bad_attrs))
		mnl_attr_parse_nested(a, protoinfo_tcp_cb, ct);
	return MNL_CB_OK;
}

struct counters_ctx {
	struct ct_counters *c;
	unsigned *bad;
};

static int counters_cb(const struct nlattr *a, void *data)
{
	struct counters_ctx *c = data;
	uint16_t t = mnl_attr_get_type(a);

	if (t != CTA_COUNTERS_PACKETS && t != CTA_COUNTERS_BYTES)
		return MNL_CB_OK;
	if (attr_ok(a, MNL_TYPE_U64, c->bad)) {
		uint64_t v = be64toh(mnl_attr_get_u64(a));

		if (t == CTA_COUNTERS_PACKETS)
			c->c->packets = v;
		else
			c->c->bytes = v;
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
	    attr_ok(a, MNL_TYPE_NUL_STRING, &ct->bad_attrs)) {
		snprintf(ct->helper, sizeof(ct->helper), "%s", mnl_attr_get_str(a));
		ct->has |= CTH_HELPER;
	}
	return MNL_CB_OK;
}

static void parse_counters(const struct nlattr *a, struct ct_info *ct, int dir)
{
	struct counters_ctx c = {&ct->counters[dir], &ct->bad_attrs};

	if (attr_ok(a, MNL_TYPE_NESTED, &ct->bad_attrs) &&
	    mnl_attr_parse_nested(a, counters_cb, &c) >= 0)
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
	case CTA_TUPLE_REPLY:
		if (attr_ok(a, MNL_TYPE_NESTED, &ct->bad_attrs)) {
			bool orig = mnl_attr_get_type(a) == CTA_TUPLE_ORIG;

			parse_tuple(a, orig ? &ct->orig : &ct->reply, &ct->bad_attrs);
			ct->has |= orig ? CTH_ORIG : CTH_REPLY;
		}
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
	case CTA_ZONE:
		if (attr_ok(a, MNL_TYPE_U16, &ct->bad_attrs)) {
			ct->has |= CTH_ZONE;
			ct->zone = ntohs(mnl_attr_get_u16(a));
		}
		break;
	case CTA_PROTOINFO:
		if (attr_ok(a, MNL_TYPE_NESTED, &ct->bad_attrs))
			mnl_attr_parse_nested(a, protoinfo_cb, ct);
		break;
	case CTA_COUNTERS_ORIG:
		parse_counters(a, ct, 0);
		break;
	case CTA_COUNTERS_REPLY:
		parse_counters(a, ct, 1);
		break;
	case CTA_TIMESTAMP:
		if (attr_ok(a, MNL_TYPE_NESTED, &ct->bad_attrs))
			mnl_attr_parse_nested(a, timestamp_cb, ct);
		break;
	case CTA_HELP:
		if (attr_ok(a, MNL_TYPE_NESTED, &ct->bad_attrs))
			mnl_attr_parse_nested(a, help_cb, ct);
		break;
	case CTA_USE:
		get_be32_attr(a, ct, CTH_USE, &ct->use);
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

const char *ct_status_name(unsigned bit)
{
	/* enum ip_conntrack_status bit order */
	static const char *const names[] = {
		"EXPECTED",	"SEEN_REPLY", "ASSURED",       "CONFIRMED",
		"SRC_NAT",	"DST_NAT",    "SEQ_ADJUST",    "SRC_NAT_DONE",
		"DST_NAT_DONE", "DYING",      "FIXED_TIMEOUT", "TEMPLATE",
		"NAT_CLASH",	"HELPER",     "OFFLOAD",       "HW_OFFLOAD",
	};

	return bit < sizeof(names) / sizeof(names[0]) ? names[bit] : NULL;
}

const char *ct_tcp_state_name(uint8_t state)
{
	/* enum tcp_conntrack, as conntrack(8) prints it */
	static const char *const names[] = {
		"NONE",	      "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
		"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",	      "SYN_SENT2",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "UNKNOWN";
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
