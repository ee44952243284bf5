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

#endif
