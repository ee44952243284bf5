/* SPDX-License-Identifier: Apache-2.0 */
/* flood DST PORT RATE SECONDS [sleep|spin [SOURCES]]: paced UDP datagrams
 * (16-byte payload) at RATE packets/s for SECONDS; prints the number sent.
 * "sleep" (the default) sleeps between bursts and leaves the CPU to the
 * consumers; "spin" polls the clock, as a sender that owns a core does.
 * With SOURCES, the datagrams come from that many spoofed addresses in
 * turn, 10.211.0.0 upwards, written whole on a raw socket (IP_HDRINCL:
 * the kernel fills the IPv4 checksum, RFC 768 lets the UDP one be 0), as a
 * flood from a botnet or with forged sources. For the NFLOG benchmark. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../pace.h"

#define BURST	32
#define HDR	28 /* IPv4 20, UDP 8 */
#define PAYLOAD 16

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An IPv4 + UDP header from 10.211.0.0 + source to dst:port (RFC 791, 768). */
static void headers(uint8_t *p, uint32_t source, const struct sockaddr_in *dst)
{
	uint32_t src = htonl(0x0ad30000u + source);

	memset(p, 0, HDR);
	p[0] = 0x45;
	put16(p + 2, HDR + PAYLOAD);
	p[8] = 64;
	p[9] = IPPROTO_UDP;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst->sin_addr, 4);
	put16(p + 20, (uint16_t)(1024 + source % 60000));
	memcpy(p + 22, &dst->sin_port, 2);
	put16(p + 24, 8 + PAYLOAD);
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = {.sin_family = AF_INET};
	struct mmsghdr msgs[BURST];
	struct iovec iov[BURST];
	uint8_t packet[BURST][HDR + PAYLOAD];
	struct pace pace = {.burst = BURST};
	uint64_t sent = 0, sources = 0;
	int fd, n, one = 1;

	if (argc < 5 || argc > 7)
		return fprintf(stderr,
			       "usage: flood DST PORT RATE SECONDS [sleep|spin [SOURCES]]\n"),
		       2;
	pace.spin = argc >= 6 && strcmp(argv[5], "spin") == 0;
	sources = argc == 7 ? strtoull(argv[6], NULL, 10) : 0;
	inet_pton(AF_INET, argv[1], &dst.sin_addr);
	dst.sin_port = htons((uint16_t)atoi(argv[2]));
	pace.rate = atof(argv[3]);
	pace.secs = atof(argv[4]);
	if (sources) {
		fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
		if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0)
			return perror("flood: raw socket"), 1;
	} else {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
	}
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BURST; i++) {
		size_t off = sources ? 0 : HDR;

		iov[i] = (struct iovec){packet[i] + off, sizeof(packet[i]) - off};
		msgs[i].msg_hdr = (struct msghdr){.msg_name = &dst,
						  .msg_namelen = sizeof(dst),
						  .msg_iov = &iov[i],
						  .msg_iovlen = 1};
	}
	pace.start = pace_now();
	while ((n = pace_due(&pace, sent)) >= 0) {
		for (int i = 0; i < n; i++) {
			uint64_t seq = sent + (uint64_t)i;

			if (sources)
				headers(packet[i], (uint32_t)(seq % sources), &dst);
			memcpy(packet[i] + HDR, &seq, sizeof(seq));
		}
		if (n > 0 && (n = sendmmsg(fd, msgs, (unsigned)n, 0)) > 0)
			sent += (uint64_t)n;
	}
	printf("%llu\n", (unsigned long long)sent);
	return 0;
}
