/* SPDX-License-Identifier: Apache-2.0 */
#include "spool.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nlmsg.h"

/* A record: its header, then len bytes, padded to the header's alignment. */
struct spool_rec {
	struct timeval tv;
	size_t len;
};

struct spool_chunk {
	struct spool_chunk *next;
	size_t used, cap;
	_Alignas(struct spool_rec) uint8_t data[];
};

static size_t rec_size(size_t len)
{
	size_t a = _Alignof(struct spool_rec);

	return (sizeof(struct spool_rec) + len + a - 1) / a * a;
}

/* A chunk of SPOOL_CHUNK, or of what is left below the limit, and never
 * less than need. */
static struct spool_chunk *chunk_new(size_t need, size_t left)
{
	size_t cap = left < SPOOL_CHUNK ? left : SPOOL_CHUNK;
	struct spool_chunk *c;

	if (cap < need)
		cap = need;
	c = malloc(sizeof(*c) + cap);

	if (c) {
		c->next = NULL;
		c->used = 0;
		c->cap = cap;
	}
	return c;
}

uint8_t *spool_reserve(struct spool *s, size_t size)
{
	size_t need = rec_size(size);
	struct spool_chunk *c = s->tail;

	if (c == NULL || c->cap - c->used < need) {
		size_t left = s->limit ? s->limit - s->allocated : SIZE_MAX;

		if (left < need) {
			s->full = true;
			return NULL;
		}
		c = chunk_new(need, left);
		if (c == NULL)
			return NULL;
		s->allocated += c->cap;
		if (s->tail)
			s->tail->next = c;
		else
			s->head = c;
		s->tail = c;
	}
	return c->data + c->used + sizeof(struct spool_rec);
}

void spool_commit(struct spool *s, size_t len, const struct timeval *tv)
{
	struct spool_chunk *c = s->tail;
	struct spool_rec r = {*tv, len};

	memcpy(c->data + c->used, &r, sizeof(r));
	c->used += rec_size(len);
	s->datagrams++;
	s->bytes += len;
}

void spool_replay(struct spool *s, spool_fn fn, void *ctx)
{
	struct spool_chunk *c, *next;
	struct spool_rec r;

	for (c = s->head; c; c = next) {
		for (size_t off = 0; off < c->used; off += rec_size(r.len)) {
			memcpy(&r, c->data + off, sizeof(r));
			fn(c->data + off + sizeof(r), r.len, &r.tv, ctx);
		}
		next = c->next;
		free(c);
	}
	*s = (struct spool){.limit = s->limit};
}

void spool_free(struct spool *s)
{
	struct spool_chunk *c, *next;

	for (c = s->head; c; c = next) {
		next = c->next;
		free(c);
	}
	*s = (struct spool){.limit = s->limit};
}

enum spool_end spool_read(struct spool *s, int fd, size_t max, int64_t deadline,
			  struct nl_rx_drops *drops, uint64_t *overruns)
{
	struct timeval tv;
	uint8_t *buf;
	ssize_t n;

	while (nl_mono_ms() < deadline) {
		buf = spool_reserve(s, max);
		if (buf == NULL)
			return s->full ? SPOOL_LIMIT : SPOOL_NOMEM;
		n = nl_recv(fd, buf, max, MSG_DONTWAIT, drops);
		if (n > 0) {
			gettimeofday(&tv, NULL);
			spool_commit(s, (size_t)n, &tv);
		} else if (n < 0 && errno == ENOBUFS) {
			++*overruns;
		} else if (n < 0 && errno == EAGAIN) {
			return SPOOL_EMPTY;
		} else if (n < 0 && errno != EINTR) {
			return SPOOL_ERROR;
		}
	}
	return SPOOL_DEADLINE;
}

const char *im_stop_why(const struct im_stop *st)
{
	switch (st->end) {
	case SPOOL_CANCELLED:
		return "rsyslogd cancelled the input thread";
	case SPOOL_EMPTY:
		return "none";
	case SPOOL_DEADLINE:
		break;
	case SPOOL_NOMEM:
		return "there was no memory to hold them";
	case SPOOL_LIMIT:
		return "the stop's memory, stop.maxmemory, was used up: a larger one lets it hold "
		       "more";
	case SPOOL_ERROR:
		return "reading the socket failed";
	}
	return "reading them would have taken longer: a longer inputs.timeout.shutdown gives the "
	       "stop more time";
}
