/* SPDX-License-Identifier: Apache-2.0 */
/* One logged packet: netlink metadata, decoded headers, resolved names. */
#ifndef NFLOG_RECORD_H
#define NFLOG_RECORD_H

#include <sys/time.h>

#include "ifcache.h"
#include "nfdecode.h"
#include "nflog-msg.h"

struct nflog_record {
	const struct nflog_meta *meta;
	const struct nfd_packet *pkt;
	struct timeval tv; /* kernel timestamp, else receive time */
	char in[IFC_NAME_SIZE], out[IFC_NAME_SIZE];
	char physin[IFC_NAME_SIZE], physout[IFC_NAME_SIZE];
};

struct nlmsghdr;

/* Everything one netlink packet message turns into, on the reader's stack. */
struct nflog_work {
	struct nflog_meta meta;
	struct nfd_packet pkt;
	struct nflog_record rec;
	bool decode_error; /* truncated, invalid header or malformed attribute */
};

/* Parse, decode and resolve interface names (ic may be NULL: names stay
 * empty). now is the receive time, used when the kernel sent no timestamp
 * or one out of range. Returns -1 when nlh is not an NFLOG packet message;
 * nlh must be a whole message (nl_datagram_walk). */
int nflog_prepare(struct nflog_work *w, const struct nlmsghdr *nlh, struct ifcache *ic,
		  const struct timeval *now);

#endif
