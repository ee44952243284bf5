/* SPDX-License-Identifier: Apache-2.0 */
/* Run socket creation inside another network namespace (setns(2)), then
 * return to our own. Names resolve under /run/netns (ip-netns(8)). */
#ifndef NETNS_H
#define NETNS_H

#include <stddef.h>

struct netns_guard {
	int self; /* our own namespace, -1 when not switched */
};

/* The file of a namespace: spec itself when absolute, else under /run/netns. */
void netns_path(const char *spec, char *path, size_t size);

/* spec: NULL or "" = current namespace; a name; or an absolute path.
 * Returns 0, or -1 with a message in err. */
int netns_enter(struct netns_guard *g, const char *spec, char *err, size_t errlen);
/* Back to the namespace netns_enter left. Returns 0, or -errno: then the
 * thread is still in the other namespace, and every socket it opens from
 * now on would be there (a container's): the caller must not go on. */
int netns_leave(struct netns_guard *g);

#endif
