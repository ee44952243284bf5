/* SPDX-License-Identifier: Apache-2.0 */
/* Compact NAT records: one line per mapping, for answering "who was
 * behind this public address and port at that time" months later.
 * The format is documented field by field in doc/nat-accountability.md;
 * it is a contract (contrib/nat/nat-who and contrib/sql/nat.sql parse it),
 * so it only ever grows at the end of a line. No rsyslog types. */
#ifndef NFCT_NAT_H
#define NFCT_NAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nfct-event.h"

#define NAT_RECORD_MAX 256

enum nat_kind { NAT_NONE, NAT_SNAT, NAT_DNAT, NAT_BOTH };

/* One endpoint: the address family's bytes and, when the protocol has
 * them, a port (TCP, UDP, UDP-Lite, SCTP, DCCP), an ICMP id or a GRE key. */
struct nat_end {
	uint8_t addr[16];
	bool has_port;
	uint16_t port;
};

/* A mapping: the inside host, the address and port it was translated to
 * (outside), and the peer it talked to (remote). For DNAT (a port
 * forward) inside is the forwarded-to server, outside the public address
 * the remote connected to. */
struct nat_map {
	enum nat_kind kind;
	uint8_t l3; /* 4 or 6 */
	uint8_t proto;
	struct nat_end inside, outside, remote;
	bool has_id;
	uint32_t id;
	uint16_t zone;
};

/* The mapping of a conntrack, from its status bits (IPS_SRC_NAT,
 * IPS_DST_NAT) and its two tuples; false when it is not NAT'd or a tuple
 * is missing. */
bool nat_map_of(const struct ct_info *ct, struct nat_map *m);

/* Record types: a mapping opened (NEW), alive at a time (an entry of a
 * table dump: END is when it was seen), closed (DESTROY); and the
 * stream's own markers. */
enum nat_rec {
	NAT_REC_OPEN = 'O',
	NAT_REC_ALIVE = 'A',
	NAT_REC_CLOSE = 'C',
	NAT_REC_BEGIN = 'B',  /* the stream (re)starts: what came before is unknown */
	NAT_REC_END = 'E',    /* the stream stops cleanly */
	NAT_REC_GAP = 'G',    /* records were lost between two times */
	NAT_REC_SYNCED = 'S', /* a table dump ended: every mapping alive then has a record */
	NAT_REC_READ = 'R',   /* every event before its time has a record (or a G) */
};

/* "TYPE START END PROTO KIND INSIDE OUTSIDE REMOTE ID[ zone=N]"; times in
 * ms since the epoch, "-" when unknown. Returns the length; 0, and no
 * record, if it does not fit. */
size_t nat_record(enum nat_rec type, int64_t start_ms, int64_t end_ms, const struct nat_map *m,
		  char *buf, size_t size);

/* "TYPE FROM TO TEXT": a marker with its time span ("-" for none). */
size_t nat_marker(enum nat_rec type, int64_t from_ms, int64_t to_ms, const char *text, char *buf,
		  size_t size);

/* The record an event makes: OPEN for NEW, CLOSE for DESTROY, ALIVE for a
 * dump entry (existing), none (0) for the rest and for conntracks that
 * are not NAT'd. An OPEN's start is the kernel's event time (" ts=kernel",
 * Linux 6.14+ with nf_conntrack_timestamp=1), else its receive time, and
 * then the flow began after after_ms (" after=MS": the socket was seen
 * empty then). A CLOSE's and an ALIVE's start is the kernel's or "-". */
size_t nat_event_record(const struct nfct_record *r, bool existing, int64_t after_ms, char *buf,
			size_t size);

/* ---- the stream's markers, as a state machine ----
 * The input thread tells it what each look at its socket found; it writes
 * the markers (B, G, R, S, E) through emit, and keeps in one line what a
 * crash must not lose (nat_stream_state): since when the records are
 * complete, and a gap still open. The clock comes in as arguments. */
typedef void nat_emit_fn(void *ctx, const char *rec, size_t len);

#define NAT_READ_EVERY_MS 1000 /* an R at least this often while the socket is seen empty */
#define NAT_STATE_LINE	  96   /* nat_stream_state's line, padded to this length */

struct nat_stream {
	nat_emit_fn *emit;
	void *ctx;
	int64_t checked_ms;  /* the last look at the drop count */
	int64_t empty_ms;    /* the socket last seen empty: later events were queued after it */
	int64_t complete_ms; /* every event before it has a record or a G; -1: none yet */
	int64_t read_ms;     /* the time of the last R */
	bool gap;	     /* drops seen, their G not yet written */
	int64_t gap_from, gap_to;
	uint64_t gap_lost;
	int64_t dump_from; /* start of the dump under way */
	bool changed;	   /* the state line changed since nat_stream_state */
	uint64_t seq;	   /* the next record's number: B is 0 */
};

/* The stream starts at now: B from the time the records were complete
 * until (saved: the stored state line; NULL or "" on a first start), then
 * a G for a gap a crash left open. */
void nat_stream_begin(struct nat_stream *s, nat_emit_fn *emit, void *ctx, const char *saved,
		      int64_t now);

/* A look at the socket at now: lost events dropped since the last look,
 * empty_at when the socket was seen empty since (else -1). Opens or
 * extends a gap, closes it with a G, advances completeness with an R. */
void nat_stream_look(struct nat_stream *s, int64_t now, uint32_t lost, int64_t empty_at);

/* " seq=N" after the record of len bytes in buf: its number in the stream
 * since B (0), so that a store fed a record twice (a batch sent again)
 * can tell it from a new one of the same millisecond. The new length, or
 * 0 if it did not fit. */
size_t nat_stream_number(struct nat_stream *s, char *buf, size_t len, size_t size);

/* The time an OPEN read now began after: the socket's last empty look,
 * less 1 ms for the kernel's path from its start stamp to the queue. */
int64_t nat_stream_after(const struct nat_stream *s);

void nat_stream_dump_start(struct nat_stream *s, int64_t now);
void nat_stream_dump_end(struct nat_stream *s, int64_t now);

/* At a stop: left events were still unread (at least, unless all) when the
 * time ran out, after the unsubscription at stopped: a G up to stopped. */
void nat_stream_stop_lost(struct nat_stream *s, uint64_t left, bool all, int64_t stopped);

/* A clean stop: nothing after stopped (the unsubscription) is recorded. */
void nat_stream_end(struct nat_stream *s, int64_t stopped);

/* The line to store (NAT_STATE_LINE bytes with its newline, written over
 * the previous one); 0 if it did not fit. */
size_t nat_stream_state(struct nat_stream *s, char *buf, size_t size);

/* "imnfct-nat.RULESET.NETNS.ZONE.state": the state file of a stream, named
 * by what identifies it, any byte but [A-Za-z0-9_-] as %XX; 0 if it did
 * not fit. */
size_t nat_state_name(const char *ruleset, const char *netns, int zone, char *buf, size_t size);

int64_t nat_ms(const struct timeval *tv);

#endif
