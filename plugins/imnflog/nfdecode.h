/* SPDX-License-Identifier: Apache-2.0 */
/* Pure L2-L4 packet decoder for NFLOG payloads. No rsyslog types.
 *
 * The decoder fills a plain struct. It keeps "truncated" (we ran out of
 * captured bytes) apart from "invalid" (a header field breaks its RFC), and
 * always reports what it decoded before stopping.
 */
#ifndef NFDECODE_H
#define NFDECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where decoding ran out of captured bytes. */
enum nfd_layer {
	NFD_LAYER_NONE = 0,
	NFD_LAYER_VLAN,
	NFD_LAYER_ARP,
	NFD_LAYER_IPV4,
	NFD_LAYER_IPV6,
	NFD_LAYER_IPV6_EXT,
	NFD_LAYER_TCP,
	NFD_LAYER_UDP,
	NFD_LAYER_ICMP,
	NFD_LAYER_ICMPV6,
	NFD_LAYER_SCTP,
	NFD_LAYER_DCCP,
	NFD_LAYER_GRE,
	NFD_LAYER_IPSEC,
};

/* Invalid header fields, as bits: several can occur in one packet. */
enum nfd_anomaly {
	NFD_BAD_IPV4_VERSION = 1u << 0,
	NFD_BAD_IPV4_IHL = 1u << 1,
	NFD_BAD_IPV4_TOTLEN = 1u << 2,
	NFD_BAD_IPV4_OPTION = 1u << 3,
	NFD_BAD_IPV6_VERSION = 1u << 4,
	NFD_BAD_IPV6_EXT_LIMIT = 1u << 5,
	NFD_BAD_TCP_DOFF = 1u << 6,
	NFD_BAD_TCP_OPTION = 1u << 7,
	NFD_BAD_UDP_LEN = 1u << 8,
	NFD_BAD_VLAN_DEPTH = 1u << 9,
	NFD_BAD_L3_UNKNOWN = 1u << 10,
};

enum nfd_l3kind {
	NFD_L3_NONE = 0,
	NFD_L3_IPV4,
	NFD_L3_IPV6,
	NFD_L3_ARP,
};

enum nfd_l4kind {
	NFD_L4_NONE = 0, /* no L4 header decoded (fragment, truncated, unknown) */
	NFD_L4_TCP,
	NFD_L4_UDP, /* also UDP-Lite, see l4proto */
	NFD_L4_ICMP,
	NFD_L4_ICMPV6,
	NFD_L4_SCTP,
	NFD_L4_DCCP,
	NFD_L4_GRE,
	NFD_L4_IPSEC, /* AH or ESP, see l4proto */
};

/* TCP flag bits as they sit in byte 13 of the header (RFC 9293, RFC 3168). */
enum {
	NFD_TCP_FIN = 0x01,
	NFD_TCP_SYN = 0x02,
	NFD_TCP_RST = 0x04,
	NFD_TCP_PSH = 0x08,
	NFD_TCP_ACK = 0x10,
	NFD_TCP_URG = 0x20,
	NFD_TCP_ECE = 0x40,
	NFD_TCP_CWR = 0x80,
};

/* TCP options we decode (RFC 9293 MSS, RFC 7323 WS/TS, RFC 2018 SACK-permitted). */
enum {
	NFD_TCPOPT_MSS = 1u << 0,
	NFD_TCPOPT_WSCALE = 1u << 1,
	NFD_TCPOPT_SACK_PERM = 1u << 2,
	NFD_TCPOPT_TIMESTAMP = 1u << 3,
	NFD_TCPOPT_SACK = 1u << 4,
};

#define NFD_MAX_OPTLEN 40 /* IPv4 and TCP options are at most 40 bytes */
#define NFD_MAX_VLAN   2  /* 802.1ad QinQ: outer S-tag plus C-tag */
#define NFD_MAX_EXTHDR 16 /* cap on the IPv6 extension-header walk */

struct nfd_tcp {
	uint16_t sport, dport, window, csum, urgp;
	uint32_t seq, ack;
	uint8_t doff;  /* in 32-bit words */
	uint8_t flags; /* NFD_TCP_* */
	uint8_t res;   /* the 4 reserved bits */
	unsigned opts; /* NFD_TCPOPT_* present */
	uint16_t mss;
	uint8_t wscale;
	uint32_t ts_val, ts_ecr;
	uint8_t optlen; /* option bytes captured, copied below */
	uint8_t opt[NFD_MAX_OPTLEN];
};

struct nfd_udp {
	uint16_t sport, dport, len, csum;
};

struct nfd_ports { /* SCTP (RFC 9260) and DCCP (RFC 4340) */
	uint16_t sport, dport;
	uint32_t sctp_vtag, sctp_csum;
	uint8_t dccp_type;
};

struct nfd_icmp { /* ICMP (RFC 792) and ICMPv6 (RFC 4443) */
	uint8_t type, code;
	uint16_t csum;
	bool has_echo;
	uint16_t echo_id, echo_seq;
	bool has_gateway;
	uint8_t gateway[4];
	bool has_mtu;
	uint32_t mtu;
	bool has_param; /* v4 parameter problem pointer, v6 pointer */
	uint32_t param;
	bool short_for_type; /* shorter than the kernel's required_len[type] */
};

struct nfd_gre { /* RFC 2784, RFC 2890 */
	uint16_t flags, proto;
	bool has_key;
	uint32_t key;
};

struct nfd_ipv4 { /* RFC 791 */
	uint8_t ihl, tos, ttl, proto;
	uint16_t totlen, id, frag, csum; /* frag: flags and offset as on the wire */
	uint8_t saddr[4], daddr[4];
	uint8_t optlen;
	uint8_t opt[NFD_MAX_OPTLEN];
};

/* How the IPv6 extension-header walk ended. It follows the kernel's
 * (nf_log_syslog.c dump_ipv6_packet without the IPOPT flag, which walks
 * furthest); some endings return before PROTO=, UID= and MARK=. */
enum nfd_v6walk {
	NFD_V6WALK_L4 = 0,	   /* an upper-layer header follows */
	NFD_V6WALK_ESP,		   /* ESP: nothing after it is readable */
	NFD_V6WALK_TRUNC,	   /* the next header's first two bytes were not captured */
	NFD_V6WALK_FRAG_TRUNC,	   /* the last fragment header was cut */
	NFD_V6WALK_OPT_AFTER_FRAG, /* an options header inside a non-first fragment */
	NFD_V6WALK_LIMIT,	   /* more than NFD_MAX_EXTHDR headers */
};

/* One extension header as walked (RFC 8200 section 4; AH RFC 4302, ESP
 * RFC 4303). */
struct nfd_v6ext {
	uint8_t type;	/* its protocol number: 0, 43, 44, 50, 51 or 60 */
	bool cut;	/* its fixed part (fragment 8, AH 12, ESP 8 bytes) not captured */
	bool in_frag;	/* it follows a fragment header with a non-zero offset */
	uint16_t frag;	/* fragment header: offset and M flag as on the wire */
	uint32_t id;	/* fragment identification, or the AH/ESP SPI */
	uint32_t avail; /* captured bytes from its start */
};

struct nfd_ipv6 { /* RFC 8200 */
	uint8_t tclass, hoplimit, nexthdr;
	uint32_t flowlabel;
	uint16_t payloadlen;
	uint8_t saddr[16], daddr[16];
	uint8_t nexthdrs; /* extension headers walked */
	struct nfd_v6ext ext[NFD_MAX_EXTHDR];
	bool has_frag, frag_more; /* of the last fragment header */
	uint16_t fragoff;	  /* in bytes */
	uint32_t fragid;
	enum nfd_v6walk walk;
};

struct nfd_arp { /* RFC 826 */
	uint16_t hrd, pro, op;
	uint8_t hln, pln;
	bool has_addrs; /* Ethernet/IPv4 addresses decoded */
	uint8_t sha[6], spa[4], tha[6], tpa[4];
};

/* One network-layer packet with its transport header. */
struct nfd_l3 {
	enum nfd_l3kind kind;
	bool hdr_ok; /* the fixed header was captured */
	size_t len;  /* captured bytes from the start of this header */
	union {
		struct nfd_ipv4 v4;
		struct nfd_ipv6 v6;
		struct nfd_arp arp;
	};
	bool has_l4proto;
	uint8_t l4proto; /* IANA protocol number */
	bool fragment;	 /* a non-first fragment: no L4 header in it */
	bool first_frag; /* offset 0 with more fragments: L4 lengths cover them all */
	/* an IPv6 AH extension header's SPI (RFC 4302 section 2.4): AH is not
	 * the transport there, the header after it is */
	bool has_ah_spi;
	uint32_t ah_spi;
	size_t l4_avail; /* captured bytes at the L4 offset */
	/* bytes the IP header says follow the L4 offset; NFD_LEN_UNKNOWN for
	 * a jumbogram or a total length shorter than the header */
	size_t l4_declared;
	/* ports of TCP, UDP, UDP-Lite, SCTP or DCCP: the first four bytes,
	 * also when the rest of the header was not captured */
	bool has_ports;
	uint16_t sport, dport;
	enum nfd_l4kind l4;
	union {
		struct nfd_tcp tcp;
		struct nfd_udp udp;
		struct nfd_ports ports;
		struct nfd_icmp icmp;
		struct nfd_gre gre;
		uint32_t spi;
	};
};

#define NFD_LEN_UNKNOWN ((size_t)-1)

struct nfd_packet {
	uint16_t ethertype; /* after VLAN tags */
	uint8_t nvlan;
	uint16_t vlan_tpid[NFD_MAX_VLAN], vlan_tci[NFD_MAX_VLAN];
	struct nfd_l3 l3;
	enum nfd_layer truncated; /* first layer that ran out of bytes */
	unsigned anomalies;	  /* enum nfd_anomaly bits */
	/* ICMP error: the quoted packet, decoded once. RFC 792 quotes only
	 * the IP header and 8 bytes, so its truncation is routine and kept
	 * apart from the packet's own. */
	bool has_inner;
	struct nfd_l3 inner;
	enum nfd_layer inner_truncated;
	unsigned inner_anomalies;
};

/* NFPROTO_* values (linux/netfilter.h) used to pick the first decoder. */
enum {
	NFD_PROTO_INET = 1,
	NFD_PROTO_IPV4 = 2,
	NFD_PROTO_ARP = 3,
	NFD_PROTO_NETDEV = 5,
	NFD_PROTO_BRIDGE = 7,
	NFD_PROTO_IPV6 = 10,
};

/* Decode a payload that starts at the network header. family is the
 * NFPROTO_* of the logging hook, ethertype the skb protocol (NFLOG
 * hw_protocol); the bridge and netdev families dispatch on it. Returns true
 * when the packet itself (not a quoted inner packet) was decoded to the end
 * without truncation or anomaly. */
bool nfd_decode(struct nfd_packet *pkt, uint8_t family, uint16_t ethertype, const uint8_t *buf,
		size_t caplen);

const char *nfd_layer_name(enum nfd_layer layer);

#endif
