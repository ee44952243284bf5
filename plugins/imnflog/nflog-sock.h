/* SPDX-License-Identifier: Apache-2.0 */
/* An NFLOG group socket (nfnetlink_log config protocol,
 * include/uapi/linux/netfilter/nfnetlink_log.h), with libmnl. */
#ifndef NFLOG_SOCK_H
#define NFLOG_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nlmsg.h"

struct mnl_socket;

struct nflog_cfg {
	uint16_t group;
	uint32_t copy_range; /* snaplen; 0xffff = whole packet */
	uint32_t qthreshold; /* 0 = kernel default */
	uint32_t qtimeout;   /* 1/100 s; 0 = kernel default */
	uint32_t nlbufsiz;   /* kernel batch buffer; 0 = kernel default */
	uint16_t flags;	     /* NFULNL_CFG_F_* */
	int rcvbuf;	     /* socket receive buffer request, bytes */
};

struct nflog_sock {
	struct mnl_socket *nl;
	unsigned portid;
	unsigned seq;
	int rcvbuf;		  /* effective size reported by the kernel */
	bool no_conntrack;	  /* attach_conntrack asked, the kernel cannot */
	struct nl_rx_drops drops; /* while configuring: datagrams not from the kernel */
};

/* Opens, binds the group and applies the configuration in the current
 * network namespace. Returns 0 or -1 with a message naming the cause. */
int nflog_sock_open(struct nflog_sock *s, const struct nflog_cfg *cfg, char *err, size_t errlen);
/* Unbinds the group without waiting for an answer. The kernel handles the
 * request before sendto returns: it destroys the group's instance, which
 * first sends the batch it holds into the socket (nfnetlink_log.c:
 * instance_destroy -> __nfulnl_flush), so what the socket holds then is
 * all there is to read. Returns 0 or -errno. */
int nflog_sock_unbind(struct nflog_sock *s, uint16_t group);
void nflog_sock_close(struct nflog_sock *s);
int nflog_sock_fd(const struct nflog_sock *s);

#endif
