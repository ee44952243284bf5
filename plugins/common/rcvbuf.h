/* SPDX-License-Identifier: Apache-2.0 */
/* Socket receive buffers for netlink event sources. */
#ifndef RCVBUF_H
#define RCVBUF_H

#include <stdint.h>
#include <sys/socket.h>

#include <linux/sock_diag.h>

#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif

/* SO_RCVBUFFORCE passes net.core.rmem_max (needs CAP_NET_ADMIN); without
 * it fall back to SO_RCVBUF. Returns the effective size, which the kernel
 * reports doubled (socket(7)). req <= 0 leaves the buffer as it is. */
static inline int rcvbuf_force(int fd, int req)
{
	int eff = 0;
	socklen_t len = sizeof(eff);

	if (req > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &req, sizeof(req)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &req, sizeof(req));
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &eff, &len);
	return eff;
}

/* Datagrams the kernel dropped because the receive buffer was full: every
 * netlink_overrun() counts one in sk_drops (SO_MEMINFO, Linux 4.6). An
 * ENOBUFS says that some were lost; this says how many. 0 if unknown. */
static inline uint32_t rcvbuf_drops(int fd)
{
	uint32_t mem[SK_MEMINFO_VARS] = {0};
	socklen_t len = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0 ||
	    len < (SK_MEMINFO_DROPS + 1) * sizeof(mem[0]))
		return 0;
	return mem[SK_MEMINFO_DROPS];
}

#endif
