/* SPDX-License-Identifier: Apache-2.0 */
/* Pacing for the benchmarks' senders: RATE datagrams a second on the
 * clock's schedule, in bursts of at most BURST, "sleep" between bursts
 * (leaving the CPU to the consumers) or "spin" (a sender that owns a
 * core). */
#ifndef BENCH_PACE_H
#define BENCH_PACE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct pace {
	double start, rate, secs;
	bool spin;
	int burst;
};

static inline double pace_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* How many to send now, after sent so far: at most burst; 0 while none is
 * due (having slept or spun), -1 once secs are over. */
static inline int pace_due(const struct pace *p, uint64_t sent)
{
	double t = pace_now() - p->start;
	uint64_t due = (uint64_t)(t * p->rate);

	if (t >= p->secs)
		return -1;
	if (sent >= due) {
		struct timespec ts = {0, (long)(p->burst / p->rate * 1e9)};

		if (!p->spin)
			nanosleep(&ts, NULL);
		return 0;
	}
	return (int)(due - sent < (uint64_t)p->burst ? due - sent : (uint64_t)p->burst);
}

#endif
