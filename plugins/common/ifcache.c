/* SPDX-License-Identifier: Apache-2.0 */
#include "ifcache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "nlwalk.h"

#define MISSING_RETRY_S	 1
#define QUERY_TIMEOUT_MS 500	     /* the kernel answers at once; never block a reader longer */
#define QUERY_BUF	 (32 * 1024) /* a dump message may take up to 32 KiB (netlink_dump) */

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static struct ifcache_ent *find(struct ifcache *c, uint32_t index)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->ents[i].index == index)
			return &c->ents[i];
	return NULL;
}

static void forget(struct ifcache *c, uint32_t index)
{
	struct ifcache_ent *e = find(c, index);

	if (e != NULL)
		*e = c->ents[--c->n];
}

static struct ifcache_ent *slot(struct ifcache *c, uint32_t index)
{
	struct ifcache_ent *e = find(c, index);

	if (e != NULL)
		return e;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct ifcache_ent *n = realloc(c->ents, cap * sizeof(*n));

		if (n == NULL)
			return NULL;
		c->ents = n;
		c->cap = cap;
	}
	e = &c->ents[c->n++];
	memset(e, 0, sizeof(*e));
	e->index = index;
	return e;
}

static void remember(struct ifcache *c, uint32_t index, const char *name, size_t len)
{
	struct ifcache_ent *e = slot(c, index);

	if (e == NULL)
		return;
	e->missing = false;
	safe_text(e->name, sizeof(e->name), name, len);
}

static void remember_missing(struct ifcache *c, uint32_t index)
{
	struct ifcache_ent *e = slot(c, index);

	if (e == NULL)
		return;
	e->missing = true;
	e->retry_at = now_s() + MISSING_RETRY_S;
	snprintf(e->name, sizeof(e->name), "%u", index);
}

static int link_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **name = data;

	if (mnl_attr_get_type(a) == IFLA_IFNAME && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		*name = a;
	return MNL_CB_OK;
}

/* RTM_NEWLINK / RTM_DELLINK (include/uapi/linux/rtnetlink.h). */
static void link_msg(struct ifcache *c, const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifi;
	const struct nlattr *name = NULL;
	size_t off = MNL_ALIGN(sizeof(*ifi));

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return;
	if (nlh->nlmsg_len < mnl_nlmsg_size(off))
		return;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (nlh->nlmsg_type == RTM_DELLINK) {
		forget(c, (uint32_t)ifi->ifi_index);
		return;
	}
	nl_walk(mnl_nlmsg_get_payload_offset(nlh, sizeof(*ifi)),
		mnl_nlmsg_get_payload_len(nlh) - off, link_attr_cb, &name);
	if (name != NULL)
		remember(c, (uint32_t)ifi->ifi_index, mnl_attr_get_str(name),
			 strnlen(mnl_attr_get_str(name), mnl_attr_get_payload_len(name)));
}

static void notify_cb(const struct nlmsghdr *nlh, void *data)
{
	link_msg(data, nlh);
}

/* The replies of one query: only messages of its sequence number count;
 * anything older (left by an earlier query cut short) is skipped. */
struct reply {
	struct ifcache *c;
	unsigned seq;
	bool done;
	int error; /* from NLMSG_ERROR, as a positive errno */
};

static void reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply *r = data;

	if (nlh->nlmsg_seq != r->seq || r->done)
		return;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) /* links changed during the dump */
		r->c->redump = true;
	if (nlh->nlmsg_type == NLMSG_DONE) {
		r->done = true;
	} else if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		r->done = true;
		if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(*e)))
			r->error = -e->error;
	} else {
		link_msg(r->c, nlh);
	}
}

/* Read what an earlier query left behind, so replies never lose step;
 * replies are matched by sequence anyway, so a bound on the reads keeps a
 * foreign sender from holding the reader here. */
static void drain_stale(struct ifcache *c, char *buf)
{
	for (int i = 0; i < 64; i++)
		if (nl_recv(mnl_socket_get_fd(c->q), buf, QUERY_BUF, MSG_DONTWAIT, &c->drops) < 0)
			break;
}

/* One request and its replies on the query socket; returns the error the
 * kernel answered (0 for none), or -1 when no answer came. */
static int query(struct ifcache *c, uint16_t flags, uint32_t index)
{
	static __thread char buf[QUERY_BUF];
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct reply r = {c, 0, false, 0};
	int64_t deadline;
	ssize_t n;

	drain_stale(c, buf);
	memset(req, 0, sizeof(req));
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = r.seq = ++c->seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)index;
	if (mnl_socket_sendto(c->q, nlh, nlh->nlmsg_len) < 0)
		return -1;
	/* one deadline for the whole query: datagrams that are not its
	 * answer (a foreign sender's) never extend it */
	deadline = nl_mono_ms() + QUERY_TIMEOUT_MS;
	while (!r.done) {
		n = nl_recv_wait(mnl_socket_get_fd(c->q), buf, sizeof(buf), deadline, &c->drops);
		if (n < 0)
			return -1;
		nl_datagram_walk(buf, (size_t)n, reply_cb, &r);
	}
	return r.error;
}

static void dump(struct ifcache *c)
{
	c->redump = false;
	c->dumped_at = now_s();
	c->n = 0;
	query(c, NLM_F_DUMP, 0);
}

int ifcache_open(struct ifcache *c, char *err, size_t errlen)
{
	struct timeval to = {0, QUERY_TIMEOUT_MS * 1000};

	memset(c, 0, sizeof(*c));
	c->seq = (unsigned)time(NULL);
	c->ev = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	c->q = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (c->ev == NULL || c->q == NULL ||
	    mnl_socket_bind(c->ev, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_bind(c->q, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(c->q), SOL_SOCKET, SO_RCVTIMEO, &to, sizeof(to)) < 0) {
		snprintf(err, errlen, "rtnetlink socket for interface names: %s", strerror(errno));
		ifcache_close(c);
		return -1;
	}
	dump(c);
	return 0;
}

void ifcache_close(struct ifcache *c)
{
	if (c->ev)
		mnl_socket_close(c->ev);
	if (c->q)
		mnl_socket_close(c->q);
	free(c->ents);
	memset(c, 0, sizeof(*c));
}

int ifcache_fd(const struct ifcache *c)
{
	return mnl_socket_get_fd(c->ev);
}

void ifcache_process(struct ifcache *c)
{
	static __thread char buf[QUERY_BUF];
	ssize_t n = 0;

	for (int i = 0; i < 64; i++) {
		n = nl_recv(ifcache_fd(c), buf, sizeof(buf), MSG_DONTWAIT, &c->drops);
		if (n < 0)
			break;
		nl_datagram_walk(buf, (size_t)n, notify_cb, c);
	}
	/* ENOBUFS: notifications were lost, rebuild from a dump; at most one
	 * dump a second, however often links change under it (DUMP_INTR) */
	if (n < 0 && errno == ENOBUFS)
		c->redump = true;
	if (c->redump && now_s() > c->dumped_at)
		dump(c);
}

void ifcache_name(struct ifcache *c, uint32_t index, char out[IFC_NAME_SIZE])
{
	struct ifcache_ent *e;

	out[0] = '\0';
	if (index == 0)
		return;
	e = find(c, index);
	if (e == NULL || (e->missing && now_s() >= e->retry_at)) {
		c->misses++;
		query(c, NLM_F_ACK, index);
		e = find(c, index);
		/* gone (ENODEV), or no answer: the number, asked again later */
		if (e == NULL || (e->missing && now_s() >= e->retry_at)) {
			remember_missing(c, index);
			e = find(c, index);
		}
	}
	if (e != NULL)
		memcpy(out, e->name, IFC_NAME_SIZE);
	else
		snprintf(out, IFC_NAME_SIZE, "%u", index);
}
