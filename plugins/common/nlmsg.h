/* SPDX-License-Identifier: Apache-2.0 */
/* Netlink datagrams: taking them only from the kernel, and walking their
 * messages without trusting the lengths they claim. */
#ifndef NLMSG_H
#define NLMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct nlmsghdr;

/* What a receiver dropped. */
struct nl_rx_drops {
	uint64_t foreign;   /* sent by a process, not by the kernel */
	uint64_t truncated; /* longer than the receive buffer */
};

/* recv() for a netlink socket that returns only datagrams the kernel sent
 * (sender port id 0, as libnfnetlink insists). Any process with
 * CAP_NET_ADMIN over the namespace's user namespace - root in a container
 * whose namespace an input watches - can send to our port id; such
 * datagrams, and datagrams cut by a short buffer, are dropped and counted
 * in drops, and 0 is returned for them: each counts as a datagram read, so
 * a sender that never stops cannot keep a reader in one call (a kernel
 * datagram is never empty). Otherwise returns like recv(). */
ssize_t nl_recv(int fd, void *buf, size_t size, int flags, struct nl_rx_drops *drops);

/* CLOCK_MONOTONIC in milliseconds, for deadlines. */
int64_t nl_mono_ms(void);

/* A kernel datagram, waited for until deadline_ms (CLOCK_MONOTONIC, ms):
 * foreign datagrams are skipped without extending the wait. Returns like
 * recv(), or -1 with ETIMEDOUT. */
ssize_t nl_recv_wait(int fd, void *buf, size_t size, int64_t deadline_ms,
		     struct nl_rx_drops *drops);

/* Up to max (at most NL_HEADS_MAX) datagrams at once, without waiting, of
 * which only the first message's header is read (the rest is discarded:
 * for counting what a socket holds, fast, as a stop does): each kernel
 * datagram's first message type into types. Returns how many, or -1 with
 * errno (EAGAIN: the socket is empty). Foreign datagrams are counted in
 * drops and skipped. */
#define NL_HEADS_MAX 256
int nl_recv_heads(int fd, uint16_t *types, int max, struct nl_rx_drops *drops);

typedef void (*nl_msg_cb)(const struct nlmsghdr *nlh, void *data);

/* Calls cb for each whole message of a datagram. A message is whole when
 * its header fits, its length covers the header and stays inside the
 * datagram; unlike mnl_nlmsg_ok() no length is taken for a negative int,
 * and the aligned step cannot wrap. Returns false when bytes were left
 * that do not form a message. buf must be 4-byte aligned. */
bool nl_datagram_walk(const void *buf, size_t len, nl_msg_cb cb, void *data);

#endif
