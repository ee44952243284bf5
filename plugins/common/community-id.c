/* SPDX-License-Identifier: Apache-2.0 */
#include "community-id.h"

#include <string.h>

/* SHA-1, FIPS 180-4 section 6.1, over one short message. */
struct sha1 {
	uint32_t h[5];
	uint8_t block[64];
	size_t used;
	uint64_t total;
};

static uint32_t rol(uint32_t x, int n)
{
	return x << n | x >> (32 - n);
}

static void sha1_block(struct sha1 *c)
{
	uint32_t w[80], a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)c->block[4 * i] << 24 | (uint32_t)c->block[4 * i + 1] << 16 |
		       (uint32_t)c->block[4 * i + 2] << 8 | c->block[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k, t;

		if (i < 20) {
			f = (b & cc) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ cc ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & cc) | (b & d) | (cc & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ cc ^ d;
			k = 0xca62c1d6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = cc;
		cc = rol(b, 30);
		b = a;
		a = t;
	}
	c->h[0] += a;
	c->h[1] += b;
	c->h[2] += cc;
	c->h[3] += d;
	c->h[4] += e;
}

static void sha1_update(struct sha1 *c, const void *data, size_t n)
{
	const uint8_t *p = data;

	c->total += n;
	while (n--) {
		c->block[c->used++] = *p++;
		if (c->used == 64) {
			sha1_block(c);
			c->used = 0;
		}
	}
}

static void sha1_final(struct sha1 *c, uint8_t out[20])
{
	uint64_t bits = c->total * 8;
	uint8_t pad = 0x80, zero = 0, len[8];

	sha1_update(c, &pad, 1);
	while (c->used != 56)
		sha1_update(c, &zero, 1);
	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha1_update(c, len, 8);
	for (int i = 0; i < 20; i++)
		out[i] = (uint8_t)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}

static void base64(const uint8_t *in, size_t n, char *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? tab[v & 63] : '=';
	}
	out[o] = '\0';
}

/* ICMP "ports": the type and its counterpart type (spec section on ICMP);
 * types without a counterpart are one-way and keep their direction. */
static bool icmp_counterpart(uint8_t proto, uint8_t type, uint8_t *peer)
{
	static const uint8_t v4[][2] = {{8, 0},	  {0, 8},  {13, 14}, {14, 13}, {15, 16},
					{16, 15}, {10, 9}, {9, 10},  {17, 18}, {18, 17}};
	static const uint8_t v6[][2] = {{128, 129}, {129, 128}, {133, 134}, {134, 133},
					{135, 136}, {136, 135}, {130, 131}, {131, 130},
					{139, 140}, {140, 139}, {144, 145}, {145, 144}};
	const uint8_t(*t)[2] = proto == 1 ? v4 : v6;
	size_t n = proto == 1 ? sizeof(v4) / sizeof(v4[0]) : sizeof(v6) / sizeof(v6[0]);

	for (size_t i = 0; i < n; i++)
		if (t[i][0] == type) {
			*peer = t[i][1];
			return true;
		}
	return false;
}

void community_id_v1(uint16_t seed, const uint8_t *saddr, const uint8_t *daddr, size_t alen,
		     uint8_t proto, bool has_ports, uint16_t sport, uint16_t dport,
		     char out[COMMUNITY_ID_LEN])
{
	struct sha1 c = {{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0}, {0}, 0, 0};
	uint8_t hdr[4] = {(uint8_t)(seed >> 8), (uint8_t)seed, proto, 0}, digest[20], pb[4];
	bool one_way = false;
	int cmp;

	if (has_ports && (proto == 1 || proto == 58)) {
		uint8_t peer;

		one_way = !icmp_counterpart(proto, (uint8_t)sport, &peer);
		if (!one_way)
			dport = peer;
	}
	cmp = memcmp(saddr, daddr, alen);
	if (!one_way && (cmp > 0 || (cmp == 0 && has_ports && sport > dport))) {
		const uint8_t *ta = saddr;
		uint16_t tp = sport;

		saddr = daddr;
		daddr = ta;
		sport = dport;
		dport = tp;
	}
	sha1_update(&c, hdr, 2);
	sha1_update(&c, saddr, alen);
	sha1_update(&c, daddr, alen);
	sha1_update(&c, hdr + 2, 2);
	if (has_ports) {
		pb[0] = (uint8_t)(sport >> 8);
		pb[1] = (uint8_t)sport;
		pb[2] = (uint8_t)(dport >> 8);
		pb[3] = (uint8_t)dport;
		sha1_update(&c, pb, 4);
	}
	sha1_final(&c, digest);
	memcpy(out, "1:", 2);
	base64(digest, sizeof(digest), out + 2);
}
