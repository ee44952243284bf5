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
#include <time.h>

#define BURST 32

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = {.sin_family = AF_INET};
	struct mmsghdr msgs[BURST];
	struct iovec iov[BURST];
	char payload[BURST][16];
	double rate, secs, start, t;
	uint64_t sent = 0;
	int fd, spin;

	if (argc != 5 && argc != 6)
		return fprintf(stderr, "usage: flood DST PORT RATE SECONDS [sleep|spin]\n"), 2;
	spin = argc == 6 && strcmp(argv[5], "spin") == 0;
	inet_pton(AF_INET, argv[1], &dst.sin_addr);
	dst.sin_port = htons((uint16_t)atoi(argv[2]));
	rate = atof(argv[3]);
	secs = atof(argv[4]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BURST; i++) {
		iov[i] = (struct iovec){payload[i], sizeof(payload[i])};
		msgs[i].msg_hdr = (struct msghdr){.msg_name = &dst,
						  .msg_namelen = sizeof(dst),
						  .msg_iov = &iov[i],
						  .msg_iovlen = 1};
	}
	start = now();
	while ((t = now() - start) < secs) {
		/* stay on the schedule: send what the elapsed time allows */
		uint64_t due = (uint64_t)(t * rate);
		int n;

		if (sent >= due) {
			/* sleep until a burst is due: leave the CPU to the consumers */
			struct timespec ts = {0, (long)(BURST / rate * 1e9)};

			if (!spin)
				nanosleep(&ts, NULL);
			continue;
		}
		n = (int)(due - sent < BURST ? due - sent : BURST);
		for (int i = 0; i < n; i++)
			memcpy(payload[i], &sent, sizeof(sent));
		n = sendmmsg(fd, msgs, (unsigned)n, 0);
		if (n > 0)
			sent += (uint64_t)n;
	}
	printf("%llu\n", (unsigned long long)sent);
	return 0;
}
