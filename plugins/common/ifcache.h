/* SPDX-License-Identifier: Apache-2.0 */
/* Interface index to name, for one network namespace, kept current from
 * rtnetlink link notifications (RTMGRP_LINK) so names stay right when
 * interfaces come and go. Misses are answered by an RTM_GETLINK query. */
#ifndef IFCACHE_H
#define IFCACHE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "nlmsg.h"
#include "safetext.h"

/* A name as logged: escaped (safetext.h), interface names may hold any byte
 * but '/', ':' and white space. */
#define IFC_NAME_SIZE SAFE_TEXT_SIZE(IF_NAMESIZE - 1)

struct mnl_socket;

struct ifcache_ent {
	uint32_t index;
	bool missing;	 /* the kernel said there is no such interface */
	time_t retry_at; /* missing: ask again from then on (CLOCK_MONOTONIC s) */
	char name[IFC_NAME_SIZE];
};

struct ifcache {
	struct mnl_socket *ev; /* link notifications */
	struct mnl_socket *q;  /* queries */
	unsigned seq;
	bool redump;	  /* a dump was interrupted or notifications were lost */
	time_t dumped_at; /* monotonic seconds of the last dump: one a second at most */
	struct ifcache_ent *ents;
	size_t n, cap;
	uint64_t misses;
	struct nl_rx_drops drops;
};

/* Opens both sockets in the current namespace (call inside netns_enter). */
int ifcache_open(struct ifcache *c, char *err, size_t errlen);
void ifcache_close(struct ifcache *c);
int ifcache_fd(const struct ifcache *c);
/* Drain pending link notifications (call when ifcache_fd is readable). */
void ifcache_process(struct ifcache *c);
/* Writes the name or "" for index 0; unknown indexes are queried, and
 * rendered as the number when the interface is gone (asked again at most
 * once a second). */
void ifcache_name(struct ifcache *c, uint32_t index, char out[IFC_NAME_SIZE]);

#endif
