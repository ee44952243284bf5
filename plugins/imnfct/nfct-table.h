/* SPDX-License-Identifier: Apache-2.0 */
/* When each flow was seen to start, by conntrack id, so DESTROY carries a
 * start time and duration even with nf_conntrack_timestamp=0 (ulogd2's hash
 * mode does the same). Bounded: a full probe window evicts its oldest entry,
 * and evictions are counted. */
#ifndef NFCT_TABLE_H
#define NFCT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

struct nfct_slot {
	bool used;
	uint32_t id;
	struct timeval start;
};

struct nfct_table {
	struct nfct_slot *slots;
	size_t mask;
	size_t used;
	uint64_t evictions;
};

/* capacity is rounded up to a power of two; returns -1 on allocation failure */
int nfct_table_init(struct nfct_table *t, size_t capacity);
void nfct_table_free(struct nfct_table *t);
void nfct_table_put(struct nfct_table *t, uint32_t id, const struct timeval *start);
/* Finds and removes the entry of id. */
bool nfct_table_take(struct nfct_table *t, uint32_t id, struct timeval *start);
bool nfct_table_peek(const struct nfct_table *t, uint32_t id, struct timeval *start);

#endif
