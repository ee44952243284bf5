/* SPDX-License-Identifier: Apache-2.0 */
/* Structured fields of an NFLOG record, named by the field table
 * (nflog-fields.def) in one of two schemas. */
#ifndef NFLOG_FIELDS_H
#define NFLOG_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "jemit.h"
#include "nflog-record.h"

struct fjson_object;

enum nflog_field {
#define F(id, ut, uk, et, ek, doc) NFF_##id,
#include "nflog-fields.def"
#undef F
	NFF_COUNT
};

extern const struct field_desc nflog_fields[NFF_COUNT];
extern struct field_table nflog_table;

struct nflog_opts {
	enum nf_schema schema;
	const char *device;  /* ulogd dvc / ECS observer.name; NULL: none */
	const char *verdict; /* e.g. "accept", "drop"; NULL: no label */
	bool has_label;	     /* label set by the input (ulogd2 numeric_label) */
	uint8_t label;
	bool community_id; /* network.community_id (ECS), off by default: a SHA-1 per record */
	const struct je_select *select; /* the tree's fields, NULL: all */
	uint16_t community_id_seed;
};

/* What every record begins with (@timestamp or timestamp, observer,
 * ecs.version, event.kind/category/type/module/dataset), and the verdict's
 * label (event.action or action): shared by packets and flood summaries. */
void nflog_emit_header(struct jemit *e, const struct timeval *tv, const struct nflog_opts *o);
void nflog_emit_action(struct jemit *e, const struct nflog_opts *o);

/* Builds the $! object for one record. Returns NULL only on allocation failure. */
struct fjson_object *nflog_fields_json(const struct nflog_record *r, const struct nflog_opts *o);
/* The same fields as JSON text, what $!all-json-plain renders of that
 * object, into buf; returns its length (*complete false if cut). */
size_t nflog_fields_text(const struct nflog_record *r, const struct nflog_opts *o, char *buf,
			 size_t size, bool *complete);

#endif
