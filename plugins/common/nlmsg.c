/* SPDX-License-Identifier: Apache-2.0 */
#include "nlmsg.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

ssize_t nl_recv(int fd, void *buf, size_t size, int flags, struct nl_rx_drops *drops)
{
	for (;;) {
		struct sockaddr_nl from;
		struct iovec iov = {buf, size};
		struct msghdr msg = {.msg_name = &from,
				     .msg_namelen = sizeof(from),
				     .msg_iov = &iov,
				     .msg_iovlen = 1};
		ssize_t n;

		memset(&from, 0, sizeof(from));
		n = recvmsg(fd, &msg, flags);
		if (n < 0)
			return n;
		if (msg.msg_namelen != sizeof(from) || from.nl_family != AF_NETLINK ||
		    from.nl_pid != 0) {
			drops->foreign++;
			continue;
		}
		if (msg.msg_flags & MSG_TRUNC) {
			drops->truncated++;
			continue;
		}
		return n;
	}
}

bool nl_datagram_walk(const void *buf, size_t len, nl_msg_cb cb, void *data)
{
	const unsigned char *p = buf;

	while (len >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;
		size_t mlen = nlh->nlmsg_len, step;

		if (mlen < sizeof(*nlh) || mlen > len)
			return false;
		cb(nlh, data);
		step = (mlen + 3) & ~(size_t)3; /* NLMSG_ALIGN, in size_t so it cannot wrap */
		if (step >= len)
			return true;
		p += step;
		len -= step;
	}
	return len == 0;
}
