/* SPDX-License-Identifier: Apache-2.0 */
#include "nfct-table.h"

#include <stdlib.h>

#define WINDOW 8 /* slots probed from the home slot */

/* ct ids are kernel pointers hashed with a secret: mix anyway, cheaply */
static size_t home(const struct nfct_table *t, uint32_t id)
{
	return (size_t)(id * 2654435761u) & t->mask;
}

int nfct_table_init(struct nfct_table *t, size_t capacity)
{
	size_t n = WINDOW;

	while (n < capacity)
		n <<= 1;
	t->slots = calloc(n, sizeof(*t->slots));
	t->mask = n - 1;
	t->used = 0;
	t->evictions = 0;
	return t->slots ? 0 : -1;
}

void nfct_table_free(struct nfct_table *t)
{
	free(t->slots);
	t->slots = NULL;
}

static bool earlier(const struct timeval *a, const struct timeval *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_usec < b->tv_usec);
}

void nfct_table_put(struct nfct_table *t, uint32_t id, const struct timeval *start)
{
	struct nfct_slot *free_slot = NULL, *oldest = NULL;
	size_t h = home(t, id);

	for (size_t i = 0; i < WINDOW; i++) {
		struct nfct_slot *s = &t->slots[(h + i) & t->mask];

		if (s->used && s->id == id) {
			s->start = *start;
			return;
		}
		if (!s->used && free_slot == NULL)
			free_slot = s;
		if (s->used && (oldest == NULL || earlier(&s->start, &oldest->start)))
			oldest = s;
	}
	if (free_slot == NULL) {
		free_slot = oldest;
		t->evictions++;
		t->used--;
	}
	free_slot->used = true;
	free_slot->id = id;
	free_slot->start = *start;
	t->used++;
}

static struct nfct_slot *find(const struct nfct_table *t, uint32_t id)
{
	size_t h = home(t, id);

	for (size_t i = 0; i < WINDOW; i++) {
		struct nfct_slot *s = &t->slots[(h + i) & t->mask];

		if (s->used && s->id == id)
			return s;
	}
	return NULL;
}

bool nfct_table_peek(const struct nfct_table *t, uint32_t id, struct timeval *start)
{
	struct nfct_slot *s = find(t, id);

	if (s)
		*start = s->start;
	return s != NULL;
}

bool nfct_table_take(struct nfct_table *t, uint32_t id, struct timeval *start)
{
	struct nfct_slot *s = find(t, id);

	if (s == NULL)
		return false;
	*start = s->start;
	s->used = false;
	t->used--;
	return true;
}
