/* Conntrack attributes (CTA_*, linux/netfilter/nfnetlink_conntrack.h) as a
 * plain struct: the NFULA_CT of a logged packet, and later ctnetlink events. */
#ifndef CTATTR_H
#define CTATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
};

struct ct_tuple {
	uint8_t l3; /* 4 or 6: address length 4 or 16 */
	uint8_t src[16], dst[16];
	bool has_proto;
	uint8_t proto;
	bool has_ports;
	uint16_t sport, dport;
	bool has_icmp;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id;
};

struct ct_counters {
	uint64_t packets, bytes;
};

struct ct_info {
	unsigned has; /* enum ct_has */
	struct ct_tuple orig, reply;
	uint32_t status, id, mark, timeout, use;
	uint16_t zone;
	uint8_t tcp_state;
	struct ct_counters counters[2]; /* original, reply direction */
	uint64_t start_ns, stop_ns;	/* CLOCK_REALTIME, nf_conntrack_timestamp */
	char helper[32];
	uint8_t labels[16]; /* connlabel bits (128) */
	unsigned bad_attrs;
};

/* Parse a stream of CTA_* attributes (payload of NFULA_CT or of a ctnetlink
 * message after its nfgenmsg). Unknown attributes are skipped. */
void ct_parse(const void *attrs, size_t len, struct ct_info *ct);

/* IPS_* status bits by name, e.g. "SRC_NAT" (linux/netfilter/nf_conntrack_common.h). */
const char *ct_status_name(unsigned bit);
const char *ct_tcp_state_name(uint8_t state);
/* enum ip_conntrack_info as the kernel LOG/nft "ct state" words. */
const char *ct_ctinfo_name(uint32_t ctinfo);

#endif
