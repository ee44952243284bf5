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
 * are not NAT'd. */
size_t nat_event_record(const struct nfct_record *r, bool existing, char *buf, size_t size);

int64_t nat_ms(const struct timeval *tv);

#endif
