/* SPDX-License-Identifier: Apache-2.0 */
/* Decoder tests on crafted packets, including truncated and hostile ones.
 * Built with ASan and UBSan: an out-of-bounds read fails the run. */
#include <stdlib.h>

#include "nfdecode.h"
#include "pkt-build.h"
#include "unit.h"

static void test_ipv4_tcp_syn_options(void)
{
	uint8_t b[128];
	struct nfd_packet k;
	size_t n = ipv4(b, 6, 0, 40, 0x4000);

	n += tcp_syn(b + n);
	CHECK("clean", nfd_decode(&k, 2, 0x0800, b, n));
	CHECK_EQ("kind", NFD_L3_IPV4, k.l3.kind);
	CHECK_EQ("tos", 0xb8, k.l3.v4.tos);
	CHECK_EQ("totlen", 60, k.l3.v4.totlen);
	CHECK_EQ("frag", 0x4000, k.l3.v4.frag);
	CHECK_EQ("l4", NFD_L4_TCP, k.l3.l4);
	CHECK_EQ("sport", 40000, k.l3.tcp.sport);
	CHECK_EQ("dport", 22, k.l3.tcp.dport);
	CHECK_EQ("seq", 1000, k.l3.tcp.seq);
	CHECK_EQ("doff", 10, k.l3.tcp.doff);
	CHECK_EQ("flags", 0xc2, k.l3.tcp.flags);
	CHECK_EQ("window", 64240, k.l3.tcp.window);
	CHECK_EQ("csum", 0xabcd, k.l3.tcp.csum);
	CHECK_EQ("opts",
		 NFD_TCPOPT_MSS | NFD_TCPOPT_SACK_PERM | NFD_TCPOPT_TIMESTAMP | NFD_TCPOPT_WSCALE,
		 k.l3.tcp.opts);
	CHECK_EQ("mss", 1460, k.l3.tcp.mss);
	CHECK_EQ("wscale", 7, k.l3.tcp.wscale);
	CHECK_EQ("tsval", 1, k.l3.tcp.ts_val);
	CHECK_EQ("optlen", 20, k.l3.tcp.optlen);
}

static void test_tcp_truncated_keeps_ip(void)
{
	uint8_t b[128];
	struct nfd_packet k;
	size_t n = ipv4(b, 6, 0, 40, 0);

	tcp_syn(b + n);
	CHECK("not clean", !nfd_decode(&k, 2, 0x0800, b, n + 10));
	CHECK_EQ("truncated at tcp", NFD_LAYER_TCP, k.truncated);
	CHECK_EQ("no l4", NFD_L4_NONE, k.l3.l4);
	CHECK_EQ("ip kept", 0x1234, k.l3.v4.id);
	CHECK_EQ("avail", 10, k.l3.l4_avail);
	CHECK_EQ("no anomaly", 0, k.anomalies);
	/* options cut short: header decoded, truncation recorded */
	CHECK("options cut", !nfd_decode(&k, 2, 0x0800, b, n + 30));
	CHECK_EQ("tcp kept", NFD_L4_TCP, k.l3.l4);
	CHECK_EQ("opt bytes", 10, k.l3.tcp.optlen);
	CHECK_EQ("mss from partial options", 1460, k.l3.tcp.mss);
}

static void test_tcp_hostile(void)
{
	uint8_t b[128];
	struct nfd_packet k;
	size_t n = ipv4(b, 6, 0, 40, 0);

	tcp_syn(b + n);
	b[n + 12] = 3 << 4; /* data offset below 5 */
	nfd_decode(&k, 2, 0x0800, b, n + 40);
	CHECK("doff anomaly", k.anomalies & NFD_BAD_TCP_DOFF);
	tcp_syn(b + n);
	b[n + 21] = 1; /* MSS length 1 */
	nfd_decode(&k, 2, 0x0800, b, n + 40);
	CHECK("olen < 2", k.anomalies & NFD_BAD_TCP_OPTION);
	tcp_syn(b + n);
	b[n + 38] = 200; /* WS length beyond the options */
	nfd_decode(&k, 2, 0x0800, b, n + 40);
	CHECK("olen past end", k.anomalies & NFD_BAD_TCP_OPTION);
	CHECK_EQ("earlier options kept", 1460, k.l3.tcp.mss);
}

static void test_ipv4_hostile(void)
{
	uint8_t b[64];
	struct nfd_packet k;
	size_t n = ipv4(b, 17, 0, 8, 0);

	b[0] = 0x44; /* ihl 4 */
	nfd_decode(&k, 2, 0x0800, b, n + 8);
	CHECK("ihl anomaly", k.anomalies & NFD_BAD_IPV4_IHL);
	CHECK_EQ("no l4 from bad ihl", NFD_L4_NONE, k.l3.l4);
	b[0] = 0x4f; /* 60-byte header, 28 captured */
	nfd_decode(&k, 2, 0x0800, b, 28);
	CHECK_EQ("options truncated", NFD_LAYER_IPV4, k.truncated);
	CHECK_EQ("opt bytes kept", 8, k.l3.v4.optlen);
	b[0] = 0x65; /* version 6 in an IPv4 hook */
	nfd_decode(&k, 2, 0x0800, b, n + 8);
	CHECK("version anomaly", k.anomalies & NFD_BAD_IPV4_VERSION);
	ipv4(b, 17, 0, 8, 0);
	put16(b, 2, 10); /* total length below the header */
	nfd_decode(&k, 2, 0x0800, b, n + 8);
	CHECK("totlen anomaly", k.anomalies & NFD_BAD_IPV4_TOTLEN);
	nfd_decode(&k, 2, 0x0800, b, 19);
	CHECK_EQ("short ip", NFD_LAYER_IPV4, k.truncated);
	CHECK("no header", !k.l3.hdr_ok);
	CHECK("null buffer", !nfd_decode(&k, 2, 0x0800, NULL, 100));
}

static void test_ipv4_fragments(void)
{
	uint8_t b[64];
	struct nfd_packet k;
	size_t n = ipv4(b, 17, 0, 16, 0x2000 | 185); /* MF, offset 1480 */

	memset(b + n, 0x41, 16); /* payload bytes, not a UDP header */
	nfd_decode(&k, 2, 0x0800, b, n + 16);
	CHECK("non-first fragment", k.l3.fragment);
	CHECK_EQ("no l4 from payload", NFD_L4_NONE, k.l3.l4);
	CHECK_EQ("proto known", 17, k.l3.l4proto);
	ipv4(b, 17, 0, 16, 0x2000);
	put16(b + n, 0, 5000);
	put16(b + n, 2, 53);
	put16(b + n, 4, 3008);
	nfd_decode(&k, 2, 0x0800, b, n + 16);
	CHECK("first fragment decodes", k.l3.l4 == NFD_L4_UDP && k.l3.udp.dport == 53);
	CHECK_EQ("udp len may span the fragments", 0, k.anomalies);
}

static void test_udp_and_udplite(void)
{
	uint8_t b[64];
	struct nfd_packet k;
	size_t n = ipv4(b, 17, 0, 12, 0);

	put16(b + n, 0, 1234);
	put16(b + n, 2, 53);
	put16(b + n, 4, 12);
	put16(b + n, 6, 0x1111);
	/* 4 bytes of Ethernet padding after the datagram are clamped off */
	CHECK("clean", nfd_decode(&k, 2, 0x0800, b, n + 16));
	CHECK_EQ("udp len", 12, k.l3.udp.len);
	CHECK_EQ("avail clamped to totlen", 12, k.l3.l4_avail);
	put16(b + n, 4, 4);
	nfd_decode(&k, 2, 0x0800, b, n + 12);
	CHECK("len < 8", k.anomalies & NFD_BAD_UDP_LEN);
	ipv4(b, 136, 0, 12, 0);
	CHECK("udplite coverage not checked", nfd_decode(&k, 2, 0x0800, b, n + 12));
	CHECK_EQ("udplite decoded", NFD_L4_UDP, k.l3.l4);
	nfd_decode(&k, 2, 0x0800, b, n + 7);
	CHECK_EQ("udp truncated", NFD_LAYER_UDP, k.truncated);
}

static void test_icmp_echo_and_errors(void)
{
	uint8_t b[128];
	struct nfd_packet k;
	size_t n = ipv4(b, 1, 0, 8, 0), m;

	b[n] = 8;
	put16(b + n, 4, 77);
	put16(b + n, 6, 3);
	CHECK("echo clean", nfd_decode(&k, 2, 0x0800, b, n + 8));
	CHECK("echo fields",
	      k.l3.icmp.has_echo && k.l3.icmp.echo_id == 77 && k.l3.icmp.echo_seq == 3);
	/* port unreachable quoting a UDP datagram */
	n = ipv4(b, 1, 0, 8 + 28, 0);
	memset(b + n, 0, 8);
	b[n] = 3;
	b[n + 1] = 3;
	m = ipv4(b + n + 8, 17, 0, 8, 0);
	put16(b + n + 8 + m, 0, 5353);
	put16(b + n + 8 + m, 2, 9);
	put16(b + n + 8 + m, 4, 8);
	CHECK("unreach clean", nfd_decode(&k, 2, 0x0800, b, n + 36));
	CHECK("inner", k.has_inner && k.inner.kind == NFD_L3_IPV4);
	CHECK("inner ports",
	      k.inner.l4 == NFD_L4_UDP && k.inner.udp.sport == 5353 && k.inner.udp.dport == 9);
	/* fragmentation needed carries the next-hop MTU */
	b[n + 1] = 4;
	put16(b + n, 6, 1400);
	nfd_decode(&k, 2, 0x0800, b, n + 36);
	CHECK("mtu", k.l3.icmp.has_mtu && k.l3.icmp.mtu == 1400);
	/* redirect gateway */
	b[n] = 5;
	b[n + 1] = 1;
	memcpy(b + n + 4, (uint8_t[]){10, 0, 0, 254}, 4);
	nfd_decode(&k, 2, 0x0800, b, n + 36);
	CHECK("gateway", k.l3.icmp.has_gateway && k.l3.icmp.gateway[3] == 254);
	/* an error shorter than header + 20 is flagged as the kernel does */
	nfd_decode(&k, 2, 0x0800, b, n + 20);
	CHECK("short for type", k.l3.icmp.short_for_type && !k.has_inner);
	/* an inner packet that is itself an ICMP error is not decoded again */
	n = ipv4(b, 1, 0, 64, 0);
	memset(b + n, 0, 8);
	b[n] = 11;
	m = ipv4(b + n + 8, 1, 0, 36, 0);
	b[n + 8 + m] = 3;
	nfd_decode(&k, 2, 0x0800, b, n + 8 + m + 8);
	CHECK("no second recursion", k.has_inner && k.inner.l4 == NFD_L4_ICMP);
}

static void test_ipv6_tcp_and_exthdrs(void)
{
	uint8_t b[160];
	struct nfd_packet k;
	size_t n = ipv6(b, 6, 40);

	n += tcp_syn(b + n);
	CHECK("v6 clean", nfd_decode(&k, 10, 0x86dd, b, n));
	CHECK_EQ("tclass", 0xa0, k.l3.v6.tclass);
	CHECK_EQ("flow", 0x12345, k.l3.v6.flowlabel);
	CHECK_EQ("hop", 63, k.l3.v6.hoplimit);
	CHECK_EQ("tcp", NFD_L4_TCP, k.l3.l4);
	/* hop-by-hop, then a first fragment, then UDP */
	n = ipv6(b, 0, 8 + 8 + 8);
	memset(b + 40, 0, 16);
	b[40] = 44;
	b[48] = 17;
	put16(b, 48 + 2, 0x0001); /* offset 0, more fragments */
	put32(b, 48 + 4, 0xdeadbeef);
	put16(b + 56, 0, 7);
	put16(b + 56, 2, 8);
	put16(b + 56, 4, 8);
	CHECK("first fragment clean", nfd_decode(&k, 10, 0x86dd, b, 64));
	CHECK("frag header", k.l3.v6.has_frag && k.l3.v6.frag_more && k.l3.v6.fragid == 0xdeadbeef);
	CHECK_EQ("exthdrs", 2, k.l3.v6.nexthdrs);
	CHECK("udp after frag", k.l3.l4 == NFD_L4_UDP && k.l3.udp.dport == 8);
	put16(b, 48 + 2, 1480);
	nfd_decode(&k, 10, 0x86dd, b, 64);
	CHECK("non-first v6 fragment", k.l3.fragment && k.l3.l4 == NFD_L4_NONE);
	CHECK_EQ("offset in bytes", 1480, k.l3.v6.fragoff);
	nfd_decode(&k, 10, 0x86dd, b, 52);
	CHECK_EQ("frag header cut", NFD_V6WALK_FRAG_TRUNC, k.l3.v6.walk);
	CHECK_EQ("truncation layer", NFD_LAYER_IPV6_EXT, k.truncated);
}

static void test_ipv6_hostile(void)
{
	uint8_t b[40 + (NFD_MAX_EXTHDR + 1) * 8];
	struct nfd_packet k;
	size_t n = ipv6(b, 60, (NFD_MAX_EXTHDR + 1) * 8);

	/* one destination-options header more than the cap: the walk stops */
	for (int i = 0; i <= NFD_MAX_EXTHDR; i++) {
		b[n + 8 * i] = 60;
		b[n + 8 * i + 1] = 0;
	}
	nfd_decode(&k, 10, 0x86dd, b, sizeof(b));
	CHECK("ext cap", k.anomalies & NFD_BAD_IPV6_EXT_LIMIT);
	CHECK_EQ("walked", NFD_MAX_EXTHDR, k.l3.v6.nexthdrs);
	/* a header length that points past the capture */
	b[n] = 6;
	b[n + 1] = 255;
	nfd_decode(&k, 10, 0x86dd, b, sizeof(b));
	CHECK_EQ("tcp beyond capture", NFD_LAYER_TCP, k.truncated);
	nfd_decode(&k, 10, 0x86dd, b, 39);
	CHECK("v6 header cut", !k.l3.hdr_ok && k.truncated == NFD_LAYER_IPV6);
	/* ESP ends the walk: SPI kept, nothing after it */
	ipv6(b, 50, 16);
	put32(b, 40, 0x1001);
	nfd_decode(&k, 10, 0x86dd, b, 56);
	CHECK("v6 esp", k.l3.v6.walk == NFD_V6WALK_ESP && k.l3.spi == 0x1001);
}

static void test_icmpv6(void)
{
	uint8_t b[160];
	struct nfd_packet k;
	size_t n = ipv6(b, 58, 8);

	b[n] = 128;
	put16(b + n, 4, 9);
	put16(b + n, 6, 1);
	CHECK("echo", nfd_decode(&k, 10, 0x86dd, b, n + 8));
	CHECK("echo fields", k.l3.icmp.has_echo && k.l3.icmp.echo_id == 9);
	ipv6(b, 58, 8 + 48);
	memset(b + n, 0, 8);
	b[n] = 2;
	put32(b + n, 4, 1280);
	ipv6(b + n + 8, 17, 8);
	nfd_decode(&k, 10, 0x86dd, b, n + 8 + 48);
	CHECK("too big", k.l3.icmp.has_mtu && k.l3.icmp.mtu == 1280);
	CHECK("inner v6", k.has_inner && k.inner.kind == NFD_L3_IPV6);
	CHECK_EQ("inner udp", NFD_L4_UDP, k.inner.l4);
}

static void test_other_transports(void)
{
	uint8_t b[64];
	struct nfd_packet k;
	size_t n = ipv4(b, 132, 0, 12, 0);

	put16(b + n, 0, 2905);
	put16(b + n, 2, 2906);
	put32(b + n, 4, 0xcafe);
	put32(b + n, 8, 0x12345678);
	CHECK("sctp", nfd_decode(&k, 2, 0x0800, b, n + 12) && k.l3.ports.dport == 2906 &&
			      k.l3.ports.sctp_csum == 0x12345678);
	ipv4(b, 33, 0, 12, 0);
	b[n + 8] = 0 << 1; /* DCCP-Request */
	CHECK("dccp", nfd_decode(&k, 2, 0x0800, b, n + 12) && k.l3.l4 == NFD_L4_DCCP);
	ipv4(b, 47, 0, 12, 0);
	put16(b + n, 0, 0xa000); /* checksum and key present */
	put16(b + n, 2, 0x0800);
	put32(b + n, 8, 42);
	CHECK("gre key",
	      nfd_decode(&k, 2, 0x0800, b, n + 12) && k.l3.gre.has_key && k.l3.gre.key == 42);
	nfd_decode(&k, 2, 0x0800, b, n + 9);
	CHECK_EQ("gre key cut", NFD_LAYER_GRE, k.truncated);
	ipv4(b, 51, 0, 12, 0);
	put32(b + n, 4, 0x100);
	CHECK("ah spi", nfd_decode(&k, 2, 0x0800, b, n + 12) && k.l3.spi == 0x100);
	ipv4(b, 50, 0, 8, 0);
	put32(b + n, 0, 0x200);
	CHECK("esp spi", nfd_decode(&k, 2, 0x0800, b, n + 8) && k.l3.spi == 0x200);
}

static void test_arp_vlan_netdev(void)
{
	uint8_t b[64] = {0,  1, 8, 0, 6, 4, 0, 1, 2, 2, 2,  2, 2, 2,
			 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2};
	uint8_t v[80];
	struct nfd_packet k;
	size_t n;

	CHECK("bridge arp", nfd_decode(&k, 7, 0x0806, b, 28));
	CHECK("arp addrs", k.l3.arp.has_addrs && k.l3.arp.op == 1 && k.l3.arp.tpa[3] == 2);
	nfd_decode(&k, 3, 0, b, 20);
	CHECK("arp family, cut", k.truncated == NFD_LAYER_ARP && k.l3.hdr_ok);
	/* in-band 802.1Q tag on a bridge */
	put16(v, 0, 0x2064); /* prio 1, vid 100 */
	put16(v, 2, 0x0800);
	n = ipv4(v + 4, 17, 0, 8, 0);
	memset(v + 4 + n, 0, 8);
	put16(v + 4 + n, 4, 8);
	CHECK("vlan", nfd_decode(&k, 7, 0x8100, v, 4 + n + 8));
	CHECK("vlan id", k.nvlan == 1 && (k.vlan_tci[0] & 0xfff) == 100 && k.ethertype == 0x0800);
	put16(v, 2, 0x8100);
	put16(v, 6, 0x8100);
	nfd_decode(&k, 7, 0x88a8, v, 40);
	CHECK("vlan depth", k.anomalies & NFD_BAD_VLAN_DEPTH);
	nfd_decode(&k, 5, 0x88cc, v, 40); /* LLDP on netdev ingress */
	CHECK("unknown l3", k.anomalies & NFD_BAD_L3_UNKNOWN);
}

/* Random bytes in every family: must never read out of bounds. */
static void test_random_bytes(void)
{
	static const uint8_t fam[] = {2, 10, 3, 7, 5};
	static const uint16_t et[] = {0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8};
	uint8_t b[256];
	struct nfd_packet k;
	unsigned seed = 12345;

	for (int i = 0; i < 200000; i++) {
		size_t len = (size_t)(rand_r(&seed) % 256);

		for (size_t j = 0; j < len; j++)
			b[j] = (uint8_t)rand_r(&seed);
		if (len > 0 && i % 2)
			b[0] = (uint8_t)((i % 4 ? 0x40 : 0x60) | (b[0] & 0x0f));
		if (len > 9 && i % 3 == 0)
			b[9] = (uint8_t[]){1, 6, 17, 47, 50, 51, 132, 33}[i % 8];
		nfd_decode(&k, fam[i % 5], et[(i / 5) % 5], b, len);
	}
	CHECK("survived", 1);
}

int main(void)
{
	RUN(test_ipv4_tcp_syn_options);
	RUN(test_tcp_truncated_keeps_ip);
	RUN(test_tcp_hostile);
	RUN(test_ipv4_hostile);
	RUN(test_ipv4_fragments);
	RUN(test_udp_and_udplite);
	RUN(test_icmp_echo_and_errors);
	RUN(test_ipv6_tcp_and_exthdrs);
	RUN(test_ipv6_hostile);
	RUN(test_icmpv6);
	RUN(test_other_transports);
	RUN(test_arp_vlan_netdev);
	RUN(test_random_bytes);
	UNIT_EXIT();
}
