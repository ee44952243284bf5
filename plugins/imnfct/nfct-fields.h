/* SPDX-License-Identifier: Apache-2.0 */
/* Structured fields of a conntrack event, named by the field table
 * (nfct-fields.def) in one of two schemas. */
#ifndef NFCT_FIELDS_H
#define NFCT_FIELDS_H

#include "jemit.h"
#include "nfct-event.h"

enum nfct_field {
#define F(id, ut, uk, et, ek, doc) NCF_##id,
#include "nfct-fields.def"
#undef F
	NCF_COUNT
};

extern const struct field_desc nfct_fields[NCF_COUNT];
extern struct field_table nfct_table;

struct nfct_opts {
	enum nf_schema schema;
	const char *device; /* ulogd dvc / ECS observer.name; NULL: none */
	bool community_id;  /* network.community_id (ECS), off by default: a SHA-1 per record */
	const struct je_select *select; /* the tree's fields, NULL: all */
	uint16_t community_id_seed;
};

struct fjson_object *nfct_fields_json(const struct nfct_record *r, const struct nfct_opts *o);
/* The same fields as JSON text, what $!all-json-plain renders of that
 * object; returns its length (*complete false if cut). */
size_t nfct_fields_text(const struct nfct_record *r, const struct nfct_opts *o, char *buf,
			size_t size, bool *complete);

/* Fill r->start/end: kernel timestamps first, else the time NEW was seen
 * (seen, when known), else the receive time for a NEW event. */
void nfct_record_times(struct nfct_record *r, bool have_seen_start, const struct timeval *seen);

#endif
