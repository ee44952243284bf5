/* SPDX-License-Identifier: Apache-2.0 */
/* ctnetlink event sockets: subscription, receive buffer, reliable delivery,
 * kernel-side (BPF) filters, table dumps, and the sysctls that decide what
 * the kernel reports. */
#ifndef NFCT_SOCK_H
#define NFCT_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nlmsg.h"

struct mnl_socket;
struct nlmsghdr;

#define NFCT_MAX_CIDR  16
#define NFCT_MAX_PROTO 8

struct nfct_cidr {
	uint8_t family; /* AF_INET, AF_INET6 */
	uint8_t addr[16];
	uint8_t bits;
};

struct nfct_filter_cfg {
	uint8_t protos[NFCT_MAX_PROTO];
	int nprotos;
	struct nfct_cidr src[NFCT_MAX_CIDR], dst[NFCT_MAX_CIDR];
	int nsrc, ndst;
	bool has_mark;
	uint32_t mark, mark_mask;
};

struct nfct_sock_cfg {
	unsigned groups; /* NFCT_EV_* bits: NEW 1, UPDATE 2, DESTROY 4 */
	int rcvbuf;
	bool reliable;
	const struct nfct_filter_cfg *filter;
};

struct nfct_sock {
	struct mnl_socket *nl;
	int rcvbuf; /* effective, as the kernel reports it */
	struct nl_rx_drops drops;
};

int nfct_sock_open(struct nfct_sock *s, const struct nfct_sock_cfg *cfg, char *err, size_t errlen);
/* Leaves the event groups (NFNLGRP_CONNTRACK_NEW, _UPDATE, _DESTROY): from
 * now on the kernel queues no event for this socket; what it queued stays
 * to be read. Returns 0 or -errno. */
int nfct_sock_unsubscribe(struct nfct_sock *s);
void nfct_sock_close(struct nfct_sock *s);
int nfct_sock_fd(const struct nfct_sock *s);
/* Double the receive buffer up to max; returns the new effective size. It
 * never asks for less than the buffer has; a grow the kernel refuses
 * (SO_RCVBUFFORCE needs CAP_NET_ADMIN, gone after a privilege drop) sets
 * *err to its errno and leaves the size as it was. */
int nfct_sock_grow(struct nfct_sock *s, int max, int *err);

/* Whether addr (4 or 16 bytes of family) lies in one of the networks. */
bool nfct_cidr_match(const struct nfct_cidr *c, int n, int family, const uint8_t *addr);

/* Parses "10.0.0.0/8" or "fd00::/8". */
bool nfct_parse_cidr(const char *text, struct nfct_cidr *c);

/* A table dump (IPCTNL_MSG_CT_GET with NLM_F_DUMP) read in steps, so a
 * large table never holds up the other sockets of the input thread. The
 * socket is opened in the namespace to dump, before any privilege drop:
 * ctnetlink also checks CAP_NET_ADMIN on each request, so a dump after the
 * drop fails with EPERM, which is reported, never taken for an empty table. */
struct nfct_dump {
	struct mnl_socket *nl;
	unsigned seq, portid;
	bool running;
	long count; /* entries of the dump under way */
	struct nl_rx_drops drops;
};

int nfct_dump_open(struct nfct_dump *d, char *err, size_t errlen);
void nfct_dump_close(struct nfct_dump *d);
int nfct_dump_fd(const struct nfct_dump *d);
/* Sends the request; returns 0 or -1 with a message. */
int nfct_dump_start(struct nfct_dump *d, char *err, size_t errlen);
typedef void (*nfct_dump_cb)(const struct nlmsghdr *nlh, void *data);
/* Reads at most max datagrams of the dump under way, without blocking, and
 * gives cb every entry. Returns 1 while the dump goes on, 0 when it ended
 * (d->count entries), -1 when the kernel refused or failed it (message in
 * err, naming the cause). */
int nfct_dump_step(struct nfct_dump *d, int max, nfct_dump_cb cb, void *data, char *err,
		   size_t errlen);

/* The sysctls of the current namespace (-1 when unreadable). */
struct nfct_sysctls {
	int events, acct, timestamp;
	long max;   /* nf_conntrack_max */
	long count; /* nf_conntrack_count: entries in the table now */
};
void nfct_read_sysctls(struct nfct_sysctls *s);
/* Sets events=1, acct=1, timestamp=1; returns 0 or -errno. */
int nfct_write_sysctls(void);

#endif
