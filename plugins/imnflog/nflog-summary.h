/* SPDX-License-Identifier: Apache-2.0 */
/* Flood summaries: per key, packets below a rate threshold are logged one
 * by one; above it, a key is counted into one summary per interval. Pure C:
 * no rsyslog types, no clock of its own (the caller passes the time), no
 * allocation after sum_table_new.
 *
 * Exact accounting: sum_offer answers SUM_LOG (the caller logs the packet
 * as usual) or SUM_COUNTED (the packet is in exactly one summary that
 * sum_tick or sum_flush will hand to the emit callback). A packet whose key
 * finds no room (maxkeys keys tracked) is counted in the table's overflow
 * summary, which has no key.
 *
 * A key enters summary mode with the packet that takes it above threshold
 * packets in one second of the caller's clock (the packets before it were
 * logged), and leaves it at the end of an interval in which no second
 * exceeded the threshold. Intervals start on whole seconds of that clock. */
#ifndef NFLOG_SUMMARY_H
#define NFLOG_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The fields a key may hold (summary.key); the rest are left zero. */
enum sum_keyfield {
	SUM_K_PREFIX = 1u << 0,
	SUM_K_VERDICT = 1u << 1,
	SUM_K_SADDR = 1u << 2,
	SUM_K_DADDR = 1u << 3,
	SUM_K_PROTO = 1u << 4,
	SUM_K_SPORT = 1u << 5,
	SUM_K_DPORT = 1u << 6,
};
#define SUM_K_DEFAULT                                                                              \
	(SUM_K_PREFIX | SUM_K_VERDICT | SUM_K_SADDR | SUM_K_DADDR | SUM_K_PROTO | SUM_K_DPORT)

#define SUM_MAXKEYS_DEFAULT 32768 /* 13.2 MiB: sum_table_bytes */
#define SUM_PREFIX_MAX	    128	  /* NF_LOG_PREFIXLEN: the kernel's longest prefix, NUL included */
#define SUM_PREFIXES	    256	  /* distinct prefixes per table */

/* A key as compared: fields outside the table's key mask are zero. */
struct sum_key {
	uint16_t prefix; /* index into the table's prefixes, see sum_prefix */
	uint8_t verdict; /* the caller's code for the verdict */
	uint8_t family;	 /* 4, 6, or 0: no IP header */
	uint8_t proto;	 /* IP protocol */
	uint8_t has_ports;
	uint16_t sport, dport;
	uint8_t saddr[16], daddr[16]; /* IPv4 in the first 4 bytes */
};

/* What the caller decoded of one packet. */
struct sum_pkt {
	const char *prefix; /* may be NULL: no prefix */
	size_t prefix_len;
	uint8_t verdict;
	uint8_t family, proto;
	bool has_ports, has_tcp, has_ttl;
	uint16_t sport, dport;
	uint8_t saddr[16], daddr[16];
	uint32_t bytes;	     /* length from the IP header */
	uint64_t ts_us;	     /* the kernel's timestamp, microseconds since the epoch */
	uint8_t tcp_flags;   /* byte 13 of the TCP header */
	uint16_t tcp_window; /* with has_tcp */
	uint8_t ttl;	     /* IPv4 TTL or IPv6 hop limit, with has_ttl */
};

/* A distinct count: exact up to SUM_EXACT_MAX values, then a HyperLogLog
 * estimate with SUM_HLL_REGS registers (Flajolet et al. 2007; standard
 * error 1.04 / sqrt(SUM_HLL_REGS), 9.2%). */
#define SUM_EXACT_MAX 8
#define SUM_HLL_REGS  128
struct sum_distinct {
	uint8_t n_exact; /* values in exact[], or SUM_EXACT_MAX + 1 once estimating */
	union {
		uint64_t exact[SUM_EXACT_MAX]; /* the values' hashes */
		uint8_t reg[SUM_HLL_REGS];
	} u;
};

/* One summary as handed to the emit callback. */
struct sum_stats {
	uint64_t packets, bytes;
	uint64_t first_us, last_us; /* kernel timestamps of the first and last packet */
	uint64_t start_ms, end_ms;  /* the caller's clock: the interval summarized */
	struct sum_distinct sports, saddrs;
	uint8_t tcp_flags; /* OR of every TCP packet's flags */
	bool has_tcp, has_ttl;
	uint16_t window_min, window_max;
	uint8_t ttl_min, ttl_max;
};

/* key is NULL for the overflow summary; prefix is the key's prefix (NULL
 * for none or for the overflow summary). */
typedef void (*sum_emit_fn)(const struct sum_key *key, const char *prefix,
			    const struct sum_stats *s, void *ctx);

struct sum_config {
	sum_emit_fn emit; /* called from sum_offer, sum_tick and sum_flush */
	void *ctx;
	uint32_t threshold;   /* packets per second per key; must be > 0 */
	uint32_t interval_ms; /* whole seconds, > 0 */
	uint32_t maxkeys;     /* keys tracked at once; must be > 0 */
	unsigned keymask;     /* SUM_K_* */
	uint64_t seed;	      /* hash seed: keys an attacker picks do not collide on purpose */
};

struct sum_counters {
	uint64_t summarized;   /* packets counted into a summary, overflow included */
	uint64_t summaries;    /* summaries emitted, overflow included */
	uint64_t overflow;     /* packets counted into the overflow summary */
	uint64_t in_summary;   /* keys in summary mode now */
	uint64_t prefixes_new; /* packets logged because SUM_PREFIXES prefixes were taken */
};

enum sum_verdict { SUM_LOG, SUM_COUNTED };

struct sum_table;

/* NULL on a bad config or no memory. */
struct sum_table *sum_table_new(const struct sum_config *cfg);
void sum_table_free(struct sum_table *t);
/* Bytes sum_table_new allocates for maxkeys keys. */
size_t sum_table_bytes(uint32_t maxkeys);

/* now_ms never goes back. A key's interval that ended by now_ms is emitted
 * first, so a summary holds exactly the packets of its interval. */
enum sum_verdict sum_offer(struct sum_table *t, const struct sum_pkt *p, uint64_t now_ms);
/* Emits the summaries whose interval ended by now_ms and forgets idle keys;
 * call it at least once a second. */
void sum_tick(struct sum_table *t, uint64_t now_ms);
/* Emits every open summary (at stop). */
void sum_flush(struct sum_table *t, uint64_t now_ms);
const struct sum_counters *sum_counters(const struct sum_table *t);

/* The distinct count and whether it is exact. */
uint64_t sum_distinct_count(const struct sum_distinct *d, bool *exact);

#endif
