/* Structured fields of an NFLOG record, named by the field table
 * (nflog-fields.def) in one of two schemas. */
#ifndef NFLOG_FIELDS_H
#define NFLOG_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "nflog-record.h"

struct fjson_object;

enum nf_schema { NF_SCHEMA_ECS = 0, NF_SCHEMA_ULOGD = 1 };

enum nf_ftype { FT_NONE = 0, FT_INT, FT_BOOL, FT_STR, FT_KW, FT_LIST, FT_MAC };

enum nflog_field {
#define F(id, ut, uk, et, ek, doc) NFF_##id,
#include "nflog-fields.def"
#undef F
	NFF_COUNT
};

struct nflog_field_desc {
	const char *id;
	enum nf_ftype type[2]; /* by enum nf_schema */
	const char *key[2];
	const char *doc;
};

extern const struct nflog_field_desc nflog_fields[NFF_COUNT];

struct nflog_opts {
	enum nf_schema schema;
	const char *device;  /* ulogd dvc / ECS observer.name; NULL: none */
	const char *verdict; /* e.g. "accept", "drop"; NULL: no label */
	uint16_t community_id_seed;
};

/* Builds the $! object for one record. Returns NULL only on allocation failure. */
struct fjson_object *nflog_fields_json(const struct nflog_record *r, const struct nflog_opts *o);

#endif
