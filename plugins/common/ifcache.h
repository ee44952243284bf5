/* Interface index to name, for one network namespace, kept current from
 * rtnetlink link notifications (RTMGRP_LINK) so names stay right when
 * interfaces come and go. Misses are answered by an RTM_GETLINK query. */
#ifndef IFCACHE_H
#define IFCACHE_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

struct mnl_socket;

struct ifcache_ent {
	uint32_t index;
	char name[IF_NAMESIZE];
};

struct ifcache {
	struct mnl_socket *ev; /* link notifications */
	struct mnl_socket *q;  /* queries */
	unsigned seq;
	struct ifcache_ent *ents;
	size_t n, cap;
	uint64_t misses;
};

/* Opens both sockets in the current namespace (call inside netns_enter). */
int ifcache_open(struct ifcache *c, char *err, size_t errlen);
void ifcache_close(struct ifcache *c);
int ifcache_fd(const struct ifcache *c);
/* Drain pending link notifications (call when ifcache_fd is readable). */
void ifcache_process(struct ifcache *c);
/* Writes the name or "" for index 0; unknown indexes are queried, and
 * rendered as the number when the interface is gone. */
void ifcache_name(struct ifcache *c, uint32_t index, char out[IF_NAMESIZE]);

#endif
