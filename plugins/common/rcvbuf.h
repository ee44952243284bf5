/* Socket receive buffers for netlink event sources. */
#ifndef RCVBUF_H
#define RCVBUF_H

#include <sys/socket.h>

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

#endif
