/* SPDX-License-Identifier: Apache-2.0 */
#include "nflog-sock.h"

#include "nlmsg.h"
#include "rcvbuf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <sys/socket.h>

/* CAP_NET_ADMIN is bit 12 of the effective set (linux/capability.h). */
static bool have_net_admin(void)
{
	char line[256];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (f == NULL)
		return true;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return (eff >> 12) & 1;
}

static struct nlmsghdr *put_cfg_header(char *buf, struct nflog_sock *s, uint16_t group,
				       uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++s->seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(group);
	return nlh;
}

/* The kernel answers a config message at once; never wait longer. */
#define TALK_TIMEOUT_MS 5000

/* Send one config message and wait for its ACK; returns 0 or -errno. */
static int talk(struct nflog_sock *s, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;

	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (int64_t deadline = nl_mono_ms() + TALK_TIMEOUT_MS;;) {
		/* the kernel's answer only: a forged ACK would pass for it, and
		 * a foreign sender never extends the wait */
		n = nl_recv_wait(mnl_socket_get_fd(s->nl), buf, sizeof(buf), deadline, &s->drops);
		if (n < 0)
			return -errno;
		/* packets may already arrive for the group: skip them */
		if (mnl_cb_run(buf, (size_t)n, s->seq, s->portid, NULL, NULL) < 0)
			return -errno;
		if (((struct nlmsghdr *)buf)->nlmsg_type == NLMSG_ERROR)
			return 0;
	}
}

static int cfg_cmd(struct nflog_sock *s, uint16_t group, uint8_t cmd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nfulnl_msg_config_cmd c = {.command = cmd};

	memset(buf, 0, sizeof(buf)); /* attribute padding goes on the wire */
	nlh = put_cfg_header(buf, s, group, AF_UNSPEC);
	mnl_attr_put(nlh, NFULA_CFG_CMD, sizeof(c), &c);
	return talk(s, nlh);
}

static int cfg_params(struct nflog_sock *s, const struct nflog_cfg *cfg, uint16_t flags)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nfulnl_msg_config_mode mode;

	memset(buf, 0, sizeof(buf)); /* attribute padding goes on the wire */
	nlh = put_cfg_header(buf, s, cfg->group, AF_UNSPEC);
	memset(&mode, 0, sizeof(mode)); /* its _pad byte goes on the wire */
	mode.copy_range = htonl(cfg->copy_range);
	mode.copy_mode = NFULNL_COPY_PACKET;
	mnl_attr_put(nlh, NFULA_CFG_MODE, sizeof(mode), &mode);
	if (cfg->nlbufsiz)
		mnl_attr_put_u32(nlh, NFULA_CFG_NLBUFSIZ, htonl(cfg->nlbufsiz));
	if (cfg->qtimeout)
		mnl_attr_put_u32(nlh, NFULA_CFG_TIMEOUT, htonl(cfg->qtimeout));
	if (cfg->qthreshold)
		mnl_attr_put_u32(nlh, NFULA_CFG_QTHRESH, htonl(cfg->qthreshold));
	mnl_attr_put_u16(nlh, NFULA_CFG_FLAGS, htons(flags));
	return talk(s, nlh);
}

static int fail(struct nflog_sock *s, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct nflog_sock *s, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	nflog_sock_close(s);
	return -1;
}

int nflog_sock_open(struct nflog_sock *s, const struct nflog_cfg *cfg, char *err, size_t errlen)
{
	int one = 1, ret;

	memset(s, 0, sizeof(*s));
	s->seq = (unsigned)time(NULL);
	s->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (s->nl == NULL)
		return fail(s, err, errlen, "cannot open netfilter netlink socket: %s",
			    strerror(errno));
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return fail(s, err, errlen, "cannot bind netlink socket: %s", strerror(errno));
	s->portid = mnl_socket_get_portid(s->nl);
	/* report ENOBUFS to count kernel drops, and get extended ACK texts */
	mnl_socket_setsockopt(s->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	s->rcvbuf = rcvbuf_force(mnl_socket_get_fd(s->nl), cfg->rcvbuf);
	ret = cfg_cmd(s, cfg->group, NFULNL_CFG_CMD_BIND);
	if (ret == -EPERM && !have_net_admin())
		return fail(s, err, errlen,
			    "cannot bind NFLOG group %u: permission denied; binding needs "
			    "CAP_NET_ADMIN (run rsyslogd as root, or grant the capability)",
			    cfg->group);
	if (ret == -EPERM || ret == -EBUSY)
		return fail(s, err, errlen,
			    "cannot bind NFLOG group %u: it is already bound by another process "
			    "in this network namespace (ulogd, another rsyslogd or a "
			    "second input with the same group?); only one listener can own a group",
			    cfg->group);
	if (ret < 0)
		return fail(s, err, errlen, "cannot bind NFLOG group %u: %s", cfg->group,
			    strerror(-ret));
	ret = cfg_params(s, cfg, cfg->flags);
	if (ret == -EAGAIN) /* the kernel just loaded its conntrack glue */
		ret = cfg_params(s, cfg, cfg->flags);
	if (ret == -EOPNOTSUPP && (cfg->flags & NFULNL_CFG_F_CONNTRACK)) {
		/* Kernels without CONFIG_NETFILTER_NETLINK_GLUE_CT cannot attach
		 * conntrack to logged packets: log the packets without it. */
		s->no_conntrack = true;
		ret = cfg_params(s, cfg, cfg->flags & ~NFULNL_CFG_F_CONNTRACK);
	}
	if (ret < 0)
		return fail(s, err, errlen, "cannot configure NFLOG group %u: %s", cfg->group,
			    strerror(-ret));
	return 0;
}

int nflog_sock_unbind(struct nflog_sock *s, uint16_t group)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nfulnl_msg_config_cmd c = {.command = NFULNL_CFG_CMD_UNBIND};

	memset(buf, 0, sizeof(buf)); /* attribute padding goes on the wire */
	nlh = put_cfg_header(buf, s, group, AF_UNSPEC);
	nlh->nlmsg_flags = NLM_F_REQUEST; /* no ACK: nothing but packets to read after it */
	mnl_attr_put(nlh, NFULA_CFG_CMD, sizeof(c), &c);
	return mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
}

void nflog_sock_close(struct nflog_sock *s)
{
	if (s->nl != NULL)
		mnl_socket_close(s->nl);
	s->nl = NULL;
}

int nflog_sock_fd(const struct nflog_sock *s)
{
	return mnl_socket_get_fd(s->nl);
}
