/* SPDX-License-Identifier: Apache-2.0 */
/* Parse one NFULNL_MSG_PACKET netlink message into plain metadata.
 * Attributes are validated before use (libmnl style); a malformed attribute
 * is skipped and counted, never fatal. */
#ifndef NFLOG_MSG_H
#define NFLOG_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "ctattr.h"
#include "safetext.h"

struct nlmsghdr;

enum nflog_has {
	NFM_MARK = 1u << 0,
	NFM_TIMESTAMP = 1u << 1,
	NFM_INDEV = 1u << 2,
	NFM_OUTDEV = 1u << 3,
	NFM_PHYSINDEV = 1u << 4,
	NFM_PHYSOUTDEV = 1u << 5,
	NFM_HWADDR = 1u << 6,
	NFM_HWTYPE = 1u << 7,
	NFM_HWHEADER = 1u << 8,
	NFM_PREFIX = 1u << 9,
	NFM_UID = 1u << 10,
	NFM_GID = 1u << 11,
	NFM_SEQ = 1u << 12,
	NFM_SEQ_GLOBAL = 1u << 13,
	NFM_CT = 1u << 14,
	NFM_CT_INFO = 1u << 15,
	NFM_VLAN = 1u << 16,
	NFM_PAYLOAD = 1u << 17,
};

#define NFLOG_PREFIX_MAX 127 /* NF_LOG_PREFIXLEN 128, NUL included */
/* The longest link-layer header a Linux device declares (LL_MAX_HEADER):
 * what NFLOG sends is the device's hard_header_len, and the kernel's LOG
 * line prints exactly that many bytes. A longer HWHEADER is cut to it. */
#define NFLOG_HWHEADER_MAX 128

struct nflog_meta {
	unsigned has; /* enum nflog_has */
	uint8_t family;
	uint16_t group;
	uint16_t hw_protocol;
	uint8_t hook;
	uint32_t mark, indev, outdev, physindev, physoutdev;
	uint32_t uid, gid, seq, seq_global, ct_info;
	int64_t ts_sec, ts_usec;
	uint16_t hwtype, hwlen;
	uint8_t hwaddr_len;
	uint8_t hwaddr[8];
	const uint8_t *hwheader;
	size_t hwheader_len;
	const uint8_t *payload;
	size_t payload_len;
	char prefix[SAFE_TEXT_SIZE(NFLOG_PREFIX_MAX)]; /* escaped (safetext.h) */
	uint16_t vlan_proto, vlan_tci;
	struct ct_info ct;
	unsigned bad_attrs; /* attributes that failed validation */
};

/* Returns 0 for a parsed packet message, -1 if nlh is not one. nlh must be
 * a whole message (nl_datagram_walk). */
int nflog_parse(const struct nlmsghdr *nlh, struct nflog_meta *m);

#endif
