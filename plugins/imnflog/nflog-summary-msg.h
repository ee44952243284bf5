/* SPDX-License-Identifier: Apache-2.0 */
/* A flood summary (nflog-summary.h) as a message: its fields, named by the
 * field table (nflog-fields.def) in either schema, and its line in the
 * kernel LOG target's style. */
#ifndef NFLOG_SUMMARY_MSG_H
#define NFLOG_SUMMARY_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nflog-fields.h"
#include "nflog-summary.h"

struct fjson_object;

struct nflog_summary {
	const struct sum_key *key; /* NULL: the overflow summary */
	const char *prefix;	   /* the key's prefix, NULL for none */
	const struct sum_stats *st;
	unsigned keymask; /* which fields of key are set (SUM_K_*) */
	uint16_t group;
	uint32_t interval_s;
};

/* What the aggregator takes of one decoded packet: its prefix, addresses,
 * protocol and ports, length, kernel time, TCP flags and window, TTL or hop
 * limit. verdict is the input's code for its verdict. */
void nflog_summary_pkt(const struct nflog_work *w, uint8_t verdict, struct sum_pkt *p);

/* The SUM_K_* bit of a summary.key name, in schema's spelling (the field
 * table's: "source.ip" or "src_ip"), 0 for a name that is none. */
unsigned nflog_summary_key_bit(enum nf_schema schema, const char *name);
/* The names summary.key takes in schema, comma-separated, into buf. */
void nflog_summary_key_names(enum nf_schema schema, char *buf, size_t size);

/* The $! object; NULL only on allocation failure. */
struct fjson_object *nflog_summary_json(const struct nflog_summary *s, const struct nflog_opts *o);
/* The same fields as JSON text (what $!all-json-plain renders of it). */
size_t nflog_summary_fields_text(const struct nflog_summary *s, const struct nflog_opts *o,
				 char *buf, size_t size, bool *complete);
/* "PREFIX SUMMARY PACKETS=N BYTES=M SRC=.. DST=.. PROTO=TCP DPT=.. FIRST=..
 * LAST=..": the key's fields as the kernel prints them, in its order, then
 * the first and last packet's kernel times (UTC, microseconds); the
 * overflow summary says "SUMMARY OVERFLOW". NUL-terminated, cut to size. */
size_t nflog_summary_text(const struct nflog_summary *s, char *buf, size_t size);

#endif
