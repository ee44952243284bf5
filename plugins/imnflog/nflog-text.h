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

/* Kernel lines fit in 1024 bytes (nf_log_buf S_SIZE); the prefix adds 128. */
#define NFLOG_TEXT_MAX 1280

/* Writes the line (NUL-terminated, truncated to size) and returns its length. */
size_t nflog_text(const struct nflog_record *r, unsigned flags, char *buf, size_t size);

#endif
