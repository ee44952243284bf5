/* SPDX-License-Identifier: Apache-2.0 */
/* Field emission: values come from the record, names and types from the
 * field table. The emission order is the table's order, which is ulogd2's. */
#include "nflog-fields.h"

#include "ipproto.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <json.h>

#include "community-id.h"
#include "jemit.h"
#include "ctattr.h"
#include "strbuf.h"

const struct field_desc nflog_fields[NFF_COUNT] = {
#define F(id, ut, uk, et, ek, doc) [NFF_##id] = {#id, {FT_##et, FT_##ut}, {ek, uk}, doc},
#include "nflog-fields.def"
#undef F
};

struct field_table nflog_table = {nflog_fields, NFF_COUNT, 0, {{0}}};

static const char *hook_name(uint8_t family, uint8_t hook)
{
	static const char *const inet[] = {"prerouting", "input", "forward", "output",
					   "postrouting"};

	if (family == 5) /* NFPROTO_NETDEV */
		return hook == 0 ? "ingress" : "egress";
	return hook < 5 ? inet[hook] : "unknown";
}

static bool verdict_allows(const char *v)
{
	return strcmp(v, "accept") == 0 || strcmp(v, "allow") == 0 || strcmp(v, "allowed") == 0;
}

void nflog_emit_header(struct jemit *e, const struct timeval *tv, const struct nflog_opts *o)
{
	static const char *const category[] = {"network"};
	const char *type[2] = {"connection", NULL};
	size_t ntype = 1;

	je_timestamp(e, NFF_TIMESTAMP, tv, true);
	if (o->device)
		je_str(e, NFF_DVC, o->device);
	je_str(e, NFF_ECS_VERSION, "8.11.0");
	je_str(e, NFF_EVENT_KIND, "event");
	je_list(e, NFF_EVENT_CATEGORY, category, 1);
	if (o->verdict)
		type[ntype++] = verdict_allows(o->verdict) ? "allowed" : "denied";
	je_list(e, NFF_EVENT_TYPE, type, ntype);
	je_str(e, NFF_EVENT_MODULE, "netfilter");
	je_str(e, NFF_EVENT_DATASET, "netfilter.nflog");
}

void nflog_emit_action(struct jemit *e, const struct nflog_opts *o)
{
	if (o->verdict)
		je_str(e, NFF_ACTION,
		       e->schema == NF_SCHEMA_ECS
			       ? o->verdict
			       : (verdict_allows(o->verdict) ? "allowed" : "blocked"));
}

static void emit_meta(struct jemit *e, const struct nflog_record *r, const struct nflog_opts *o)
{
	const struct nflog_meta *m = r->meta;

	je_int(e, NFF_RAW_PKTLEN, (int64_t)m->payload_len);
	je_int(e, NFF_RAW_PKTCOUNT, 1);
	/* ulogd2 always sends the prefix, empty or not; ECS omits an empty rule.name */
	if (e->schema == NF_SCHEMA_ULOGD || m->prefix[0])
		je_str(e, NFF_OOB_PREFIX, m->prefix);
	je_int(e, NFF_OOB_TIME_SEC, r->tv.tv_sec);
	je_int(e, NFF_OOB_TIME_USEC, r->tv.tv_usec);
	je_int(e, NFF_OOB_MARK, m->mark);
	if (m->indev)
		je_int(e, NFF_OOB_IFINDEX_IN, m->indev);
	if (m->outdev)
		je_int(e, NFF_OOB_IFINDEX_OUT, m->outdev);
	je_int(e, NFF_OOB_HOOK, m->hook);
	je_str(e, NFF_HOOK_NAME, hook_name(m->family, m->hook));
	if (m->has & NFM_HWHEADER)
		je_int(e, NFF_RAW_MAC_LEN, (int64_t)m->hwheader_len);
	if (m->has & NFM_SEQ)
		je_int(e, NFF_OOB_SEQ_LOCAL, m->seq);
	if (m->has & NFM_SEQ_GLOBAL)
		je_int(e, NFF_OOB_SEQ_GLOBAL, m->seq_global);
	je_int(e, NFF_OOB_FAMILY, m->family);
	je_int(e, NFF_OOB_PROTOCOL, m->hw_protocol);
	if (m->has & NFM_UID)
		je_int(e, NFF_OOB_UID, m->uid);
	if (m->has & NFM_GID)
		je_int(e, NFF_OOB_GID, m->gid);
	/* ulogd2's raw.label is always there (numeric_label, default 0);
	 * its JSON boolean_label turns it into "action" */
	if (o->has_label || (e->schema == NF_SCHEMA_ULOGD && !o->verdict))
		je_int(e, NFF_RAW_LABEL, o->label);
	nflog_emit_action(e, o);
	/* ulogd2's HWHDR: ARPHRD_VOID when only the source address came */
	if (m->has & NFM_HWHEADER)
		je_int(e, NFF_RAW_TYPE, m->hwtype);
	else if (m->has & NFM_HWADDR)
		je_int(e, NFF_RAW_TYPE, 0xffff);
	if (m->has & NFM_HWADDR)
		je_int(e, NFF_RAW_MAC_ADDRLEN, m->hwaddr_len);
	je_int(e, NFF_GROUP, m->group);
	if (m->has & NFM_VLAN)
		je_int(e, NFF_VLAN_ID, m->vlan_tci & 0x0fff);
	else if (r->pkt->nvlan)
		je_int(e, NFF_VLAN_ID, r->pkt->vlan_tci[0] & 0x0fff);
}

static void emit_ipv4(struct jemit *e, const struct nfd_ipv4 *ip)
{
	const char *flags[3];
	size_t n = 0;

	je_int(e, NFF_IP_TOS, ip->tos);
	je_int(e, NFF_IP_TTL, ip->ttl);
	je_int(e, NFF_IP_TOTLEN, ip->totlen);
	je_int(e, NFF_IP_IHL, ip->ihl);
	je_int(e, NFF_IP_CSUM, ip->csum);
	je_int(e, NFF_IP_ID, ip->id);
	je_int(e, NFF_IP_FRAGOFF, ip->frag);
	if (ip->frag & 0x8000)
		flags[n++] = "CE";
	if (ip->frag & 0x4000)
		flags[n++] = "DF";
	if (ip->frag & 0x2000)
		flags[n++] = "MF";
	if (n)
		je_list(e, NFF_IP_FLAGS, flags, n);
	if (ip->frag & 0x1fff)
		je_int(e, NFF_IP_FRAG_BYTES, (ip->frag & 0x1fff) * 8);
	if (ip->optlen)
		je_hex(e, NFF_IP_OPTIONS, ip->opt, ip->optlen);
}

static void emit_ipv6(struct jemit *e, const struct nfd_l3 *l3)
{
	const struct nfd_ipv6 *ip = &l3->v6;

	je_int(e, NFF_IP6_PAYLOADLEN, ip->payloadlen);
	je_int(e, NFF_IP6_PRIORITY, ip->tclass);
	je_int(e, NFF_IP6_FLOWLABEL, ip->flowlabel);
	je_int(e, NFF_IP6_HOPLIMIT, ip->hoplimit);
	je_int(e, NFF_IP6_NEXTHDR, l3->has_l4proto ? l3->l4proto : ip->nexthdr);
	if (ip->has_frag) {
		je_int(e, NFF_IP6_FRAGOFF, ip->fragoff);
		je_int(e, NFF_IP6_FRAGID, ip->fragid);
	}
}

static void emit_tcp(struct jemit *e, const struct nfd_tcp *t)
{
	static const char *const names[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
	const char *flags[8];
	size_t n = 0;

	je_int(e, NFF_SRC_PORT, t->sport);
	je_int(e, NFF_DEST_PORT, t->dport);
	je_int(e, NFF_TCP_SEQ, t->seq);
	je_int(e, NFF_TCP_ACKSEQ, t->ack);
	je_int(e, NFF_TCP_WINDOW, t->window);
	je_int(e, NFF_TCP_OFFSET, t->doff);
	je_int(e, NFF_TCP_RESERVED, t->res);
	je_int(e, NFF_TCP_URG, t->flags & NFD_TCP_URG);
	if (e->schema == NF_SCHEMA_ECS || (t->flags & NFD_TCP_URG))
		je_int(e, NFF_TCP_URGP, t->urgp);
	je_int(e, NFF_TCP_ACK, t->flags & NFD_TCP_ACK);
	je_int(e, NFF_TCP_PSH, t->flags & NFD_TCP_PSH);
	je_int(e, NFF_TCP_RST, t->flags & NFD_TCP_RST);
	je_int(e, NFF_TCP_SYN, t->flags & NFD_TCP_SYN);
	je_int(e, NFF_TCP_FIN, t->flags & NFD_TCP_FIN);
	je_int(e, NFF_TCP_RES1, t->res);
	je_int(e, NFF_TCP_RES2, t->flags >> 6);
	je_int(e, NFF_TCP_CSUM, t->csum);
	for (int i = 7; i >= 0; i--)
		if (t->flags & (1u << i))
			flags[n++] = names[i];
	je_list(e, NFF_TCP_FLAGS, flags, n);
	if (t->opts & NFD_TCPOPT_MSS)
		je_int(e, NFF_TCP_MSS, t->mss);
	if (t->opts & NFD_TCPOPT_WSCALE)
		je_int(e, NFF_TCP_WSCALE, t->wscale);
	if (t->opts & NFD_TCPOPT_SACK_PERM)
		je_int(e, NFF_TCP_SACK_PERM, 1);
	if (t->opts & NFD_TCPOPT_TIMESTAMP) {
		je_int(e, NFF_TCP_TSVAL, t->ts_val);
		je_int(e, NFF_TCP_TSECR, t->ts_ecr);
	}
}

/* enum nfd_anomaly bits by name, in bit order */
static void emit_anomalies(struct jemit *e, int f, unsigned bits)
{
	static const char *const names[] = {
		"ipv4-version", "ipv4-ihl",	  "ipv4-totlen", "ipv4-option",
		"ipv6-version", "ipv6-ext-limit", "tcp-doff",	 "tcp-option",
		"udp-len",	"vlan-depth",	  "unknown-l3",
	};
	const char *list[sizeof(names) / sizeof(names[0])];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (bits & (1u << i))
			list[n++] = names[i];
	if (n)
		je_list(e, f, list, n);
}

static void emit_icmp(struct jemit *e, const struct nfd_icmp *ic)
{
	je_int(e, NFF_ICMP_TYPE, ic->type);
	je_int(e, NFF_ICMP_CODE, ic->code);
	if (ic->has_echo) {
		je_int(e, NFF_ICMP_ECHOID, ic->echo_id);
		je_int(e, NFF_ICMP_ECHOSEQ, ic->echo_seq);
	}
	if (ic->has_gateway)
		je_addr(e, NFF_ICMP_GATEWAY, ic->gateway, 4);
	if (ic->has_mtu)
		je_int(e, NFF_ICMP_FRAGMTU, ic->mtu);
	if (ic->has_param)
		je_int(e, NFF_ICMP_PARAM, ic->param);
	je_int(e, NFF_ICMP_CSUM, ic->csum);
}

static void emit_icmpv6(struct jemit *e, const struct nfd_icmp *ic)
{
	je_int(e, NFF_ICMPV6_TYPE, ic->type);
	je_int(e, NFF_ICMPV6_CODE, ic->code);
	if (ic->has_echo) {
		je_int(e, NFF_ICMPV6_ECHOID, ic->echo_id);
		je_int(e, NFF_ICMPV6_ECHOSEQ, ic->echo_seq);
	}
	if (ic->has_mtu)
		je_int(e, NFF_ICMPV6_MTU, ic->mtu);
	if (ic->has_param)
		je_int(e, NFF_ICMPV6_POINTER, ic->param);
	je_int(e, NFF_ICMPV6_CSUM, ic->csum);
}

static void emit_inner(struct jemit *e, const struct nfd_packet *pkt)
{
	const struct nfd_l3 *in = &pkt->inner;
	int alen = in->kind == NFD_L3_IPV4 ? 4 : 16;

	if (!pkt->has_inner)
		return;
	if (in->hdr_ok) {
		je_addr(e, NFF_INNER_SRC_IP, in->kind == NFD_L3_IPV4 ? in->v4.saddr : in->v6.saddr,
			alen);
		je_addr(e, NFF_INNER_DST_IP, in->kind == NFD_L3_IPV4 ? in->v4.daddr : in->v6.daddr,
			alen);
		if (in->has_l4proto)
			je_int(e, NFF_INNER_PROTO, in->l4proto);
		if (in->has_ports) {
			je_int(e, NFF_INNER_SRC_PORT, in->sport);
			je_int(e, NFF_INNER_DST_PORT, in->dport);
		}
	}
	if (pkt->inner_truncated != NFD_LAYER_NONE)
		je_str(e, NFF_INNER_TRUNCATED, nfd_layer_name(pkt->inner_truncated));
	emit_anomalies(e, NFF_INNER_ANOMALIES, pkt->inner_anomalies);
}

static void emit_l4(struct jemit *e, const struct nfd_packet *pkt)
{
	const struct nfd_l3 *l3 = &pkt->l3;

	switch (l3->l4) {
	case NFD_L4_TCP:
		emit_tcp(e, &l3->tcp);
		break;
	case NFD_L4_UDP:
		je_int(e, NFF_SRC_PORT, l3->udp.sport);
		je_int(e, NFF_DEST_PORT, l3->udp.dport);
		je_int(e, NFF_UDP_LEN, l3->udp.len);
		je_int(e, NFF_UDP_CSUM, l3->udp.csum);
		break;
	case NFD_L4_ICMP:
		emit_icmp(e, &l3->icmp);
		emit_inner(e, pkt);
		break;
	case NFD_L4_ICMPV6:
		emit_icmpv6(e, &l3->icmp);
		emit_inner(e, pkt);
		break;
	case NFD_L4_IPSEC:
		je_int(e, NFF_AHESP_SPI, l3->spi);
		break;
	case NFD_L4_GRE:
		je_int(e, NFF_GRE_PROTO, l3->gre.proto);
		if (l3->gre.has_key)
			je_int(e, NFF_GRE_KEY, l3->gre.key);
		break;
	case NFD_L4_DCCP:
		/* ulogd2 has no DCCP ports: ECS only */
		if (e->schema == NF_SCHEMA_ECS) {
			je_int(e, NFF_SRC_PORT, l3->ports.sport);
			je_int(e, NFF_DEST_PORT, l3->ports.dport);
		}
		je_int(e, NFF_DCCP_TYPE, l3->ports.dccp_type);
		break;
	case NFD_L4_SCTP:
		je_int(e, NFF_SRC_PORT, l3->ports.sport);
		je_int(e, NFF_DEST_PORT, l3->ports.dport);
		je_int(e, NFF_SCTP_VTAG, l3->ports.sctp_vtag);
		je_int(e, NFF_SCTP_CSUM, l3->ports.sctp_csum);
		break;
	default:
		/* a transport header cut after its ports: ECS keeps them
		 * (ulogd2's BASE decodes whole headers only) */
		if (l3->has_ports && e->schema == NF_SCHEMA_ECS) {
			je_int(e, NFF_SRC_PORT, l3->sport);
			je_int(e, NFF_DEST_PORT, l3->dport);
		}
		break;
	}
	/* AH as an IPv6 extension header, before the transport; AH then ESP:
	 * the field is ESP's */
	if (l3->has_ah_spi && l3->l4 != NFD_L4_IPSEC)
		je_int(e, NFF_AHESP_SPI, l3->ah_spi);
}

static void emit_arp(struct jemit *e, const struct nfd_arp *a)
{
	je_int(e, NFF_ARP_HWTYPE, a->hrd);
	je_int(e, NFF_ARP_PROTOCOLTYPE, a->pro);
	je_int(e, NFF_ARP_OPERATION, a->op);
	if (!a->has_addrs)
		return;
	je_mac(e, NFF_ARP_SHA, a->sha, 6);
	je_mac(e, NFF_ARP_THA, a->tha, 6);
}

static void emit_network(struct jemit *e, const struct nflog_record *r, const struct nflog_opts *o)
{
	const struct nfd_l3 *l3 = &r->pkt->l3;
	static const char *const types[] = {NULL, "ipv4", "ipv6", "arp"};
	const char *tr;

	if (types[l3->kind])
		je_str(e, NFF_NETWORK_TYPE, types[l3->kind]);
	if (!l3->hdr_ok || l3->kind == NFD_L3_ARP)
		return;
	if (l3->has_l4proto) {
		je_int(e, NFF_IP_PROTOCOL, l3->l4proto);
		if ((tr = ip_proto_name(l3->l4proto)) != NULL)
			je_str(e, NFF_TRANSPORT, tr);
	}
	je_int(e, NFF_NETWORK_BYTES,
	       l3->kind == NFD_L3_IPV4 ? l3->v4.totlen : l3->v6.payloadlen + 40);
	if (o->community_id && e->schema == NF_SCHEMA_ECS && l3->has_l4proto) {
		char cid[COMMUNITY_ID_LEN];
		int alen = l3->kind == NFD_L3_IPV4 ? 4 : 16;
		const uint8_t *s = alen == 4 ? l3->v4.saddr : l3->v6.saddr;
		const uint8_t *d = alen == 4 ? l3->v4.daddr : l3->v6.daddr;
		uint16_t sp = l3->sport, dp = l3->dport;
		bool ports = l3->has_ports &&
			     (l3->l4proto == 6 || l3->l4proto == 17 || l3->l4proto == 132);

		if (l3->l4 == NFD_L4_ICMP || l3->l4 == NFD_L4_ICMPV6) {
			ports = true;
			sp = l3->icmp.type;
			dp = l3->icmp.code;
		}
		community_id_v1(o->community_id_seed, s, d, (size_t)alen, l3->l4proto, ports, sp,
				dp, cid);
		je_str(e, NFF_COMMUNITY_ID, cid);
	}
}

static void emit_names(struct jemit *e, const struct nflog_record *r)
{
	const struct nflog_meta *m = r->meta;
	bool ulogd = e->schema == NF_SCHEMA_ULOGD;

	/* ulogd2's IFINDEX always emits both names, empty when absent */
	if (ulogd || r->in[0])
		je_str(e, NFF_OOB_IN, r->in);
	if (ulogd || r->out[0])
		je_str(e, NFF_OOB_OUT, r->out);
	if ((m->has & NFM_PHYSINDEV) && r->physin[0])
		je_str(e, NFF_PHYSIN, r->physin);
	if ((m->has & NFM_PHYSOUTDEV) && r->physout[0])
		je_str(e, NFF_PHYSOUT, r->physout);
}

static void emit_addrs(struct jemit *e, const struct nfd_l3 *l3)
{
	if (!l3->hdr_ok)
		return;
	if (l3->kind == NFD_L3_IPV4) {
		je_addr(e, NFF_SRC_IP, l3->v4.saddr, 4);
		je_addr(e, NFF_DEST_IP, l3->v4.daddr, 4);
	} else if (l3->kind == NFD_L3_IPV6) {
		je_addr(e, NFF_SRC_IP, l3->v6.saddr, 16);
		je_addr(e, NFF_DEST_IP, l3->v6.daddr, 16);
	} else if (l3->kind == NFD_L3_ARP && l3->arp.has_addrs) {
		je_addr(e, NFF_ARP_SADDR, l3->arp.spa, 4);
		je_addr(e, NFF_ARP_DADDR, l3->arp.tpa, 4);
	}
}

/* As ulogd2's HWHDR: the source address NFLOG sends (NFULA_HWADDR, from
 * the device's header_ops, any link type), else the Ethernet header's;
 * the destination from an Ethernet (ARPHRD_ETHER) header only. */
static void emit_mac(struct jemit *e, const struct nflog_meta *m)
{
	bool ether = (m->has & NFM_HWHEADER) && m->hwtype == 1 && m->hwheader_len >= 14;

	if ((m->has & NFM_HWADDR) && m->hwaddr_len)
		je_mac(e, NFF_MAC_SADDR, m->hwaddr, m->hwaddr_len);
	else if (ether)
		je_mac(e, NFF_MAC_SADDR, m->hwheader + 6, 6);
	if (ether)
		je_mac(e, NFF_MAC_DADDR, m->hwheader, 6);
	if ((m->has & NFM_HWHEADER) && m->hwheader_len)
		je_hex_colons(e, NFF_MAC_STR, m->hwheader, m->hwheader_len);
}

/* Conntrack attached to the packet (NFULNL_CFG_F_CONNTRACK). The reply
 * tuple read backwards is the translated view: SNAT shows in its
 * destination, DNAT in its source (IPS_SRC_NAT / IPS_DST_NAT). */
static void emit_ct(struct jemit *e, const struct nflog_meta *m)
{
	const struct ct_info *ct = &m->ct;
	const char *status[16];
	size_t n = 0;
	int alen;

	if (m->has & NFM_CT_INFO)
		je_str(e, NFF_CT_STATE, ct_ctinfo_name(m->ct_info));
	if (!(m->has & NFM_CT))
		return;
	if (ct->has & CTH_ID)
		je_int(e, NFF_CT_ID, ct->id);
	if (ct->has & CTH_MARK)
		je_int(e, NFF_CT_MARK, ct->mark);
	if (ct->has & CTH_ZONE)
		je_int(e, NFF_CT_ZONE, ct->zone);
	if (ct->has & CTH_STATUS) {
		for (unsigned b = 0; b < 16; b++)
			if ((ct->status & (1u << b)) && ct_status_name(b))
				status[n++] = ct_status_name(b);
		je_list(e, NFF_CT_STATUS, status, n);
	}
	if (!(ct->has & CTH_REPLY) || !(ct->has & CTH_STATUS) || ct->reply.l3 == 0)
		return;
	alen = ct->reply.l3 == 4 ? 4 : 16;
	if (ct->status & (1u << 4)) {
		je_addr(e, NFF_SNAT_IP, ct->reply.dst, alen);
		if (ct->reply.has_ports)
			je_int(e, NFF_SNAT_PORT, ct->reply.dport);
	}
	if (ct->status & (1u << 5)) {
		je_addr(e, NFF_DNAT_IP, ct->reply.src, alen);
		if (ct->reply.has_ports)
			je_int(e, NFF_DNAT_PORT, ct->reply.sport);
	}
}

static void emit_decode_status(struct jemit *e, const struct nfd_packet *pkt)
{
	if (pkt->truncated != NFD_LAYER_NONE)
		je_str(e, NFF_TRUNCATED, nfd_layer_name(pkt->truncated));
	emit_anomalies(e, NFF_ANOMALIES, pkt->anomalies);
}

static void emit_all(struct jemit *e, const struct nflog_record *r, const struct nflog_opts *o)
{
	const struct nfd_l3 *l3 = &r->pkt->l3;

	nflog_emit_header(e, &r->tv, o);
	emit_meta(e, r, o);
	emit_network(e, r, o);
	if (l3->hdr_ok && l3->kind == NFD_L3_IPV4)
		emit_ipv4(e, &l3->v4);
	else if (l3->hdr_ok && l3->kind == NFD_L3_IPV6)
		emit_ipv6(e, l3);
	emit_l4(e, r->pkt);
	if (l3->hdr_ok && l3->kind == NFD_L3_ARP)
		emit_arp(e, &l3->arp);
	emit_names(e, r);
	emit_addrs(e, l3);
	emit_mac(e, r->meta);
	emit_ct(e, r->meta);
	emit_decode_status(e, r->pkt);
}

struct fjson_object *nflog_fields_json(const struct nflog_record *r, const struct nflog_opts *o)
{
	struct jemit e;

	if (!je_init(&e, &nflog_table, o->schema, o->select))
		return NULL;
	emit_all(&e, r, o);
	return e.root;
}

size_t nflog_fields_text(const struct nflog_record *r, const struct nflog_opts *o, char *buf,
			 size_t size, bool *complete)
{
	struct je_text t;
	struct jemit e;

	je_init_text(&e, &nflog_table, o->schema, &t);
	emit_all(&e, r, o);
	return je_render(&e, buf, size, complete);
}
