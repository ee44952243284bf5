/* SPDX-License-Identifier: Apache-2.0 */
#include "nfct-sock.h"

#include "rcvbuf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <sys/socket.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int fail(struct nfct_sock *s, char *err, size_t errlen, const char *what, int e)
{
	snprintf(err, errlen, "%s: %s", what, strerror(e));
	nfct_sock_close(s);
	return -1;
}

static void cidr_mask(const struct nfct_cidr *c, uint32_t *words, int nwords)
{
	for (int i = 0; i < nwords; i++) {
		int left = c->bits - 32 * i;

		words[i] = left >= 32 ? 0xffffffffu : left <= 0 ? 0 : ~0u << (32 - left);
	}
}

static void add_cidrs(struct nfct_filter *f, const struct nfct_cidr *c, int n, bool src)
{
	for (int i = 0; i < n; i++) {
		if (c[i].family == AF_INET) {
			struct nfct_filter_ipv4 v4;
			uint32_t a;

			memcpy(&a, c[i].addr, 4);
			v4.addr = ntohl(a);
			cidr_mask(&c[i], &v4.mask, 1);
			nfct_filter_add_attr(f, src ? NFCT_FILTER_SRC_IPV4 : NFCT_FILTER_DST_IPV4,
					     &v4);
		} else {
			struct nfct_filter_ipv6 v6;

			for (int w = 0; w < 4; w++) {
				uint32_t a;

				memcpy(&a, c[i].addr + 4 * w, 4);
				v6.addr[w] = ntohl(a);
			}
			cidr_mask(&c[i], v6.mask, 4);
			nfct_filter_add_attr(f, src ? NFCT_FILTER_SRC_IPV6 : NFCT_FILTER_DST_IPV6,
					     &v6);
		}
	}
}

static bool has_family(const struct nfct_cidr *c, int n, uint8_t family)
{
	for (int i = 0; i < n; i++)
		if (c[i].family == family)
			return true;
	return false;
}

/* IPv4-only lists go to the kernel: the networks pass, IPv6 is rejected as
 * a whole (as ulogd2's accept filters do). The library's BPF did not pass
 * IPv6 events once an address filter existed, so a list with IPv6 prefixes
 * is matched in the module only (nfct_cidr_match). */
static void add_cidr_list(struct nfct_filter *f, const struct nfct_cidr *c, int n, bool src)
{
	static const struct nfct_cidr any6 = {AF_INET6, {0}, 0};

	if (has_family(c, n, AF_INET6))
		return;
	add_cidrs(f, c, n, src);
	add_cidrs(f, &any6, 1, src);
	nfct_filter_set_logic(f, src ? NFCT_FILTER_SRC_IPV4 : NFCT_FILTER_DST_IPV4,
			      NFCT_FILTER_LOGIC_POSITIVE);
	nfct_filter_set_logic(f, src ? NFCT_FILTER_SRC_IPV6 : NFCT_FILTER_DST_IPV6,
			      NFCT_FILTER_LOGIC_NEGATIVE);
}

/* Kernel-side filtering with libnetfilter_conntrack's BPF builder: events
 * that do not match never reach the socket buffer. */
static int attach_filter(int fd, const struct nfct_filter_cfg *c)
{
	struct nfct_filter *f;
	int ret;

	if (c->nprotos == 0 && c->nsrc == 0 && c->ndst == 0 && !c->has_mark)
		return 0;
	if ((f = nfct_filter_create()) == NULL)
		return -ENOMEM;
	for (int i = 0; i < c->nprotos; i++)
		nfct_filter_add_attr_u32(f, NFCT_FILTER_L4PROTO, c->protos[i]);
	if (c->nsrc)
		add_cidr_list(f, c->src, c->nsrc, true);
	if (c->ndst)
		add_cidr_list(f, c->dst, c->ndst, false);
	if (c->has_mark) {
		struct nfct_filter_dump_mark m = {.val = c->mark, .mask = c->mark_mask};

		nfct_filter_add_attr(f, NFCT_FILTER_MARK, &m);
		nfct_filter_set_logic(f, NFCT_FILTER_MARK, NFCT_FILTER_LOGIC_POSITIVE);
	}
	ret = nfct_filter_attach(fd, f) < 0 ? -errno : 0;
	nfct_filter_destroy(f);
	return ret;
}

int nfct_sock_open(struct nfct_sock *s, const struct nfct_sock_cfg *cfg, char *err, size_t errlen)
{
	/* NFNLGRP_CONNTRACK_NEW, _UPDATE, _DESTROY are groups 1, 2, 3 */
	unsigned groups = cfg->groups & 7;
	int one = 1, ret;

	memset(s, 0, sizeof(*s));
	if ((s->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_NONBLOCK | SOCK_CLOEXEC)) == NULL)
		return fail(s, err, errlen, "cannot open netfilter netlink socket", errno);
	if (mnl_socket_bind(s->nl, groups, MNL_SOCKET_AUTOPID) < 0)
		return fail(s, err, errlen,
			    errno == EPERM ? "cannot subscribe to conntrack events (needs "
					     "CAP_NET_ADMIN: run rsyslogd as root)"
					   : "cannot subscribe to conntrack events",
			    errno);
	s->rcvbuf = rcvbuf_force(mnl_socket_get_fd(s->nl), cfg->rcvbuf);
	if (cfg->reliable) {
		/* as conntrackd: the kernel keeps and retries undelivered
		 * DESTROY events instead of reporting an overrun */
		if (setsockopt(mnl_socket_get_fd(s->nl), SOL_NETLINK, NETLINK_BROADCAST_ERROR, &one,
			       sizeof(one)) < 0 ||
		    setsockopt(mnl_socket_get_fd(s->nl), SOL_NETLINK, NETLINK_NO_ENOBUFS, &one,
			       sizeof(one)) < 0)
			return fail(s, err, errlen, "cannot enable reliable delivery", errno);
	}
	if (cfg->filter && (ret = attach_filter(mnl_socket_get_fd(s->nl), cfg->filter)) < 0)
		return fail(s, err, errlen, "cannot attach the kernel event filter", -ret);
	return 0;
}

int nfct_sock_unsubscribe(struct nfct_sock *s)
{
	/* bind again with no groups: leaving needs no privilege (netlink_bind
	 * checks CAP_NET_ADMIN only for groups joined), where
	 * NETLINK_DROP_MEMBERSHIP would need it after a privilege drop */
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK, .nl_pid = mnl_socket_get_portid(s->nl), .nl_groups = 0};

	if (bind(mnl_socket_get_fd(s->nl), (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return -errno;
	return 0;
}

void nfct_sock_close(struct nfct_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	s->nl = NULL;
}

int nfct_sock_fd(const struct nfct_sock *s)
{
	return mnl_socket_get_fd(s->nl);
}

/* net.core.rmem_max of the caller's namespace, or 0 if unreadable. */
static long rmem_max(void)
{
	long v = 0;
	FILE *f = fopen("/proc/sys/net/core/rmem_max", "re");

	if (f != NULL) {
		if (fscanf(f, "%ld", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

int nfct_sock_grow(struct nfct_sock *s, int max, int *err)
{
	int fd = mnl_socket_get_fd(s->nl), eff = 0;
	/* the kernel reports twice what was asked (socket(7)): ask for what
	 * it reports, to double it */
	int req = s->rcvbuf > max / 2 ? max / 2 : s->rcvbuf;
	socklen_t len = sizeof(eff);

	*err = 0;
	if (s->rcvbuf >= max)
		return s->rcvbuf;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &req, sizeof(req)) < 0) {
		*err = errno;
		/* SO_RCVBUF sets twice the request capped at rmem_max: only
		 * where that is more than the buffer has (privileges dropped
		 * after a forced start would shrink it to rmem_max) */
		if ((long)s->rcvbuf >= 2 * rmem_max() ||
		    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &req, sizeof(req)) < 0)
			return s->rcvbuf;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &eff, &len) == 0 && eff > s->rcvbuf)
		s->rcvbuf = eff;
	return s->rcvbuf;
}

bool nfct_cidr_match(const struct nfct_cidr *c, int n, int family, const uint8_t *addr)
{
	for (int i = 0; i < n; i++) {
		int full = c[i].bits / 8, rest = c[i].bits % 8;

		if (c[i].family != family || memcmp(c[i].addr, addr, (size_t)full) != 0)
			continue;
		if (rest == 0 || ((c[i].addr[full] ^ addr[full]) & (0xff00 >> rest) & 0xff) == 0)
			return true;
	}
	return false;
}

bool nfct_parse_cidr(const char *text, struct nfct_cidr *c)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text);
	long bits;
	char *end;

	if (n == 0 || n >= sizeof(addr))
		return false;
	memcpy(addr, text, n);
	addr[n] = '\0';
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, addr, c->addr) == 1)
		c->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, c->addr) == 1)
		c->family = AF_INET6;
	else
		return false;
	bits = c->family == AF_INET ? 32 : 128;
	if (slash) {
		long b = strtol(slash + 1, &end, 10);

		if (*end != '\0' || end == slash + 1 || b < 0 || b > bits)
			return false;
		bits = b;
	}
	c->bits = (uint8_t)bits;
	return true;
}

int nfct_dump_open(struct nfct_dump *d, char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (d->nl == NULL || mnl_socket_bind(d->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "conntrack dump socket: %s", strerror(errno));
		nfct_dump_close(d);
		return -1;
	}
	d->portid = mnl_socket_get_portid(d->nl);
	d->seq = (unsigned)time(NULL);
	return 0;
}

void nfct_dump_close(struct nfct_dump *d)
{
	if (d->nl)
		mnl_socket_close(d->nl);
	d->nl = NULL;
	d->running = false;
}

int nfct_dump_fd(const struct nfct_dump *d)
{
	return mnl_socket_get_fd(d->nl);
}

static int dump_fail(struct nfct_dump *d, int e, char *err, size_t errlen)
{
	d->running = false;
	snprintf(err, errlen, "%s%s", strerror(e),
		 e == EPERM ? " (ctnetlink wants CAP_NET_ADMIN for each dump: rsyslogd "
			      "dropped its privileges?)"
			    : "");
	return -1;
}

int nfct_dump_start(struct nfct_dump *d, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++d->seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	d->count = 0;
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0)
		return dump_fail(d, errno, err, errlen);
	d->running = true;
	return 0;
}

struct dump_read {
	struct nfct_dump *d;
	nfct_dump_cb cb;
	void *data;
	bool done;
	int error; /* positive errno of an NLMSG_ERROR */
};

/* Replies of our request only: a reply of an earlier, abandoned dump has
 * another sequence number. */
static void dump_msg(const struct nlmsghdr *m, void *data)
{
	struct dump_read *r = data;

	if (r->done || m->nlmsg_seq != r->d->seq || m->nlmsg_pid != r->d->portid)
		return;
	if (m->nlmsg_type == NLMSG_DONE) {
		r->done = true;
	} else if (m->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

		r->done = true;
		r->error = m->nlmsg_len >= mnl_nlmsg_size(sizeof(*e)) ? -e->error : EPROTO;
	} else {
		r->cb(m, r->data);
		r->d->count++;
	}
}

int nfct_dump_step(struct nfct_dump *d, int max, nfct_dump_cb cb, void *data, char *err,
		   size_t errlen)
{
	static __thread char buf[32 * 1024]; /* netlink_dump sends up to 32 KiB */
	struct dump_read r = {d, cb, data, false, 0};

	for (int i = 0; i < max && !r.done; i++) {
		ssize_t n = nl_recv(nfct_dump_fd(d), buf, sizeof(buf), MSG_DONTWAIT, &d->drops);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 1;
		if (n < 0)
			return dump_fail(d, errno, err, errlen);
		if (!nl_datagram_walk(buf, (size_t)n, dump_msg, &r))
			return dump_fail(d, EPROTO, err, errlen);
	}
	if (!r.done)
		return 1;
	d->running = false;
	if (r.error)
		return dump_fail(d, r.error, err, errlen);
	return 0;
}

static long read_long(const char *name)
{
	char path[128];
	FILE *f;
	long v = -1;

	snprintf(path, sizeof(path), "/proc/sys/net/netfilter/%s", name);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

void nfct_read_sysctls(struct nfct_sysctls *s)
{
	s->events = (int)read_long("nf_conntrack_events");
	s->acct = (int)read_long("nf_conntrack_acct");
	s->timestamp = (int)read_long("nf_conntrack_timestamp");
	s->max = read_long("nf_conntrack_max");
	s->count = read_long("nf_conntrack_count");
}

int nfct_write_sysctls(void)
{
	static const char *const names[] = {"nf_conntrack_events", "nf_conntrack_acct",
					    "nf_conntrack_timestamp"};

	for (size_t i = 0; i < 3; i++) {
		char path[128];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/sys/net/netfilter/%s", names[i]);
		if ((f = fopen(path, "we")) == NULL)
			return -errno;
		fputs("1\n", f);
		if (fclose(f) != 0)
			return -errno;
	}
	return 0;
}
