/* SPDX-License-Identifier: Apache-2.0 */
/* One ctnetlink event (NEW, UPDATE, DESTROY) as a plain struct, and what a
 * message needs besides: times, the derived NAT view. No rsyslog types. */
#ifndef NFCT_EVENT_H
#define NFCT_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "ctattr.h"

struct nlmsghdr;

/* the values of ulogd2's ct.event (NFCT_T_*) */
enum nfct_evtype { NFCT_EV_NEW = 1, NFCT_EV_UPDATE = 2, NFCT_EV_DESTROY = 4 };

struct nfct_event {
	enum nfct_evtype type;
	uint8_t family;	 /* AF_INET or AF_INET6 */
	uint32_t portid; /* non-zero: caused by a userspace request (conntrack -D/-F) */
	struct ct_info ct;
};

/* Returns -1 when nlh is not a conntrack event or dump entry; nlh must be a
 * whole message (nl_datagram_walk). A dump entry (dump true) is reported
 * as UPDATE; its port id is the dumping socket's own, so it is not kept. */
int nfct_event_parse(const struct nlmsghdr *nlh, bool dump, struct nfct_event *ev);

/* "conntrack-new", "conntrack-update", "conntrack-destroy": ECS event.action
 * and the messages' MSGID */
const char *nfct_event_action(enum nfct_evtype type);

/* Event plus times: start from the kernel timestamp, else from when NEW was
 * seen; end for DESTROY (kernel stop timestamp, else receive time). */
struct nfct_record {
	const struct nfct_event *ev;
	struct timeval now; /* receive time */
	bool has_start, has_end;
	struct timeval start, end;
};

#endif
