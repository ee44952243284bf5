/* SPDX-License-Identifier: Apache-2.0 */
/* Conntrack attributes (CTA_*, linux/netfilter/nfnetlink_conntrack.h) as a
 * plain struct: the NFULA_CT of a logged packet, and ctnetlink events.
 * Everything conntrack(8) prints is kept, so imnfct writes its line from
 * this struct alone (libnetfilter_conntrack ends the process on an
 * attribute it cannot validate: it never sees our input). */
#ifndef CTATTR_H
#define CTATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "safetext.h"

struct nlattr;

enum ct_has {
	CTH_ORIG = 1u << 0,
	CTH_REPLY = 1u << 1,
	CTH_STATUS = 1u << 2,
	CTH_ID = 1u << 3,
	CTH_MARK = 1u << 4,
	CTH_ZONE = 1u << 5,
	CTH_TIMEOUT = 1u << 6,
	CTH_TCP_STATE = 1u << 7,
	CTH_COUNTERS = 1u << 8,
	CTH_START = 1u << 9,
	CTH_STOP = 1u << 10,
	CTH_HELPER = 1u << 11,
	CTH_USE = 1u << 12,
	CTH_LABELS = 1u << 13,
	CTH_SCTP_STATE = 1u << 14,
	CTH_DCCP_STATE = 1u << 15,
	CTH_SECMARK = 1u << 16,
	CTH_SECCTX = 1u << 17,
	CTH_EVENT_TIME = 1u << 18,
};

/* IPS_* status bits used here (linux/netfilter/nf_conntrack_common.h) */
enum {
	CT_SEEN_REPLY = 1u << 1,
	CT_ASSURED = 1u << 2,
	CT_SRC_NAT = 1u << 4,
	CT_DST_NAT = 1u << 5,
	CT_OFFLOAD = 1u << 14,
	CT_HW_OFFLOAD = 1u << 15,
};

struct ct_tuple {
	uint8_t l3; /* 4 or 6: the family of its addresses, 0 if none came */
	bool has_src, has_dst;
	uint8_t src[16], dst[16];
	bool has_proto;
	uint8_t proto;
	bool has_ports; /* TCP, UDP, SCTP, DCCP ports; GRE keys */
	uint16_t sport, dport;
	bool has_icmp;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id;
	bool has_zone;
	uint16_t zone;
};

struct ct_counters {
	bool packets_set, bytes_set;
	uint64_t packets, bytes;
};

#define CT_HELPER_MAX 15 /* NF_CT_HELPER_NAME_LEN 16, NUL included */
#define CT_SECCTX_MAX 255

struct ct_info {
	unsigned has; /* enum ct_has */
	struct ct_tuple orig, reply;
	uint32_t status, id, mark, timeout, use, secmark;
	uint16_t zone;
	uint8_t tcp_state, sctp_state, dccp_state;
	struct ct_counters counters[2]; /* original, reply direction */
	uint64_t start_ns, stop_ns;	/* CLOCK_REALTIME, nf_conntrack_timestamp */
	uint64_t event_ns;		/* CLOCK_REALTIME: when the kernel made the event */
	char helper[SAFE_TEXT_SIZE(CT_HELPER_MAX)]; /* escaped (safetext.h) */
	char secctx[SAFE_TEXT_SIZE(CT_SECCTX_MAX)];
	uint8_t labels[16]; /* connlabel bits (128) */
	unsigned bad_attrs;
};

/* Parse a stream of CTA_* attributes (payload of NFULA_CT or of a ctnetlink
 * message after its nfgenmsg). Unknown attributes are skipped; malformed
 * ones, cut tails and addresses of the wrong family are counted in
 * bad_attrs and left out. */
void ct_parse(const void *attrs, size_t len, struct ct_info *ct);

/* IPS_* status bits by name, e.g. "SRC_NAT" (linux/netfilter/nf_conntrack_common.h). */
const char *ct_status_name(unsigned bit);
/* States as conntrack(8) prints them (libnetfilter_conntrack snprintf.c). */
const char *ct_tcp_state_name(uint8_t state);
const char *ct_sctp_state_name(uint8_t state);
const char *ct_dccp_state_name(uint8_t state);
/* enum ip_conntrack_info as the kernel LOG/nft "ct state" words. */
const char *ct_ctinfo_name(uint32_t ctinfo);

#endif
