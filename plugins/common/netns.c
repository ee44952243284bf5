/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void netns_path(const char *spec, char *path, size_t size)
{
	if (spec[0] == '/')
		snprintf(path, size, "%s", spec);
	else
		snprintf(path, size, "/run/netns/%s", spec);
}

int netns_enter(struct netns_guard *g, const char *spec, char *err, size_t errlen)
{
	char path[4096];
	int fd;

	g->self = -1;
	if (spec == NULL || spec[0] == '\0')
		return 0;
	netns_path(spec, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "network namespace '%s' (%s) cannot be opened: %s", spec,
			 path, strerror(errno));
		return -1;
	}
	g->self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (g->self < 0 || setns(fd, CLONE_NEWNET) < 0) {
		snprintf(err, errlen, "cannot enter network namespace '%s': %s", spec,
			 strerror(errno));
		close(fd);
		if (g->self >= 0)
			close(g->self);
		g->self = -1;
		return -1;
	}
	close(fd);
	return 0;
}

int netns_leave(struct netns_guard *g)
{
	int ret = 0;

	if (g->self < 0)
		return 0;
	if (setns(g->self, CLONE_NEWNET) < 0)
		ret = -errno;
	close(g->self);
	g->self = -1;
	return ret;
}
