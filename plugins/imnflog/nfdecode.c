/* SPDX-License-Identifier: Apache-2.0 */
/* Pure L2-L4 packet decoder for NFLOG payloads.
 *
 * Protocol rules follow the RFCs named at each decoder and the kernel's own
 * logger (net/netfilter/nf_log_syslog.c), whose text we reproduce: L4 only
 * from first fragments, ICMP errors quote an inner packet decoded exactly
 * once, and every read goes through the span getters.
 */
#include "nfdecode.h"

#include <string.h>

#include "span.h"

enum {
	ETH_IP = 0x0800,
	ETH_ARP = 0x0806,
	ETH_RARP = 0x8035,
	ETH_VLAN = 0x8100,
	ETH_QINQ = 0x88a8,
	ETH_IPV6 = 0x86dd,
};

enum {
	P_HOPOPTS = 0,
	P_ICMP = 1,
	P_TCP = 6,
	P_UDP = 17,
	P_DCCP = 33,
	P_ROUTING = 43,
	P_FRAGMENT = 44,
	P_GRE = 47,
	P_ESP = 50,
	P_AH = 51,
	P_ICMPV6 = 58,
	P_NONE = 59,
	P_DSTOPTS = 60,
	P_SCTP = 132,
	P_UDPLITE = 136,
};

/* Where a decoder records what it finds: the packet's own status, or the
 * quoted inner packet's (depth 1). */
struct dctx {
	struct nfd_packet *pkt;
	enum nfd_layer *truncated;
	unsigned *anomalies;
	int depth;
};

static void mark_truncated(struct dctx *c, enum nfd_layer layer)
{
	if (*c->truncated == NFD_LAYER_NONE)
		*c->truncated = layer;
}

static void anomaly(struct dctx *c, enum nfd_anomaly a)
{
	*c->anomalies |= a;
}

static void decode_l3(struct dctx *c, struct nfd_l3 *l3, uint16_t ethertype, struct span s);

/* The ports open TCP, UDP, UDP-Lite, SCTP (RFC 9260 section 3.1) and DCCP
 * (RFC 4340 section 5.1): kept even when the rest was not captured. */
static void decode_ports(struct nfd_l3 *l3, const struct span *s)
{
	if (get_be16(s, 0, &l3->sport) && get_be16(s, 2, &l3->dport))
		l3->has_ports = true;
}

/* TCP options, RFC 9293 section 3.1: kind 0 ends the list, kind 1 is one
 * byte, every other option carries a length that covers kind and length. */
static void decode_tcp_options(struct dctx *c, struct nfd_tcp *t)
{
	struct span o = {t->opt, t->optlen};
	size_t off = 0;

	while (off < o.len) {
		uint8_t kind, olen;

		if (!get_u8(&o, off, &kind) || kind == 0)
			return;
		if (kind == 1) {
			off++;
			continue;
		}
		if (!get_u8(&o, off + 1, &olen)) {
			mark_truncated(c, NFD_LAYER_TCP);
			return;
		}
		if (olen < 2 || olen > o.len - off) {
			anomaly(c, NFD_BAD_TCP_OPTION);
			return;
		}
		switch (kind) {
		case 2: /* MSS */
			if (olen != 4 || !get_be16(&o, off + 2, &t->mss))
				goto bad;
			t->opts |= NFD_TCPOPT_MSS;
			break;
		case 3: /* window scale, RFC 7323 section 2 */
			if (olen != 3 || !get_u8(&o, off + 2, &t->wscale))
				goto bad;
			t->opts |= NFD_TCPOPT_WSCALE;
			break;
		case 4: /* SACK permitted, RFC 2018 */
			if (olen != 2)
				goto bad;
			t->opts |= NFD_TCPOPT_SACK_PERM;
			break;
		case 5: /* SACK blocks */
			t->opts |= NFD_TCPOPT_SACK;
			break;
		case 8: /* timestamps, RFC 7323 section 3 */
			if (olen != 10 || !get_be32(&o, off + 2, &t->ts_val) ||
			    !get_be32(&o, off + 6, &t->ts_ecr))
				goto bad;
			t->opts |= NFD_TCPOPT_TIMESTAMP;
			break;
		default:
			break;
		}
		off += olen;
	}
	return;
bad:
	anomaly(c, NFD_BAD_TCP_OPTION);
}

/* TCP, RFC 9293 section 3.1. The kernel needs the 20-byte fixed header. */
static void decode_tcp(struct dctx *c, struct nfd_l3 *l3, const struct span *s)
{
	struct nfd_tcp *t = &l3->tcp;
	uint8_t off_res;
	size_t hlen;

	decode_ports(l3, s);
	if (!span_has(s, 0, 20)) {
		mark_truncated(c, NFD_LAYER_TCP);
		return;
	}
	memset(t, 0, sizeof(*t));
	get_be16(s, 0, &t->sport);
	get_be16(s, 2, &t->dport);
	get_be32(s, 4, &t->seq);
	get_be32(s, 8, &t->ack);
	get_u8(s, 12, &off_res);
	get_u8(s, 13, &t->flags);
	get_be16(s, 14, &t->window);
	get_be16(s, 16, &t->csum);
	get_be16(s, 18, &t->urgp);
	t->doff = off_res >> 4;
	t->res = off_res & 0x0f;
	l3->l4 = NFD_L4_TCP;
	if (t->doff < 5) {
		anomaly(c, NFD_BAD_TCP_DOFF);
		return;
	}
	hlen = (size_t)t->doff * 4;
	t->optlen = (uint8_t)(hlen - 20);
	if (!span_has(s, 20, t->optlen)) {
		mark_truncated(c, NFD_LAYER_TCP);
		t->optlen = (uint8_t)(s->len - 20);
	}
	get_bytes(s, 20, t->opt, t->optlen);
	decode_tcp_options(c, t);
}

/* UDP (RFC 768) and UDP-Lite (RFC 3828, where the length field is the
 * checksum coverage and so is not checked). The length is checked against
 * what the IP header declares, not against what was captured: a snaplen
 * or an ICMP quote cuts the datagram, not its length. A first fragment's
 * UDP length covers all fragments. */
static void decode_udp(struct dctx *c, struct nfd_l3 *l3, const struct span *s)
{
	struct nfd_udp *u = &l3->udp;

	decode_ports(l3, s);
	if (!span_has(s, 0, 8)) {
		mark_truncated(c, NFD_LAYER_UDP);
		return;
	}
	get_be16(s, 0, &u->sport);
	get_be16(s, 2, &u->dport);
	get_be16(s, 4, &u->len);
	get_be16(s, 6, &u->csum);
	l3->l4 = NFD_L4_UDP;
	if (l3->l4proto != P_UDP)
		return;
	if (u->len < 8 ||
	    (!l3->first_frag && l3->l4_declared != NFD_LEN_UNKNOWN && u->len > l3->l4_declared))
		anomaly(c, NFD_BAD_UDP_LEN);
}

/* Bytes an ICMP message of each type needs, from the start of the ICMP
 * header, before the kernel prints its fields (nf_log_syslog.c required_len). */
static size_t icmp_required_len(uint8_t type)
{
	switch (type) {
	case 0:
	case 8:
		return 4;
	case 3:
	case 4:
	case 5:
	case 11:
	case 12:
		return 8 + 20;
	case 13:
	case 14:
		return 20;
	case 17:
	case 18:
		return 12;
	default:
		return 0;
	}
}

/* The quoted packet of an ICMP or ICMPv6 error, decoded once (only from
 * the outer packet), as the kernel does; its status is its own. */
static void decode_inner(struct dctx *c, uint16_t ethertype, const struct span *s)
{
	struct nfd_packet *pkt = c->pkt;
	struct dctx in = {pkt, &pkt->inner_truncated, &pkt->inner_anomalies, 1};

	if (c->depth != 0)
		return;
	pkt->has_inner = true;
	decode_l3(&in, &pkt->inner, ethertype, span_sub(s, 8));
}

/* ICMP, RFC 792 (MTU from RFC 1191). */
static void decode_icmp(struct dctx *c, struct nfd_l3 *l3, const struct span *s)
{
	struct nfd_icmp *ic = &l3->icmp;
	uint16_t mtu;
	uint8_t ptr;

	if (!span_has(s, 0, 8)) {
		mark_truncated(c, NFD_LAYER_ICMP);
		return;
	}
	memset(ic, 0, sizeof(*ic));
	get_u8(s, 0, &ic->type);
	get_u8(s, 1, &ic->code);
	get_be16(s, 2, &ic->csum);
	l3->l4 = NFD_L4_ICMP;
	if (s->len < icmp_required_len(ic->type)) {
		ic->short_for_type = true;
		mark_truncated(c, NFD_LAYER_ICMP);
		return;
	}
	switch (ic->type) {
	case 0:
	case 8:
		ic->has_echo = true;
		get_be16(s, 4, &ic->echo_id);
		get_be16(s, 6, &ic->echo_seq);
		return;
	case 12:
		ic->has_param = true;
		get_u8(s, 4, &ptr);
		ic->param = ptr;
		break;
	case 5:
		ic->has_gateway = true;
		get_bytes(s, 4, ic->gateway, 4);
		break;
	case 3:
		if (ic->code == 4) {
			ic->has_mtu = true;
			get_be16(s, 6, &mtu);
			ic->mtu = mtu;
		}
		break;
	case 4:
	case 11:
		break;
	default:
		return;
	}
	decode_inner(c, ETH_IP, s);
}

/* ICMPv6, RFC 4443 section 2.1 and 3. */
static void decode_icmpv6(struct dctx *c, struct nfd_l3 *l3, const struct span *s)
{
	struct nfd_icmp *ic = &l3->icmp;

	if (!span_has(s, 0, 8)) {
		mark_truncated(c, NFD_LAYER_ICMPV6);
		return;
	}
	memset(ic, 0, sizeof(*ic));
	get_u8(s, 0, &ic->type);
	get_u8(s, 1, &ic->code);
	get_be16(s, 2, &ic->csum);
	l3->l4 = NFD_L4_ICMPV6;
	switch (ic->type) {
	case 128:
	case 129:
		ic->has_echo = true;
		get_be16(s, 4, &ic->echo_id);
		get_be16(s, 6, &ic->echo_seq);
		return;
	case 2:
		ic->has_mtu = true;
		get_be32(s, 4, &ic->mtu);
		break;
	case 4:
		ic->has_param = true;
		get_be32(s, 4, &ic->param);
		break;
	case 1:
	case 3:
		break;
	default:
		return;
	}
	decode_inner(c, ETH_IPV6, s);
}

/* SCTP common header, RFC 9260 section 3.1. */
static void decode_sctp(struct dctx *c, struct nfd_l3 *l3, const struct span *s)
{
	decode_ports(l3, s);
	if (!span_has(s, 0, 12)) {
		mark_truncated(c, NFD_LAYER_SCTP);
		return;
	}
	get_be16(s, 0, &l3->ports.sport);
	get_be16(s, 2, &l3->ports.dport);
	get_be32(s, 4, &l3->ports.sctp_vtag);
	get_be32(s, 8, &l3->ports.sctp_csum);
	l3->l4 = NFD_L4_SCTP;
}

/* DCCP generic header, RFC 4340 section 5.1. */
static void decode_dccp(struct dctx *c, struct nfd_l3 *l3, const struct span *s)
{
	uint8_t b;

	decode_ports(l3, s);
	if (!span_has(s, 0, 12)) {
		mark_truncated(c, NFD_LAYER_DCCP);
		return;
	}
	get_be16(s, 0, &l3->ports.sport);
	get_be16(s, 2, &l3->ports.dport);
	get_u8(s, 8, &b);
	l3->ports.dccp_type = (b >> 1) & 0x0f;
	l3->l4 = NFD_L4_DCCP;
}

/* GRE: RFC 2784 with the key of RFC 2890, and RFC 1701, whose routing
 * bit (R) also brings the checksum and offset word before the key.
 * Version 1 (PPTP, RFC 2637) always carries the key field. */
static void decode_gre(struct dctx *c, struct nfd_l3 *l3, const struct span *s)
{
	struct nfd_gre *g = &l3->gre;
	size_t off = 4;

	if (!span_has(s, 0, 4)) {
		mark_truncated(c, NFD_LAYER_GRE);
		return;
	}
	memset(g, 0, sizeof(*g));
	get_be16(s, 0, &g->flags);
	get_be16(s, 2, &g->proto);
	l3->l4 = NFD_L4_GRE;
	if (g->flags & 0xc000) /* C or R: checksum and offset (RFC 1701 section 2.1) */
		off += 4;
	if (!(g->flags & 0x2000))
		return;
	if (!get_be32(s, off, &g->key)) {
		mark_truncated(c, NFD_LAYER_GRE);
		return;
	}
	g->has_key = true;
}

/* AH (RFC 4302 section 2: SPI at offset 4 of a 12-byte header) and ESP
 * (RFC 4303 section 2: SPI first, then the sequence number). */
static void decode_ipsec(struct dctx *c, struct nfd_l3 *l3, const struct span *s)
{
	bool ah = l3->l4proto == P_AH;

	if (!span_has(s, 0, ah ? 12 : 8)) {
		mark_truncated(c, NFD_LAYER_IPSEC);
		return;
	}
	get_be32(s, ah ? 4 : 0, &l3->spi);
	l3->l4 = NFD_L4_IPSEC;
}

static void decode_l4(struct dctx *c, struct nfd_l3 *l3, struct span s)
{
	l3->l4_avail = s.len;
	if (l3->fragment)
		return;
	switch (l3->l4proto) {
	case P_TCP:
		decode_tcp(c, l3, &s);
		break;
	case P_UDP:
	case P_UDPLITE:
		decode_udp(c, l3, &s);
		break;
	case P_ICMP:
		if (l3->kind == NFD_L3_IPV4)
			decode_icmp(c, l3, &s);
		break;
	case P_ICMPV6:
		if (l3->kind == NFD_L3_IPV6)
			decode_icmpv6(c, l3, &s);
		break;
	case P_SCTP:
		decode_sctp(c, l3, &s);
		break;
	case P_DCCP:
		decode_dccp(c, l3, &s);
		break;
	case P_GRE:
		decode_gre(c, l3, &s);
		break;
	case P_AH:
	case P_ESP:
		decode_ipsec(c, l3, &s);
		break;
	default:
		break;
	}
}

/* IPv4, RFC 791 section 3.1. The L4 span is clamped to the total length:
 * anything after it is link-layer padding. */
static void decode_ipv4(struct dctx *c, struct nfd_l3 *l3, struct span s)
{
	struct nfd_ipv4 *ip = &l3->v4;
	uint8_t vihl;
	size_t hlen;

	l3->kind = NFD_L3_IPV4;
	if (!span_has(&s, 0, 20)) {
		mark_truncated(c, NFD_LAYER_IPV4);
		return;
	}
	l3->hdr_ok = true;
	get_u8(&s, 0, &vihl);
	get_u8(&s, 1, &ip->tos);
	get_be16(&s, 2, &ip->totlen);
	get_be16(&s, 4, &ip->id);
	get_be16(&s, 6, &ip->frag);
	get_u8(&s, 8, &ip->ttl);
	get_u8(&s, 9, &ip->proto);
	get_be16(&s, 10, &ip->csum);
	get_bytes(&s, 12, ip->saddr, 4);
	get_bytes(&s, 16, ip->daddr, 4);
	ip->ihl = vihl & 0x0f;
	l3->has_l4proto = true;
	l3->l4proto = ip->proto;
	l3->fragment = (ip->frag & 0x1fff) != 0;
	l3->first_frag = (ip->frag & 0x3fff) == 0x2000;
	if (vihl >> 4 != 4)
		anomaly(c, NFD_BAD_IPV4_VERSION);
	if (ip->ihl < 5) {
		anomaly(c, NFD_BAD_IPV4_IHL);
		return;
	}
	hlen = (size_t)ip->ihl * 4;
	l3->l4_declared = NFD_LEN_UNKNOWN;
	if (ip->totlen < hlen)
		anomaly(c, NFD_BAD_IPV4_TOTLEN);
	else
		l3->l4_declared = ip->totlen - hlen;
	ip->optlen = (uint8_t)(hlen - 20);
	if (!span_has(&s, 20, ip->optlen)) {
		ip->optlen = (uint8_t)(s.len - 20);
		get_bytes(&s, 20, ip->opt, ip->optlen);
		mark_truncated(c, NFD_LAYER_IPV4);
		return;
	}
	get_bytes(&s, 20, ip->opt, ip->optlen);
	/* Inner packets of ICMP errors are quoted partially: no clamp there. */
	if (c->depth == 0 && ip->totlen >= hlen)
		s = span_clamp(s, ip->totlen);
	decode_l4(c, l3, span_sub(&s, hlen));
}

static bool is_ipv6_exthdr(uint8_t nh)
{
	return nh == P_HOPOPTS || nh == P_ROUTING || nh == P_FRAGMENT || nh == P_ESP ||
	       nh == P_AH || nh == P_DSTOPTS;
}

/* One fragment header (RFC 8200 section 4.5): offset in 8-byte units, M. */
static bool walk_fragment(struct dctx *c, struct nfd_l3 *l3, const struct span *s, size_t ptr,
			  struct nfd_v6ext *x)
{
	struct nfd_ipv6 *ip = &l3->v6;

	if (!get_be16(s, ptr + 2, &x->frag) || !get_be32(s, ptr + 4, &x->id)) {
		x->cut = true;
		mark_truncated(c, NFD_LAYER_IPV6_EXT);
		ip->walk = NFD_V6WALK_FRAG_TRUNC;
		return false;
	}
	ip->has_frag = true;
	ip->fragoff = x->frag & 0xfff8;
	ip->frag_more = x->frag & 1;
	ip->fragid = x->id;
	if (ip->fragoff)
		l3->fragment = true;
	else
		l3->first_frag = ip->frag_more;
	return true;
}

/* The extension-header walk of RFC 8200 section 4, in the kernel's order.
 * Each header is recorded with what the kernel's text needs of it; a
 * fragment header with a non-zero offset means no upper-layer header. */
static size_t walk_ipv6_exthdrs(struct dctx *c, struct nfd_l3 *l3, const struct span *s, size_t ptr,
				uint8_t *cur)
{
	struct nfd_ipv6 *ip = &l3->v6;
	uint8_t nh, hl;

	while (*cur != P_NONE && is_ipv6_exthdr(*cur)) {
		struct nfd_v6ext *x;

		if (!get_u8(s, ptr, &nh) || !get_u8(s, ptr + 1, &hl)) {
			mark_truncated(c, NFD_LAYER_IPV6_EXT);
			ip->walk = NFD_V6WALK_TRUNC;
			return ptr;
		}
		if (ip->nexthdrs == NFD_MAX_EXTHDR) {
			anomaly(c, NFD_BAD_IPV6_EXT_LIMIT);
			ip->walk = NFD_V6WALK_LIMIT;
			return ptr;
		}
		x = &ip->ext[ip->nexthdrs++];
		memset(x, 0, sizeof(*x));
		x->type = *cur;
		x->in_frag = l3->fragment;
		x->avail = (uint32_t)(s->len - ptr);
		switch (*cur) {
		case P_FRAGMENT:
			if (!walk_fragment(c, l3, s, ptr, x))
				return ptr;
			ptr += 8;
			break;
		case P_DSTOPTS:
		case P_ROUTING:
		case P_HOPOPTS:
			if (l3->fragment) {
				ip->walk = NFD_V6WALK_OPT_AFTER_FRAG;
				return ptr;
			}
			ptr += ((size_t)hl + 1) << 3;
			break;
		case P_AH: /* RFC 4302 section 2.2: length in 4-byte units, minus 2 */
			x->cut = !get_be32(s, ptr + 4, &x->id) || !span_has(s, ptr, 12);
			if (!x->cut && !l3->has_ah_spi) {
				l3->has_ah_spi = true;
				l3->ah_spi = x->id;
			}
			ptr += ((size_t)hl + 2) << 2;
			break;
		default: /* ESP: nothing after it is readable */
			x->cut = !get_be32(s, ptr, &x->id) || !span_has(s, ptr, 8);
			ip->walk = NFD_V6WALK_ESP;
			l3->has_l4proto = true;
			l3->l4proto = P_ESP;
			if (!l3->fragment && !x->cut) {
				l3->spi = x->id;
				l3->l4 = NFD_L4_IPSEC;
			}
			return ptr;
		}
		*cur = nh;
	}
	return ptr;
}

/* IPv6, RFC 8200 section 3. */
static void decode_ipv6(struct dctx *c, struct nfd_l3 *l3, struct span s)
{
	struct nfd_ipv6 *ip = &l3->v6;
	uint32_t word0;
	uint8_t cur;
	size_t ptr;

	l3->kind = NFD_L3_IPV6;
	if (!span_has(&s, 0, 40)) {
		mark_truncated(c, NFD_LAYER_IPV6);
		return;
	}
	l3->hdr_ok = true;
	get_be32(&s, 0, &word0);
	get_be16(&s, 4, &ip->payloadlen);
	get_u8(&s, 6, &ip->nexthdr);
	get_u8(&s, 7, &ip->hoplimit);
	get_bytes(&s, 8, ip->saddr, 16);
	get_bytes(&s, 24, ip->daddr, 16);
	ip->tclass = (uint8_t)(word0 >> 20);
	ip->flowlabel = word0 & 0x000fffff;
	if (word0 >> 28 != 6)
		anomaly(c, NFD_BAD_IPV6_VERSION);
	/* payload length 0 is a jumbogram (RFC 2675): keep what we have */
	if (c->depth == 0 && ip->payloadlen)
		s = span_clamp(s, (size_t)ip->payloadlen + 40);
	cur = ip->nexthdr;
	ptr = walk_ipv6_exthdrs(c, l3, &s, 40, &cur);
	if (ip->walk != NFD_V6WALK_L4)
		return;
	l3->has_l4proto = true;
	l3->l4proto = cur;
	l3->l4_declared = NFD_LEN_UNKNOWN;
	if (ip->payloadlen && (size_t)ip->payloadlen + 40 >= ptr)
		l3->l4_declared = (size_t)ip->payloadlen + 40 - ptr;
	decode_l4(c, l3, span_sub(&s, ptr));
}

/* ARP, RFC 826. */
static void decode_arp(struct dctx *c, struct nfd_l3 *l3, struct span s)
{
	struct nfd_arp *a = &l3->arp;

	l3->kind = NFD_L3_ARP;
	if (!span_has(&s, 0, 8)) {
		mark_truncated(c, NFD_LAYER_ARP);
		return;
	}
	l3->hdr_ok = true;
	get_be16(&s, 0, &a->hrd);
	get_be16(&s, 2, &a->pro);
	get_u8(&s, 4, &a->hln);
	get_u8(&s, 5, &a->pln);
	get_be16(&s, 6, &a->op);
	/* the kernel prints addresses for Ethernet hardware, whatever ar_pro says */
	if (a->hrd != 1 || a->hln != 6 || a->pln != 4)
		return;
	if (!span_has(&s, 8, 20)) {
		mark_truncated(c, NFD_LAYER_ARP);
		return;
	}
	get_bytes(&s, 8, a->sha, 6);
	get_bytes(&s, 14, a->spa, 4);
	get_bytes(&s, 18, a->tha, 6);
	get_bytes(&s, 24, a->tpa, 4);
	a->has_addrs = true;
}

static void decode_l3(struct dctx *c, struct nfd_l3 *l3, uint16_t ethertype, struct span s)
{
	memset(l3, 0, sizeof(*l3));
	l3->len = s.len;
	l3->l4_declared = NFD_LEN_UNKNOWN;
	switch (ethertype) {
	case ETH_IP:
		decode_ipv4(c, l3, s);
		break;
	case ETH_IPV6:
		decode_ipv6(c, l3, s);
		break;
	case ETH_ARP:
	case ETH_RARP:
		decode_arp(c, l3, s);
		break;
	default:
		break;
	}
}

/* In-band 802.1Q / 802.1ad tags (IEEE 802.1Q section 9.6): TCI then the
 * next ethertype, at most NFD_MAX_VLAN deep. */
static struct span strip_vlans(struct dctx *c, struct span s)
{
	struct nfd_packet *pkt = c->pkt;

	while (pkt->ethertype == ETH_VLAN || pkt->ethertype == ETH_QINQ) {
		uint16_t tci, next;

		if (pkt->nvlan == NFD_MAX_VLAN) {
			anomaly(c, NFD_BAD_VLAN_DEPTH);
			break;
		}
		if (!get_be16(&s, 0, &tci) || !get_be16(&s, 2, &next)) {
			mark_truncated(c, NFD_LAYER_VLAN);
			break;
		}
		pkt->vlan_tpid[pkt->nvlan] = pkt->ethertype;
		pkt->vlan_tci[pkt->nvlan++] = tci;
		pkt->ethertype = next;
		s = span_sub(&s, 4);
	}
	return s;
}

bool nfd_decode(struct nfd_packet *pkt, uint8_t family, uint16_t ethertype, const uint8_t *buf,
		size_t caplen)
{
	struct span s = {buf, buf ? caplen : 0};
	struct dctx c = {pkt, &pkt->truncated, &pkt->anomalies, 0};

	memset(pkt, 0, sizeof(*pkt));
	switch (family) {
	case NFD_PROTO_IPV4:
		ethertype = ETH_IP;
		break;
	case NFD_PROTO_IPV6:
		ethertype = ETH_IPV6;
		break;
	case NFD_PROTO_ARP:
		ethertype = ETH_ARP;
		break;
	default: /* bridge, netdev: dispatch by ethertype */
		break;
	}
	pkt->ethertype = ethertype;
	s = strip_vlans(&c, s);
	decode_l3(&c, &pkt->l3, pkt->ethertype, s);
	if (pkt->l3.kind == NFD_L3_NONE && pkt->truncated == NFD_LAYER_NONE)
		anomaly(&c, NFD_BAD_L3_UNKNOWN);
	return pkt->truncated == NFD_LAYER_NONE && pkt->anomalies == 0;
}

const char *nfd_layer_name(enum nfd_layer layer)
{
	static const char *const names[] = {
		[NFD_LAYER_NONE] = "none", [NFD_LAYER_VLAN] = "vlan",
		[NFD_LAYER_ARP] = "arp",   [NFD_LAYER_IPV4] = "ipv4",
		[NFD_LAYER_IPV6] = "ipv6", [NFD_LAYER_IPV6_EXT] = "ipv6-exthdr",
		[NFD_LAYER_TCP] = "tcp",   [NFD_LAYER_UDP] = "udp",
		[NFD_LAYER_ICMP] = "icmp", [NFD_LAYER_ICMPV6] = "icmpv6",
		[NFD_LAYER_SCTP] = "sctp", [NFD_LAYER_DCCP] = "dccp",
		[NFD_LAYER_GRE] = "gre",   [NFD_LAYER_IPSEC] = "ipsec",
	};

	if ((size_t)layer >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[layer];
}
