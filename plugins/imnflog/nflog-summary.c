/* SPDX-License-Identifier: Apache-2.0 */
/* Flood summaries (nflog-summary.h). Keys live in a fixed array of maxkeys
 * entries, found through an open-addressing index (linear probing, at most
 * half full, deletion by backward shift: Knuth, TAOCP vol. 3, 6.4,
 * Algorithm R), so a packet costs one hash and a probe or two. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nflog-summary.h"

struct sum_entry {
	struct sum_key key;
	bool live, summarizing;
	uint32_t sec_count; /* packets in second sec */
	uint32_t max_sec;   /* most packets in one second of this interval */
	uint64_t sec;
	uint64_t hash;
	struct sum_stats st;
};

struct sum_prefix {
	uint64_t hash;
	uint16_t len;
	char text[SUM_PREFIX_MAX];
};

struct sum_table {
	struct sum_config cfg;
	struct sum_counters ctr;
	struct sum_entry *entries;
	uint32_t *index; /* entry number + 1; 0: empty */
	uint32_t index_mask;
	uint32_t *free_list;
	uint32_t n_free;
	uint64_t swept_sec;
	/* prefix 0 is "none"; 1..n_prefixes are in prefixes[] */
	struct sum_prefix prefixes[SUM_PREFIXES];
	uint16_t prefix_index[2 * SUM_PREFIXES];
	uint16_t n_prefixes;
	bool ov_open;
	struct sum_stats ov;
};

/* splitmix64's finalizer (Steele, Lea, Flood 2014): every input bit reaches
 * every output bit. Seeded, but not a keyed PRF like SipHash: the seed
 * keeps keys an attacker picks from colliding by construction. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t hash_bytes(const void *data, size_t n, uint64_t seed)
{
	const uint8_t *p = data;
	uint64_t h = mix64(seed ^ (n * 0x9e3779b97f4a7c15ULL));
	uint64_t v;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&v, p + i, 8);
		h = mix64(h ^ v);
	}
	v = 0;
	memcpy(&v, p + i, n - i);
	return mix64(h ^ v ^ 0xff);
}

static uint32_t index_slots(uint32_t maxkeys)
{
	uint32_t n = 16;

	while (n < 2 * (uint64_t)maxkeys)
		n *= 2;
	return n;
}

size_t sum_table_bytes(uint32_t maxkeys)
{
	return sizeof(struct sum_table) + (size_t)maxkeys * sizeof(struct sum_entry) +
	       (size_t)maxkeys * sizeof(uint32_t) + (size_t)index_slots(maxkeys) * sizeof(uint32_t);
}

struct sum_table *sum_table_new(const struct sum_config *cfg)
{
	struct sum_table *t;

	if (!cfg->emit || !cfg->threshold || !cfg->interval_ms || cfg->interval_ms % 1000 ||
	    !cfg->maxkeys || cfg->maxkeys > (1u << 30))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg = *cfg;
	t->index_mask = index_slots(cfg->maxkeys) - 1;
	t->entries = calloc(cfg->maxkeys, sizeof(*t->entries));
	t->index = calloc((size_t)t->index_mask + 1, sizeof(*t->index));
	t->free_list = malloc((size_t)cfg->maxkeys * sizeof(*t->free_list));
	if (!t->entries || !t->index || !t->free_list) {
		sum_table_free(t);
		return NULL;
	}
	for (uint32_t i = 0; i < cfg->maxkeys; i++)
		t->free_list[i] = cfg->maxkeys - 1 - i;
	t->n_free = cfg->maxkeys;
	t->swept_sec = UINT64_MAX;
	return t;
}

void sum_table_free(struct sum_table *t)
{
	if (!t)
		return;
	free(t->entries);
	free(t->index);
	free(t->free_list);
	free(t);
}

const struct sum_counters *sum_counters(const struct sum_table *t)
{
	return &t->ctr;
}

/* --- distinct counts --- */

static void hll_add(struct sum_distinct *d, uint64_t h)
{
	/* the top 7 bits pick the register, the rank of the rest is kept */
	uint32_t r = (uint32_t)(h >> 57);
	uint64_t w = h << 7;
	uint8_t rank = w ? (uint8_t)(__builtin_clzll(w) + 1) : 58;

	if (rank > d->u.reg[r])
		d->u.reg[r] = rank;
}

static void distinct_add(struct sum_distinct *d, uint64_t h)
{
	uint64_t held[SUM_EXACT_MAX];

	if (d->n_exact > SUM_EXACT_MAX) {
		hll_add(d, h);
		return;
	}
	for (unsigned i = 0; i < d->n_exact; i++)
		if (d->u.exact[i] == h)
			return;
	if (d->n_exact < SUM_EXACT_MAX) {
		d->u.exact[d->n_exact++] = h;
		return;
	}
	memcpy(held, d->u.exact, sizeof(held));
	memset(d->u.reg, 0, sizeof(d->u.reg));
	for (unsigned i = 0; i < SUM_EXACT_MAX; i++)
		hll_add(d, held[i]);
	hll_add(d, h);
	d->n_exact = SUM_EXACT_MAX + 1;
}

uint64_t sum_distinct_count(const struct sum_distinct *d, bool *exact)
{
	const double m = SUM_HLL_REGS, alpha = 0.7213 / (1 + 1.079 / m);
	double sum = 0, e;
	unsigned zeros = 0;

	*exact = d->n_exact <= SUM_EXACT_MAX;
	if (*exact)
		return d->n_exact;
	for (unsigned i = 0; i < SUM_HLL_REGS; i++) {
		sum += ldexp(1.0, -d->u.reg[i]);
		zeros += d->u.reg[i] == 0;
	}
	e = alpha * m * m / sum;
	/* small range: linear counting over the empty registers */
	if (e <= 2.5 * m && zeros)
		e = m * log(m / zeros);
	return (uint64_t)llround(e);
}

/* --- summaries --- */

static uint64_t second_of(uint64_t ms)
{
	return ms - ms % 1000;
}

static void stats_reset(struct sum_stats *s, uint64_t start_ms)
{
	memset(s, 0, sizeof(*s));
	s->start_ms = start_ms;
}

static void stats_add(struct sum_table *t, struct sum_stats *s, const struct sum_pkt *p)
{
	if (!s->packets || p->ts_us < s->first_us)
		s->first_us = p->ts_us;
	if (p->ts_us > s->last_us)
		s->last_us = p->ts_us;
	s->packets++;
	s->bytes += p->bytes;
	if (p->has_ports)
		distinct_add(&s->sports, mix64(t->cfg.seed ^ p->sport));
	if (p->family)
		distinct_add(&s->saddrs, hash_bytes(p->saddr, 16, t->cfg.seed));
	if (p->has_tcp) {
		s->tcp_flags |= p->tcp_flags;
		if (!s->has_tcp || p->tcp_window < s->window_min)
			s->window_min = p->tcp_window;
		if (!s->has_tcp || p->tcp_window > s->window_max)
			s->window_max = p->tcp_window;
		s->has_tcp = true;
	}
	if (p->has_ttl) {
		if (!s->has_ttl || p->ttl < s->ttl_min)
			s->ttl_min = p->ttl;
		if (!s->has_ttl || p->ttl > s->ttl_max)
			s->ttl_max = p->ttl;
		s->has_ttl = true;
	}
	t->ctr.summarized++;
}

static void emit_stats(struct sum_table *t, const struct sum_key *key, struct sum_stats *s,
		       uint64_t end_ms)
{
	const char *prefix = NULL;

	if (!s->packets)
		return;
	if (key && key->prefix)
		prefix = t->prefixes[key->prefix - 1].text;
	s->end_ms = end_ms;
	t->ctr.summaries++;
	t->cfg.emit(key, prefix, s, t->cfg.ctx);
}

/* --- prefixes: interned, so a key holds a 16-bit number --- */

/* The prefix's number, 0 for none, -1 when SUM_PREFIXES are taken. */
static int prefix_id(struct sum_table *t, const char *text, size_t len)
{
	const uint32_t mask = 2 * SUM_PREFIXES - 1;
	uint64_t h;
	uint32_t i;

	if (!text || !len)
		return 0;
	if (len >= SUM_PREFIX_MAX)
		len = SUM_PREFIX_MAX - 1;
	h = hash_bytes(text, len, t->cfg.seed);
	for (i = (uint32_t)h & mask; t->prefix_index[i]; i = (i + 1) & mask) {
		const struct sum_prefix *p = &t->prefixes[t->prefix_index[i] - 1];

		if (p->hash == h && p->len == len && memcmp(p->text, text, len) == 0)
			return t->prefix_index[i];
	}
	if (t->n_prefixes == SUM_PREFIXES)
		return -1;
	struct sum_prefix *p = &t->prefixes[t->n_prefixes];
	p->hash = h;
	p->len = (uint16_t)len;
	memcpy(p->text, text, len);
	p->text[len] = '\0';
	t->prefix_index[i] = ++t->n_prefixes;
	return t->n_prefixes;
}

/* --- the key index --- */

static bool make_key(struct sum_table *t, const struct sum_pkt *p, struct sum_key *k)
{
	const unsigned m = t->cfg.keymask;

	memset(k, 0, sizeof(*k));
	if (m & SUM_K_PREFIX) {
		int id = prefix_id(t, p->prefix, p->prefix_len);

		if (id < 0)
			return false;
		k->prefix = (uint16_t)id;
	}
	if (m & SUM_K_VERDICT)
		k->verdict = p->verdict;
	if (m & (SUM_K_SADDR | SUM_K_DADDR))
		k->family = p->family;
	if (m & SUM_K_SADDR)
		memcpy(k->saddr, p->saddr, sizeof(k->saddr));
	if (m & SUM_K_DADDR)
		memcpy(k->daddr, p->daddr, sizeof(k->daddr));
	if (m & SUM_K_PROTO)
		k->proto = p->proto;
	if (m & (SUM_K_SPORT | SUM_K_DPORT))
		k->has_ports = p->has_ports;
	if ((m & SUM_K_SPORT) && p->has_ports)
		k->sport = p->sport;
	if ((m & SUM_K_DPORT) && p->has_ports)
		k->dport = p->dport;
	return true;
}

/* The index slot holding key k, or the empty slot where it goes. */
static uint32_t find_slot(const struct sum_table *t, const struct sum_key *k, uint64_t h)
{
	uint32_t i;

	for (i = (uint32_t)h & t->index_mask; t->index[i]; i = (i + 1) & t->index_mask) {
		const struct sum_entry *e = &t->entries[t->index[i] - 1];

		if (e->hash == h && memcmp(&e->key, k, sizeof(*k)) == 0)
			break;
	}
	return i;
}

static struct sum_entry *entry_add(struct sum_table *t, uint32_t slot, const struct sum_key *k,
				   uint64_t h)
{
	struct sum_entry *e;
	uint32_t n;

	if (!t->n_free)
		return NULL;
	n = t->free_list[--t->n_free];
	e = &t->entries[n];
	memset(e, 0, sizeof(*e));
	e->key = *k;
	e->hash = h;
	e->live = true;
	t->index[slot] = n + 1;
	return e;
}

static void entry_remove(struct sum_table *t, struct sum_entry *e)
{
	const uint32_t mask = t->index_mask;
	uint32_t i = find_slot(t, &e->key, e->hash), j = i;

	t->index[i] = 0;
	/* backward shift: move up every later entry of the run that may not
	 * sit between its home slot and the hole */
	for (;;) {
		j = (j + 1) & mask;
		if (!t->index[j])
			break;
		uint32_t home = (uint32_t)t->entries[t->index[j] - 1].hash & mask;

		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->index[i] = t->index[j];
			t->index[j] = 0;
			i = j;
		}
	}
	e->live = false;
	t->free_list[t->n_free++] = (uint32_t)(e - t->entries);
}

/* An interval of a key in summary mode ended: its summary, then summary
 * mode again or, after an interval without a second above the threshold,
 * back to packets. */
static void interval_end(struct sum_table *t, struct sum_entry *e, uint64_t now_ms)
{
	const uint64_t end = e->st.start_ms + t->cfg.interval_ms;

	emit_stats(t, &e->key, &e->st, end);
	if (e->max_sec <= t->cfg.threshold) {
		e->summarizing = false;
		t->ctr.in_summary--;
		return;
	}
	stats_reset(&e->st, now_ms - end < t->cfg.interval_ms ? end : second_of(now_ms));
	e->max_sec = e->sec == now_ms / 1000 ? e->sec_count : 0;
}

/* --- the packet path --- */

static void overflow_end(struct sum_table *t)
{
	emit_stats(t, NULL, &t->ov, t->ov.start_ms + t->cfg.interval_ms);
	t->ov_open = false;
}

static enum sum_verdict count_overflow(struct sum_table *t, const struct sum_pkt *p,
				       uint64_t now_ms)
{
	if (t->ov_open && now_ms >= t->ov.start_ms + t->cfg.interval_ms)
		overflow_end(t);
	if (!t->ov_open) {
		stats_reset(&t->ov, second_of(now_ms));
		t->ov_open = true;
	}
	stats_add(t, &t->ov, p);
	t->ctr.overflow++;
	return SUM_COUNTED;
}

enum sum_verdict sum_offer(struct sum_table *t, const struct sum_pkt *p, uint64_t now_ms)
{
	const uint64_t sec = now_ms / 1000;
	struct sum_entry *e;
	struct sum_key k;
	uint64_t h;
	uint32_t slot;

	if (!make_key(t, p, &k)) {
		t->ctr.prefixes_new++;
		return SUM_LOG;
	}
	h = hash_bytes(&k, sizeof(k), t->cfg.seed);
	slot = find_slot(t, &k, h);
	if (t->index[slot])
		e = &t->entries[t->index[slot] - 1];
	else if (!(e = entry_add(t, slot, &k, h)))
		return count_overflow(t, p, now_ms);
	if (e->summarizing && now_ms >= e->st.start_ms + t->cfg.interval_ms)
		interval_end(t, e, now_ms);
	if (e->sec != sec) {
		e->sec = sec;
		e->sec_count = 0;
	}
	e->sec_count++;
	if (e->sec_count > e->max_sec)
		e->max_sec = e->sec_count;
	if (!e->summarizing) {
		if (e->sec_count <= t->cfg.threshold)
			return SUM_LOG;
		e->summarizing = true;
		stats_reset(&e->st, second_of(now_ms));
		e->max_sec = e->sec_count;
		t->ctr.in_summary++;
	}
	stats_add(t, &e->st, p);
	return SUM_COUNTED;
}

/* Once a second of the caller's clock, whatever the calls: an interval is
 * whole seconds, so a summary is emitted at most a second after it ended,
 * with its nominal end. */
void sum_tick(struct sum_table *t, uint64_t now_ms)
{
	const uint64_t sec = now_ms / 1000;

	if (sec == t->swept_sec)
		return;
	for (uint32_t n = 0; n < t->cfg.maxkeys; n++) {
		struct sum_entry *e = &t->entries[n];

		if (!e->live)
			continue;
		if (e->summarizing && now_ms >= e->st.start_ms + t->cfg.interval_ms)
			interval_end(t, e, now_ms);
		/* a key seen neither this second nor the one before holds no
		 * count that matters: its room goes to new keys */
		if (!e->summarizing && e->sec + 1 < sec)
			entry_remove(t, e);
	}
	t->swept_sec = sec;
	if (t->ov_open && now_ms >= t->ov.start_ms + t->cfg.interval_ms)
		overflow_end(t);
}

void sum_flush(struct sum_table *t, uint64_t now_ms)
{
	for (uint32_t n = 0; n < t->cfg.maxkeys; n++) {
		struct sum_entry *e = &t->entries[n];

		if (!e->live || !e->summarizing)
			continue;
		emit_stats(t, &e->key, &e->st, now_ms);
		stats_reset(&e->st, now_ms);
	}
	if (t->ov_open) {
		emit_stats(t, NULL, &t->ov, now_ms);
		t->ov_open = false;
	}
}
