/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE /* recvmmsg */
#include "nlmsg.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <linux/netlink.h>

/* sent by the kernel: port id 0 */
static bool from_kernel(const struct msghdr *m, const struct sockaddr_nl *from)
{
	return m->msg_namelen == sizeof(*from) && from->nl_family == AF_NETLINK &&
	       from->nl_pid == 0;
}

ssize_t nl_recv(int fd, void *buf, size_t size, int flags, struct nl_rx_drops *drops)
{
	struct sockaddr_nl from;
	struct iovec iov = {buf, size};
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;

	memset(&from, 0, sizeof(from));
	n = recvmsg(fd, &msg, flags);
	if (n < 0)
		return n;
	if (!from_kernel(&msg, &from)) {
		drops->foreign++;
		return 0;
	}
	if (msg.msg_flags & MSG_TRUNC) {
		drops->truncated++;
		return 0;
	}
	return n;
}

int64_t nl_mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

ssize_t nl_recv_wait(int fd, void *buf, size_t size, int64_t deadline_ms, struct nl_rx_drops *drops)
{
	for (;;) {
		int64_t left = deadline_ms - nl_mono_ms();
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = nl_recv(fd, buf, size, MSG_DONTWAIT, drops);
		if (n > 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return n;
	}
}

int nl_recv_heads(int fd, uint16_t *types, int max, struct nl_rx_drops *drops)
{
	struct nlmsghdr heads[NL_HEADS_MAX];
	struct sockaddr_nl from[NL_HEADS_MAX];
	struct iovec iov[NL_HEADS_MAX];
	struct mmsghdr msgs[NL_HEADS_MAX];
	int n, kept = 0;

	if (max > NL_HEADS_MAX)
		max = NL_HEADS_MAX;
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < max; i++) {
		iov[i] = (struct iovec){&heads[i], sizeof(heads[i])};
		msgs[i].msg_hdr = (struct msghdr){.msg_name = &from[i],
						  .msg_namelen = sizeof(from[i]),
						  .msg_iov = &iov[i],
						  .msg_iovlen = 1};
	}
	n = recvmmsg(fd, msgs, (unsigned)max, MSG_DONTWAIT, NULL);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (!from_kernel(&msgs[i].msg_hdr, &from[i])) {
			drops->foreign++;
			continue;
		}
		if (msgs[i].msg_len < sizeof(heads[i]))
			continue; /* too short to be a message */
		types[kept++] = heads[i].nlmsg_type;
	}
	return kept;
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
