/* SPDX-License-Identifier: Apache-2.0 */
/* The datagrams a socket still holds at a stop, moved into memory as fast
 * as recv() goes, each with its receive time, to be logged afterwards.
 * rsyslogd cancels an input thread that has not returned within
 * inputs.timeout.shutdown (1 s), but calls the module's afterRun from its
 * main thread once the thread has ended, before the main queue stops
 * (rsyslog threads.c thrdDestruct, rsyslogd.c deinitAll): reading is what
 * must fit the timeout, logging is not. Memory comes in chunks of
 * SPOOL_CHUNK, allocated only during a stop; what the spool holds is at
 * most what the socket's receive buffer held (the kernel charges each
 * datagram's truesize, more than its bytes). */
#ifndef SPOOL_H
#define SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#define SPOOL_CHUNK (4u << 20)

struct spool_chunk;

struct spool {
	size_t limit; /* bytes the chunks may take, 0: no limit */
	struct spool_chunk *head, *tail;
	size_t allocated;   /* the chunks' bytes */
	bool full;	    /* a reserve was refused for the limit */
	uint64_t datagrams; /* committed */
	size_t bytes;	    /* committed, payload only */
};

/* A place for one datagram of up to size bytes, at the spool's end; NULL
 * when memory runs out or the limit is reached. Nothing is in the spool
 * until spool_commit. */
uint8_t *spool_reserve(struct spool *s, size_t size);

/* The datagram just written to the reserved place: len bytes (at most the
 * size reserved), received at *tv. */
void spool_commit(struct spool *s, size_t len, const struct timeval *tv);

typedef void (*spool_fn)(const uint8_t *buf, size_t len, const struct timeval *tv, void *ctx);

/* Every datagram in the order committed, then the spool is empty again
 * and its memory freed. */
void spool_replay(struct spool *s, spool_fn fn, void *ctx);

void spool_free(struct spool *s);

struct nl_rx_drops;

enum spool_end {
	SPOOL_CANCELLED, /* not read to an end: the thread was cancelled */
	SPOOL_EMPTY,	 /* the socket was read to its end */
	SPOOL_DEADLINE,	 /* the deadline (CLOCK_MONOTONIC, ms) passed first */
	SPOOL_NOMEM,	 /* no memory for the next datagram */
	SPOOL_LIMIT,	 /* the spool's limit reached */
	SPOOL_ERROR,	 /* recv failed (errno) */
};

/* A kernel socket's datagrams, each of up to max bytes, into the spool
 * until one of spool_end happens; foreign datagrams are counted in drops
 * and skipped, each ENOBUFS counted in *overruns (the kernel's own drop
 * count says how many datagrams it lost). */
enum spool_end spool_read(struct spool *s, int fd, size_t max, int64_t deadline,
			  struct nl_rx_drops *drops, uint64_t *overruns);

/* A stop of one input: its spool, how its reading ended, and what was
 * still unread then (left, exact when all). */
struct im_stop {
	struct spool spool;
	enum spool_end end;
	int64_t at;	   /* when the input left its groups, ms */
	uint64_t left;	   /* datagrams' events counted unread */
	bool all;	   /* left is exact: the socket was counted to its end */
	uint64_t overruns; /* ENOBUFS seen while reading */
};

/* Where a module's stop is: its thread cancelled in RUNNING did nothing of
 * it, one cancelled in READING was reading its spools. */
enum im_stop_state { IM_STOP_RUNNING, IM_STOP_READING, IM_STOP_READ };

/* Why a stop left events unread, for its warning. */
const char *im_stop_why(const struct im_stop *st);

#endif
