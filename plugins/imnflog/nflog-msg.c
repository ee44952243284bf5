/* SPDX-License-Identifier: Apache-2.0 */
/* NFULNL_MSG_PACKET parsing (include/uapi/linux/netfilter/nfnetlink_log.h,
 * net/netfilter/nfnetlink_log.c __build_packet_message). */
#include "nflog-msg.h"

#include "nftime.h"
#include "nlwalk.h"

#include <arpa/inet.h>
#include <string.h>

#include <net/if_arp.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

static bool valid(const struct nlattr *a, enum mnl_attr_data_type t, struct nflog_meta *m)
{
	if (mnl_attr_validate(a, t) < 0) {
		m->bad_attrs++;
		return false;
	}
	return true;
}

static bool valid_len(const struct nlattr *a, size_t len, struct nflog_meta *m)
{
	if (mnl_attr_validate2(a, MNL_TYPE_UNSPEC, len) < 0) {
		m->bad_attrs++;
		return false;
	}
	return true;
}

static void put_u32(const struct nlattr *a, struct nflog_meta *m, unsigned flag, uint32_t *v)
{
	if (valid(a, MNL_TYPE_U32, m)) {
		*v = ntohl(mnl_attr_get_u32(a));
		m->has |= flag;
	}
}

static void parse_timestamp(const struct nlattr *a, struct nflog_meta *m)
{
	const uint8_t *p;
	uint64_t sec = 0, usec = 0;

	if (!valid_len(a, 16, m))
		return;
	p = mnl_attr_get_payload(a);
	for (int i = 0; i < 8; i++) {
		sec = sec << 8 | p[i];
		usec = usec << 8 | p[8 + i];
	}
	/* struct nfulnl_msg_packet_timestamp: two unsigned 64-bit numbers */
	if (!nf_time_ok(sec, usec)) {
		m->bad_attrs++;
		return;
	}
	m->ts_sec = (int64_t)sec;
	m->ts_usec = (int64_t)usec;
	m->has |= NFM_TIMESTAMP;
}

static void parse_hwaddr(const struct nlattr *a, struct nflog_meta *m)
{
	const uint8_t *p;
	uint16_t len;

	if (!valid_len(a, 12, m)) /* struct nfulnl_msg_packet_hw */
		return;
	p = mnl_attr_get_payload(a);
	len = (uint16_t)(p[0] << 8 | p[1]);
	if (len > sizeof(m->hwaddr)) {
		m->bad_attrs++;
		return;
	}
	m->hwaddr_len = (uint8_t)len;
	memcpy(m->hwaddr, p + 4, len);
	m->has |= NFM_HWADDR;
}

static void parse_prefix(const struct nlattr *a, struct nflog_meta *m)
{
	size_t len = mnl_attr_get_payload_len(a);
	const char *p = mnl_attr_get_payload(a);

	/* the kernel sends the prefix with its terminating NUL */
	len = strnlen(p, len);
	if (len > NFLOG_PREFIX_MAX) {
		m->bad_attrs++;
		len = NFLOG_PREFIX_MAX;
	}
	safe_text(m->prefix, sizeof(m->prefix), p, len);
	m->has |= NFM_PREFIX;
}

static int vlan_cb(const struct nlattr *a, void *data)
{
	struct nflog_meta *m = data;

	uint16_t type = mnl_attr_get_type(a);

	if ((type != NFULA_VLAN_PROTO && type != NFULA_VLAN_TCI) || !valid(a, MNL_TYPE_U16, m))
		return MNL_CB_OK;
	if (type == NFULA_VLAN_PROTO)
		m->vlan_proto = ntohs(mnl_attr_get_u16(a));
	else
		m->vlan_tci = ntohs(mnl_attr_get_u16(a));
	m->has |= NFM_VLAN;
	return MNL_CB_OK;
}

static void parse_packet_hdr(const struct nlattr *a, struct nflog_meta *m)
{
	const uint8_t *p;

	if (!valid_len(a, 4, m)) /* struct nfulnl_msg_packet_hdr */
		return;
	p = mnl_attr_get_payload(a);
	m->hw_protocol = (uint16_t)(p[0] << 8 | p[1]);
	m->hook = p[2];
}

static int attr_cb(const struct nlattr *a, void *data)
{
	struct nflog_meta *m = data;

	switch (mnl_attr_get_type(a)) {
	case NFULA_PACKET_HDR:
		parse_packet_hdr(a, m);
		break;
	case NFULA_MARK:
		put_u32(a, m, NFM_MARK, &m->mark);
		break;
	case NFULA_TIMESTAMP:
		parse_timestamp(a, m);
		break;
	case NFULA_IFINDEX_INDEV:
		put_u32(a, m, NFM_INDEV, &m->indev);
		break;
	case NFULA_IFINDEX_OUTDEV:
		put_u32(a, m, NFM_OUTDEV, &m->outdev);
		break;
	case NFULA_IFINDEX_PHYSINDEV:
		put_u32(a, m, NFM_PHYSINDEV, &m->physindev);
		break;
	case NFULA_IFINDEX_PHYSOUTDEV:
		put_u32(a, m, NFM_PHYSOUTDEV, &m->physoutdev);
		break;
	case NFULA_HWADDR:
		parse_hwaddr(a, m);
		break;
	case NFULA_PAYLOAD:
		m->payload = mnl_attr_get_payload(a);
		m->payload_len = mnl_attr_get_payload_len(a);
		m->has |= NFM_PAYLOAD;
		break;
	case NFULA_PREFIX:
		parse_prefix(a, m);
		break;
	case NFULA_UID:
		put_u32(a, m, NFM_UID, &m->uid);
		break;
	case NFULA_GID:
		put_u32(a, m, NFM_GID, &m->gid);
		break;
	case NFULA_SEQ:
		put_u32(a, m, NFM_SEQ, &m->seq);
		break;
	case NFULA_SEQ_GLOBAL:
		put_u32(a, m, NFM_SEQ_GLOBAL, &m->seq_global);
		break;
	case NFULA_HWTYPE:
		if (valid(a, MNL_TYPE_U16, m)) {
			m->hwtype = ntohs(mnl_attr_get_u16(a));
			m->has |= NFM_HWTYPE;
		}
		break;
	case NFULA_HWLEN:
		if (valid(a, MNL_TYPE_U16, m))
			m->hwlen = ntohs(mnl_attr_get_u16(a));
		break;
	case NFULA_HWHEADER:
		m->hwheader = mnl_attr_get_payload(a);
		m->hwheader_len = mnl_attr_get_payload_len(a);
		m->has |= NFM_HWHEADER;
		break;
	case NFULA_CT:
		if (valid(a, MNL_TYPE_NESTED, m)) {
			ct_parse(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a), &m->ct);
			m->bad_attrs += m->ct.bad_attrs;
			m->has |= NFM_CT;
		}
		break;
	case NFULA_CT_INFO:
		put_u32(a, m, NFM_CT_INFO, &m->ct_info);
		break;
	case NFULA_VLAN:
		if (valid(a, MNL_TYPE_NESTED, m) && !nl_walk_nested(a, vlan_cb, m))
			m->bad_attrs++;
		break;
	default: /* newer kernels may add attributes: skip them */
		break;
	}
	return MNL_CB_OK;
}

int nflog_parse(const struct nlmsghdr *nlh, struct nflog_meta *m)
{
	const struct nfgenmsg *nfg;

	memset(m, 0, sizeof(*m));
	if (nlh->nlmsg_type != ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET) ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)))
		return -1;
	nfg = mnl_nlmsg_get_payload(nlh);
	m->family = nfg->nfgen_family;
	m->group = ntohs(nfg->res_id);
	if (!nl_walk(mnl_nlmsg_get_payload_offset(nlh, sizeof(*nfg)),
		     mnl_nlmsg_get_payload_len(nlh) - MNL_ALIGN(sizeof(*nfg)), attr_cb, m))
		m->bad_attrs++;
	/* Ethernet without a link-layer header (a host's own multicast, looped
	 * back: its MAC header offset is the network header's) still gets
	 * NFULA_HWHEADER, the IP header's first bytes; NFULA_HWADDR comes only
	 * with a real header (nfnetlink_log.c: dev_parse_header), and the LOG
	 * target then prints an empty MAC= (nf_log_syslog.c dump_mac_header:
	 * mac_header != network_header). */
	if ((m->has & NFM_HWHEADER) && (m->has & NFM_HWTYPE) && m->hwtype == ARPHRD_ETHER &&
	    !(m->has & NFM_HWADDR)) {
		m->has &= ~NFM_HWHEADER;
		m->hwheader = NULL;
		m->hwheader_len = 0;
	}
	/* the HWHEADER length is also sent as HWLEN; trust the shorter */
	if (m->hwheader_len > m->hwlen && m->hwlen)
		m->hwheader_len = m->hwlen;
	if (m->hwheader_len > NFLOG_HWHEADER_MAX)
		m->hwheader_len = NFLOG_HWHEADER_MAX;
	return 0;
}
