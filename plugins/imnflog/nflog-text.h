/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel LOG target text for an NFLOG record (net/netfilter/nf_log_syslog.c). */
#ifndef NFLOG_TEXT_H
#define NFLOG_TEXT_H

#include <stddef.h>

#include "nflog-record.h"

/* The kernel's NF_LOG_* logflags (include/uapi/linux/netfilter/nf_log.h),
 * i.e. nft "log flags ..." of the LOG rule being emulated. */
enum {
	NFT_TCPSEQ = 0x01,
	NFT_TCPOPT = 0x02,
	NFT_IPOPT = 0x04,
	NFT_UID = 0x08,
	NFT_MACDECODE = 0x20,
};

/* The kernel's line buffer (net/netfilter/nf_log.c): S_SIZE is 1024 - 5
 * bytes, of which the log level takes two (KERN_SOH and the digit) and the
 * NUL one. What does not fit is cut, as there; the prefix counts. */
#define NFLOG_TEXT_MAX (1019 - 2)

/* Writes the line (NUL-terminated, truncated to size) and returns its length. */
size_t nflog_text(const struct nflog_record *r, unsigned flags, char *buf, size_t size);

#endif
