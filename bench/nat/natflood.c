/* SPDX-License-Identifier: Apache-2.0 */
/* natflood DST PORT RATE SECONDS [sleep|spin]: UDP datagrams, each from a
 * source address and port not used before (64 addresses 192.168.80.2-65,
 * ports 1024-65535), so that every datagram is a new flow and, behind a
 * masquerading router, a new NAT mapping. RATE datagrams a second for
 * SECONDS, paced as bench/nflog/flood.c paces; prints the number sent.
 * Raw socket with IP_HDRINCL (the kernel fills in the IP checksum; a UDP
 * checksum of 0 means none, RFC 768). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../pace.h"

#define BURST	64
#define PKT_LEN 36 /* IPv4 20, UDP 8, payload 8 */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* flow n: source 192.168.80.(2 + n % 64), port 1024 + n / 64 % 64512 */
static void build(uint8_t *p, uint64_t n, const struct in_addr *dst, uint16_t dport)
{
	memset(p, 0, PKT_LEN);
	p[0] = 0x45;
	put16(p + 2, PKT_LEN);
	p[8] = 64;
	p[9] = IPPROTO_UDP;
	p[12] = 192;
	p[13] = 168;
	p[14] = 80;
	p[15] = (uint8_t)(2 + n % 64);
	memcpy(p + 16, &dst->s_addr, 4);
	put16(p + 20, (uint16_t)(1024 + n / 64 % 64512));
	put16(p + 22, dport);
	put16(p + 24, PKT_LEN - 20);
	memcpy(p + 28, &n, 8);
}

int main(int argc, char **argv)
{
	static uint8_t pkt[BURST][PKT_LEN];
	struct sockaddr_in to = {.sin_family = AF_INET};
	struct mmsghdr msgs[BURST];
	struct iovec iov[BURST];
	struct pace pace = {.burst = BURST};
	uint64_t sent = 0;
	uint16_t dport;
	int fd, n, one = 1;

	if (argc != 5 && argc != 6)
		return fprintf(stderr, "usage: natflood DST PORT RATE SECONDS [sleep|spin]\n"), 2;
	if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1)
		return fprintf(stderr, "natflood: bad address %s\n", argv[1]), 2;
	dport = (uint16_t)atoi(argv[2]);
	pace.rate = atof(argv[3]);
	pace.secs = atof(argv[4]);
	pace.spin = argc == 6 && strcmp(argv[5], "spin") == 0;
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0)
		return perror("natflood: raw socket"), 1;
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BURST; i++) {
		iov[i] = (struct iovec){pkt[i], PKT_LEN};
		msgs[i].msg_hdr = (struct msghdr){.msg_name = &to,
						  .msg_namelen = sizeof(to),
						  .msg_iov = &iov[i],
						  .msg_iovlen = 1};
	}
	pace.start = pace_now();
	while ((n = pace_due(&pace, sent)) >= 0) {
		for (int i = 0; i < n; i++)
			build(pkt[i], sent + (uint64_t)i, &to.sin_addr, dport);
		if (n > 0 && (n = sendmmsg(fd, msgs, (unsigned)n, 0)) > 0)
			sent += (uint64_t)n;
	}
	printf("%llu\n", (unsigned long long)sent);
	return 0;
}
