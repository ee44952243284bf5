#include "ifcache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

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

static void remember(struct ifcache *c, uint32_t index, const char *name)
{
	struct ifcache_ent *e = find(c, index);

	if (e == NULL) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 16;
			struct ifcache_ent *n = realloc(c->ents, cap * sizeof(*n));

			if (n == NULL)
				return;
			c->ents = n;
			c->cap = cap;
		}
		e = &c->ents[c->n++];
		e->index = index;
	}
	snprintf(e->name, sizeof(e->name), "%s", name);
}

static int link_attr_cb(const struct nlattr *a, void *data)
{
	const char **name = data;

	if (mnl_attr_get_type(a) == IFLA_IFNAME && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		*name = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ifcache *c = data;
	const struct ifinfomsg *ifi;
	const char *name = NULL;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (nlh->nlmsg_type == RTM_DELLINK) {
		forget(c, (uint32_t)ifi->ifi_index);
		return MNL_CB_OK;
	}
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, &name);
	if (name != NULL)
		remember(c, (uint32_t)ifi->ifi_index, name);
	return MNL_CB_OK;
}

/* One request and its replies on the query socket. */
static void query(struct ifcache *c, uint16_t flags, uint32_t index)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	unsigned portid = mnl_socket_get_portid(c->q);
	int ret;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++c->seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)index;
	if (mnl_socket_sendto(c->q, nlh, nlh->nlmsg_len) < 0)
		return;
	while ((ret = (int)mnl_socket_recvfrom(c->q, buf, sizeof(buf))) > 0) {
		ret = mnl_cb_run(buf, (size_t)ret, c->seq, portid, link_cb, c);
		if (ret <= MNL_CB_STOP)
			break;
	}
}

int ifcache_open(struct ifcache *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->seq = (unsigned)time(NULL);
	c->ev = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	c->q = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (c->ev == NULL || c->q == NULL ||
	    mnl_socket_bind(c->ev, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_bind(c->q, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "rtnetlink socket for interface names: %s", strerror(errno));
		ifcache_close(c);
		return -1;
	}
	query(c, NLM_F_DUMP, 0);
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
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;

	while ((n = mnl_socket_recvfrom(c->ev, buf, sizeof(buf))) > 0)
		mnl_cb_run(buf, (size_t)n, 0, 0, link_cb, c);
	/* ENOBUFS: notifications were lost, rebuild from a dump */
	if (n < 0 && errno == ENOBUFS) {
		c->n = 0;
		query(c, NLM_F_DUMP, 0);
	}
}

void ifcache_name(struct ifcache *c, uint32_t index, char out[IF_NAMESIZE])
{
	struct ifcache_ent *e;

	out[0] = '\0';
	if (index == 0)
		return;
	if ((e = find(c, index)) == NULL) {
		c->misses++;
		query(c, NLM_F_ACK, index);
		e = find(c, index);
	}
	if (e != NULL)
		memcpy(out, e->name, IF_NAMESIZE);
	else
		snprintf(out, IF_NAMESIZE, "%u", index);
}
