/* SPDX-License-Identifier: Apache-2.0 */
/* flood DST PORT RATE SECONDS [sleep|spin]: paced UDP datagrams (16-byte
 * payload) at RATE packets/s for SECONDS; prints the number sent. "sleep"
 * (the default) sleeps between bursts and leaves the CPU to the consumers;
 * "spin" polls the clock, as a sender that owns a core does. For the NFLOG
 * benchmark. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../pace.h"

#define BURST 32

int main(int argc, char **argv)
{
	struct sockaddr_in dst = {.sin_family = AF_INET};
	struct mmsghdr msgs[BURST];
	struct iovec iov[BURST];
	char payload[BURST][16];
	struct pace pace = {.burst = BURST};
	uint64_t sent = 0;
	int fd, n;

	if (argc != 5 && argc != 6)
		return fprintf(stderr, "usage: flood DST PORT RATE SECONDS [sleep|spin]\n"), 2;
	pace.spin = argc == 6 && strcmp(argv[5], "spin") == 0;
	inet_pton(AF_INET, argv[1], &dst.sin_addr);
	dst.sin_port = htons((uint16_t)atoi(argv[2]));
	pace.rate = atof(argv[3]);
	pace.secs = atof(argv[4]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BURST; i++) {
		iov[i] = (struct iovec){payload[i], sizeof(payload[i])};
		msgs[i].msg_hdr = (struct msghdr){.msg_name = &dst,
						  .msg_namelen = sizeof(dst),
						  .msg_iov = &iov[i],
						  .msg_iovlen = 1};
	}
	pace.start = pace_now();
	while ((n = pace_due(&pace, sent)) >= 0) {
		for (int i = 0; i < n; i++)
			memcpy(payload[i], &sent, sizeof(sent));
		if (n > 0 && (n = sendmmsg(fd, msgs, (unsigned)n, 0)) > 0)
			sent += (uint64_t)n;
	}
	printf("%llu\n", (unsigned long long)sent);
	return 0;
}
