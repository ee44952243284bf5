/* SPDX-License-Identifier: Apache-2.0 */
/* The line the kernel LOG target prints for a packet, rebuilt from a decoded
 * NFLOG record. Format and order follow net/netfilter/nf_log_syslog.c
 * (Linux 6.18): nf_log_dump_packet_common, dump_mac_header,
 * dump_ipv4_packet, dump_ipv6_packet, nf_log_dump_{tcp,udp}_header and
 * dump_arp_packet. "Max length" comments bound each part as the kernel's do.
 */
#include "nflog-text.h"

#include "safetext.h"
#include "strbuf.h"

enum {
	P_ICMP = 1,
	P_TCP = 6,
	P_UDP = 17,
	P_FRAGMENT = 44,
	P_ESP = 50,
	P_AH = 51,
	P_ICMPV6 = 58,
	P_UDPLITE = 136,
};

/* "PROTO=<name> ", then whether the transport header follows. A non-first
 * fragment stops after the name; a header that was not captured prints
 * INCOMPLETE and, as in the kernel, ends the line (*ended). */
static bool l4_head(struct strbuf *sb, const struct nfd_l3 *l3, const char *proto,
		    enum nfd_l4kind kind, bool *ended)
{
	sb_puts(sb, proto);
	*ended = false;
	if (l3->fragment)
		return false;
	if (l3->l4 != kind) {
		/* Max length: 25 "INCOMPLETE [65535 bytes] " */
		sb_printf(sb, "INCOMPLETE [%zu bytes] ", l3->l4_avail);
		*ended = true;
		return false;
	}
	return true;
}

/* Kernel convention: returns true when the line ends here (the caller then
 * prints neither UID nor MARK). */
static bool text_tcp(struct strbuf *sb, const struct nfd_l3 *l3, unsigned flags)
{
	const struct nfd_tcp *t = &l3->tcp;
	static const struct {
		uint8_t bit;
		const char *name;
	} names[] = {{NFD_TCP_CWR, "CWR "}, {NFD_TCP_ECE, "ECE "}, {NFD_TCP_URG, "URG "},
		     {NFD_TCP_ACK, "ACK "}, {NFD_TCP_PSH, "PSH "}, {NFD_TCP_RST, "RST "},
		     {NFD_TCP_SYN, "SYN "}, {NFD_TCP_FIN, "FIN "}};

	bool ended;

	if (!l4_head(sb, l3, "PROTO=TCP ", NFD_L4_TCP, &ended))
		return ended;
	sb_kv(sb, "SPT=", t->sport);
	sb_kv(sb, "DPT=", t->dport);
	if (flags & NFT_TCPSEQ) {
		sb_kv(sb, "SEQ=", t->seq);
		sb_kv(sb, "ACK=", t->ack);
	}
	/* Linux >= 6.15 prints the AE bit (RFC 9768) by name and leaves the
	 * other three reserved bits in RES, shifted as the flag word is. */
	sb_kv(sb, "WINDOW=", t->window);
	sb_puts(sb, "RES=0x");
	sb_hexnum(sb, (unsigned)(t->res & 0x0e) << 2, 2, false);
	sb_putn(sb, " ", 1);
	if (t->res & 0x01)
		sb_puts(sb, "AE ");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (t->flags & names[i].bit)
			sb_puts(sb, names[i].name);
	sb_kv(sb, "URGP=", t->urgp);
	if ((flags & NFT_TCPOPT) && t->doff > 5) {
		if (t->optlen < t->doff * 4 - 20) {
			sb_puts(sb, "OPT (TRUNCATED)");
			return true;
		}
		sb_puts(sb, "OPT (");
		sb_hex(sb, t->opt, t->optlen, 0, true);
		sb_puts(sb, ") ");
	}
	return false;
}

static bool text_udp(struct strbuf *sb, const struct nfd_l3 *l3)
{
	bool ended;

	if (!l4_head(sb, l3, l3->l4proto == P_UDP ? "PROTO=UDP " : "PROTO=UDPLITE ", NFD_L4_UDP,
		     &ended))
		return ended;
	/* Max length: 30 "SPT=65535 DPT=65535 LEN=65535 " */
	sb_kv(sb, "SPT=", l3->udp.sport);
	sb_kv(sb, "DPT=", l3->udp.dport);
	sb_kv(sb, "LEN=", l3->udp.len);
	return false;
}

static void text_ipv4(struct strbuf *sb, const struct nflog_record *r, const struct nfd_l3 *l3,
		      bool outer, unsigned flags);
static void text_ipv6(struct strbuf *sb, const struct nflog_record *r, const struct nfd_l3 *l3,
		      bool outer, unsigned flags);

static void text_inner(struct strbuf *sb, const struct nflog_record *r, unsigned flags)
{
	sb_puts(sb, "[");
	if (r->pkt->inner.kind == NFD_L3_IPV4)
		text_ipv4(sb, r, &r->pkt->inner, false, flags);
	else
		text_ipv6(sb, r, &r->pkt->inner, false, flags);
	sb_puts(sb, "] ");
}

static void text_icmp(struct strbuf *sb, const struct nflog_record *r, const struct nfd_l3 *l3,
		      bool outer, unsigned flags)
{
	const struct nfd_icmp *ic = &l3->icmp;

	bool ended;

	if (!l4_head(sb, l3, "PROTO=ICMP ", NFD_L4_ICMP, &ended))
		return;
	/* Max length: 18 "TYPE=255 CODE=255 " */
	sb_kv(sb, "TYPE=", ic->type);
	sb_kv(sb, "CODE=", ic->code);
	if (ic->short_for_type) {
		sb_printf(sb, "INCOMPLETE [%zu bytes] ", l3->l4_avail);
		return;
	}
	if (ic->has_echo) {
		sb_kv(sb, "ID=", ic->echo_id);
		sb_kv(sb, "SEQ=", ic->echo_seq);
	}
	if (ic->has_param)
		sb_kv(sb, "PARAMETER=", ic->param);
	if (ic->has_gateway) {
		sb_puts(sb, "GATEWAY=");
		sb_ipv4(sb, ic->gateway);
		sb_puts(sb, " ");
	}
	if (outer && r->pkt->has_inner && ic->type != 12)
		text_inner(sb, r, flags);
	if (ic->has_mtu)
		sb_printf(sb, "MTU=%u ", ic->mtu);
}

static void text_ipsec_v4(struct strbuf *sb, const struct nfd_l3 *l3)
{
	bool ah = l3->l4proto == P_AH;

	/* the kernel skips AH fragments silently but names ESP ones */
	if (ah && l3->fragment)
		return;
	sb_puts(sb, ah ? "PROTO=AH " : "PROTO=ESP ");
	if (l3->fragment)
		return;
	if (l3->l4 != NFD_L4_IPSEC)
		sb_printf(sb, "INCOMPLETE [%zu bytes] ", l3->l4_avail);
	else
		sb_printf(sb, "SPI=0x%x ", l3->spi);
}

static void text_trailer(struct strbuf *sb, const struct nflog_meta *m, unsigned flags)
{
	/* Max length: 31 "UID=4294967295 GID=4294967295 " */
	if ((flags & NFT_UID) && (m->has & NFM_UID) && (m->has & NFM_GID)) {
		sb_kv(sb, "UID=", m->uid);
		sb_kv(sb, "GID=", m->gid);
	}
	/* Max length: 16 "MARK=0xFFFFFFFF " */
	if (m->mark) {
		sb_puts(sb, "MARK=0x");
		sb_hexnum(sb, m->mark, 1, false);
		sb_putn(sb, " ", 1);
	}
}

static void text_ipv4(struct strbuf *sb, const struct nflog_record *r, const struct nfd_l3 *l3,
		      bool outer, unsigned flags)
{
	const struct nfd_ipv4 *ip = &l3->v4;
	bool ended = false;

	if (!l3->hdr_ok) {
		sb_puts(sb, "TRUNCATED");
		return;
	}
	sb_puts(sb, "SRC=");
	sb_ipv4(sb, ip->saddr);
	sb_puts(sb, " DST=");
	sb_ipv4(sb, ip->daddr);
	/* Max length: 46 "LEN=65535 TOS=0xFF PREC=0xFF TTL=255 ID=65535 " */
	sb_kv(sb, " LEN=", ip->totlen);
	sb_puts(sb, "TOS=0x");
	sb_hexnum(sb, ip->tos & 0x1e, 2, true);
	sb_puts(sb, " PREC=0x");
	sb_hexnum(sb, ip->tos & 0xe0, 2, true);
	sb_kv(sb, " TTL=", ip->ttl);
	sb_kv(sb, "ID=", ip->id);
	if (ip->frag & 0x8000)
		sb_puts(sb, "CE ");
	if (ip->frag & 0x4000)
		sb_puts(sb, "DF ");
	if (ip->frag & 0x2000)
		sb_puts(sb, "MF ");
	if (ip->frag & 0x1fff)
		sb_kv(sb, "FRAG:", ip->frag & 0x1fff);
	if ((flags & NFT_IPOPT) && ip->ihl > 5) {
		if (ip->optlen < ip->ihl * 4 - 20) {
			sb_puts(sb, "TRUNCATED");
			return;
		}
		sb_puts(sb, "OPT (");
		sb_hex(sb, ip->opt, ip->optlen, 0, true);
		sb_puts(sb, ") ");
	}
	switch (ip->proto) {
	case P_TCP:
		ended = text_tcp(sb, l3, flags);
		break;
	case P_UDP:
	case P_UDPLITE:
		ended = text_udp(sb, l3);
		break;
	case P_ICMP:
		text_icmp(sb, r, l3, outer, flags);
		break;
	case P_AH:
	case P_ESP:
		text_ipsec_v4(sb, l3);
		break;
	default:
		sb_kv(sb, "PROTO=", ip->proto);
		break;
	}
	if (outer && !ended)
		text_trailer(sb, r->meta, flags);
}

/* One fragment header: "FRAG:<offset> [INCOMPLETE ]ID:<id> ". Returns
 * true when it was cut, which ends the line. */
static bool text_v6_frag(struct strbuf *sb, const struct nfd_v6ext *x)
{
	sb_puts(sb, "FRAG:");
	if (x->cut) {
		sb_puts(sb, "TRUNCATED ");
		return true;
	}
	/* Max length: 6 "65535 " + 11 "INCOMPLETE " + 12 "ID:ffffffff " */
	sb_printf(sb, "%u %sID:%08x ", x->frag & 0xfff8u, (x->frag & 1) ? "INCOMPLETE " : "",
		  x->id);
	return false;
}

/* AH and ESP with the IPOPT flag; returns true when the line ends. */
static bool text_v6_ipsec(struct strbuf *sb, const struct nfd_v6ext *x)
{
	bool esp = x->type == P_ESP;

	sb_puts(sb, esp ? "ESP " : "AH ");
	if (x->in_frag) {
		sb_puts(sb, ")");
		return true;
	}
	if (x->cut) {
		/* Max length: 26 "INCOMPLETE [65535 bytes] )" */
		sb_printf(sb, "INCOMPLETE [%u bytes] )", x->avail);
		return true;
	}
	/* Max length: 16 "SPI=0xF1234567 )" */
	sb_printf(sb, esp ? "SPI=0x%x )" : "SPI=0x%x ", x->id);
	return esp;
}

/* The extension headers as dump_ipv6_packet prints them: fragment headers
 * always; with IPOPT every header wrapped in "OPT ( ... ) ", AH and ESP
 * with their SPI. Returns true when the line ends here (no PROTO=). */
static bool text_v6_exthdrs(struct strbuf *sb, const struct nfd_l3 *l3, unsigned flags)
{
	const struct nfd_ipv6 *ip = &l3->v6;
	bool opt = flags & NFT_IPOPT;

	for (unsigned i = 0; i < ip->nexthdrs; i++) {
		const struct nfd_v6ext *x = &ip->ext[i];

		if (opt)
			sb_puts(sb, "OPT ( ");
		switch (x->type) {
		case P_FRAGMENT:
			if (text_v6_frag(sb, x))
				return true;
			break;
		case P_AH:
		case P_ESP:
			if (opt && text_v6_ipsec(sb, x))
				return true;
			if (x->type == P_ESP)
				return true;
			break;
		default: /* hop-by-hop, routing, destination options */
			if (x->in_frag) {
				if (opt)
					sb_puts(sb, ")");
				return true;
			}
			break;
		}
		if (opt)
			sb_puts(sb, ") ");
	}
	if (ip->walk == NFD_V6WALK_TRUNC)
		sb_puts(sb, "TRUNCATED");
	return ip->walk != NFD_V6WALK_L4;
}

static bool text_icmpv6(struct strbuf *sb, const struct nflog_record *r, const struct nfd_l3 *l3,
			bool outer, unsigned flags)
{
	const struct nfd_icmp *ic = &l3->icmp;

	bool ended;

	if (!l4_head(sb, l3, "PROTO=ICMPv6 ", NFD_L4_ICMPV6, &ended))
		return ended;
	sb_kv(sb, "TYPE=", ic->type);
	sb_kv(sb, "CODE=", ic->code);
	if (ic->has_echo) {
		sb_kv(sb, "ID=", ic->echo_id);
		sb_kv(sb, "SEQ=", ic->echo_seq);
	}
	if (ic->has_param)
		sb_printf(sb, "POINTER=%08x ", ic->param);
	if (outer && r->pkt->has_inner)
		text_inner(sb, r, flags);
	if (ic->type == 2)
		sb_printf(sb, "MTU=%u ", ic->mtu);
	return false;
}

static void text_ipv6(struct strbuf *sb, const struct nflog_record *r, const struct nfd_l3 *l3,
		      bool outer, unsigned flags)
{
	const struct nfd_ipv6 *ip = &l3->v6;
	bool ended;

	if (!l3->hdr_ok) {
		sb_puts(sb, "TRUNCATED");
		return;
	}
	sb_puts(sb, "SRC=");
	sb_ipv6_full(sb, ip->saddr);
	sb_puts(sb, " DST=");
	sb_ipv6_full(sb, ip->daddr);
	/* Max length: 44 "LEN=65535 TC=255 HOPLIMIT=255 FLOWLBL=FFFFF " */
	sb_kv(sb, " LEN=", ip->payloadlen + 40u);
	sb_kv(sb, "TC=", ip->tclass);
	sb_kv(sb, "HOPLIMIT=", ip->hoplimit);
	sb_kv(sb, "FLOWLBL=", ip->flowlabel);
	if (text_v6_exthdrs(sb, l3, flags))
		return;
	switch (l3->l4proto) {
	case P_TCP:
		ended = text_tcp(sb, l3, flags);
		break;
	case P_UDP:
	case P_UDPLITE:
		ended = text_udp(sb, l3);
		break;
	case P_ICMPV6:
		ended = text_icmpv6(sb, r, l3, outer, flags);
		break;
	default:
		sb_kv(sb, "PROTO=", l3->l4proto);
		ended = false;
		break;
	}
	if (outer && !ended)
		text_trailer(sb, r->meta, flags);
}

static void text_mac_decoded(struct strbuf *sb, const struct nflog_meta *m)
{
	const uint8_t *h = m->hwheader;

	sb_puts(sb, "MACSRC=");
	sb_hex(sb, h + 6, 6, ':', false);
	sb_puts(sb, " MACDST=");
	sb_hex(sb, h, 6, ':', false);
	sb_puts(sb, " ");
	/* skb_vlan_tag_get(): the whole TCI, priority bits included */
	if (m->has & NFM_VLAN)
		sb_printf(sb, "VPROTO=%04x VID=%u ", m->vlan_proto, m->vlan_tci);
	sb_printf(sb, "MACPROTO=%04x ", (unsigned)(h[12] << 8 | h[13]));
}

/* dump_mac_header: the raw hardware header, or its decoded Ethernet form. */
static void text_mac(struct strbuf *sb, const struct nflog_meta *m, unsigned flags)
{
	bool ether = (m->has & NFM_HWHEADER) && m->hwtype == 1 && m->hwheader_len >= 14;

	if ((flags & NFT_MACDECODE) && ether) {
		text_mac_decoded(sb, m);
		return;
	}
	sb_puts(sb, "MAC=");
	if (m->has & NFM_HWHEADER && m->hwheader_len)
		sb_hex(sb, m->hwheader, m->hwheader_len, ':', false);
	sb_puts(sb, " ");
}

static void text_arp(struct strbuf *sb, const struct nflog_record *r, unsigned flags)
{
	const struct nfd_l3 *l3 = &r->pkt->l3;
	const struct nfd_arp *a = &l3->arp;

	if (!l3->hdr_ok) {
		sb_puts(sb, "TRUNCATED");
		return;
	}
	if ((flags & NFT_MACDECODE) && (r->meta->has & NFM_HWHEADER) && r->meta->hwtype == 1 &&
	    r->meta->hwheader_len >= 14)
		text_mac_decoded(sb, r->meta);
	sb_printf(sb, "ARP HTYPE=%d PTYPE=0x%04x OPCODE=%d", a->hrd, a->pro, a->op);
	if (a->hrd != 1 || a->hln != 6 || a->pln != 4)
		return;
	if (!a->has_addrs) {
		sb_printf(sb, " INCOMPLETE [%zu bytes]", l3->len - 8);
		return;
	}
	sb_puts(sb, " MACSRC=");
	sb_hex(sb, a->sha, 6, ':', false);
	sb_puts(sb, " IPSRC=");
	sb_ipv4(sb, a->spa);
	sb_puts(sb, " MACDST=");
	sb_hex(sb, a->tha, 6, ':', false);
	sb_puts(sb, " IPDST=");
	sb_ipv4(sb, a->tpa);
}

/* An escaped prefix or interface name takes at most the room the kernel's
 * own line gives the raw one (127 bytes of prefix, NF_LOG_PREFIXLEN; 15 of
 * a name, IFNAMSIZ): one byte escaped is four ("#ooo"), and a prefix of
 * control bytes would otherwise push the packet's own fields past the
 * line's 1,016 characters. The fields keep the whole escaped text. */
#define TEXT_PREFIX_MAX 127
#define TEXT_IFNAME_MAX 15

static void put_capped(struct strbuf *sb, const char *s, size_t max)
{
	sb_putn(sb, s, safe_text_cut(s, max));
}

/* nf_log_dump_packet_common: "<prefix>IN=<in> OUT=<out> " */
static void in_out(struct strbuf *sb, const char *prefix, const char *in, const char *out)
{
	put_capped(sb, prefix, TEXT_PREFIX_MAX);
	sb_puts(sb, "IN=");
	put_capped(sb, in, TEXT_IFNAME_MAX);
	sb_puts(sb, " OUT=");
	put_capped(sb, out, TEXT_IFNAME_MAX);
	sb_putn(sb, " ", 1);
}

size_t nflog_text(const struct nflog_record *r, unsigned flags, char *buf, size_t size)
{
	const struct nflog_meta *m = r->meta;
	const struct nfd_packet *pkt = r->pkt;
	struct strbuf sb;

	sb_init(&sb, buf, size);
	/* Max length: 128 prefix + 2 * 20 "IN=%s OUT=%s " */
	if (m->family == NFD_PROTO_BRIDGE) {
		/* NFLOG names the bridge as in/out and the ports as phys*;
		 * the bridge-family LOG hook sees the ports themselves. */
		in_out(&sb, m->prefix, (m->has & NFM_PHYSINDEV) ? r->physin : r->in,
		       (m->has & NFM_PHYSOUTDEV) ? r->physout : r->out);
	} else {
		in_out(&sb, m->prefix, r->in, r->out);
		/* br_netfilter: ports only where they differ from IN/OUT */
		if ((m->has & NFM_PHYSINDEV) && m->physindev != m->indev) {
			sb_puts(&sb, "PHYSIN=");
			put_capped(&sb, r->physin, TEXT_IFNAME_MAX);
			sb_putn(&sb, " ", 1);
		}
		if ((m->has & NFM_PHYSOUTDEV) && m->physoutdev != m->outdev) {
			sb_puts(&sb, "PHYSOUT=");
			put_capped(&sb, r->physout, TEXT_IFNAME_MAX);
			sb_putn(&sb, " ", 1);
		}
	}
	switch (pkt->l3.kind) {
	case NFD_L3_IPV4:
	case NFD_L3_IPV6:
		if (m->has & NFM_INDEV)
			text_mac(&sb, m, flags);
		if (pkt->l3.kind == NFD_L3_IPV4)
			text_ipv4(&sb, r, &pkt->l3, true, flags);
		else
			text_ipv6(&sb, r, &pkt->l3, true, flags);
		break;
	case NFD_L3_ARP:
		text_arp(&sb, r, flags);
		break;
	default: /* nf_log_unknown_packet */
		text_mac(&sb, m, flags);
		break;
	}
	return sb.len;
}
