/* One logged packet: netlink metadata, decoded headers, resolved names. */
#ifndef NFLOG_RECORD_H
#define NFLOG_RECORD_H

#include <net/if.h>
#include <sys/time.h>

#include "nfdecode.h"
#include "nflog-msg.h"

struct nflog_record {
	const struct nflog_meta *meta;
	const struct nfd_packet *pkt;
	struct timeval tv; /* kernel timestamp, else receive time */
	char in[IF_NAMESIZE], out[IF_NAMESIZE];
	char physin[IF_NAMESIZE], physout[IF_NAMESIZE];
};

struct ifcache;
struct nlmsghdr;

/* Everything one netlink packet message turns into, on the reader's stack. */
struct nflog_work {
	struct nflog_meta meta;
	struct nfd_packet pkt;
	struct nflog_record rec;
	bool decode_error; /* truncated, invalid header or malformed attribute */
};

/* Parse, decode and resolve interface names (ic may be NULL: names stay
 * empty). now is the receive time, used when the kernel sent no timestamp.
 * Returns -1 when nlh is not an NFLOG packet message. */
int nflog_prepare(struct nflog_work *w, const struct nlmsghdr *nlh, struct ifcache *ic,
		  const struct timeval *now);

#endif
