/* SPDX-License-Identifier: Apache-2.0 */
/* Field emission, named by a field table in one of two schemas: ECS paths
 * nest on '.', ulogd2 keys are flat names. Two outputs from the same
 * calls, in the same order: a libfastjson tree (rsyslog's $! properties,
 * filterable), or the JSON text itself, byte for byte what libfastjson
 * writes for that tree without spaces ($!all-json-plain), built with no
 * allocation at all. */
#ifndef JEMIT_H
#define JEMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

struct fjson_object;

enum nf_schema { NF_SCHEMA_ECS = 0, NF_SCHEMA_ULOGD = 1 };

enum nf_ftype { FT_NONE = 0, FT_INT, FT_BOOL, FT_STR, FT_KW, FT_LIST, FT_MAC };

struct field_desc {
	const char *id;
	enum nf_ftype type[2]; /* by enum nf_schema */
	const char *key[2];
	const char *doc;
};

#define JE_MAX_FIELDS  192
#define JE_MAX_PARENTS 48 /* distinct objects on the ECS paths of one table */
#define JE_NAME_MAX    32
#define JE_KEY_MAX     40 /* "\"leaf\":" of a field as written in JSON text */

/* Where each field goes: its parent object and leaf name, worked out once
 * per table and schema (the first je_init), so emitting looks nothing up. */
struct je_layout {
	int nparents;
	struct {
		char name[JE_NAME_MAX];
		char key[JE_KEY_MAX]; /* "name": */
		uint8_t keylen;
		int up; /* enclosing parent, -1 for the root */
	} parent[JE_MAX_PARENTS];
	int8_t field_parent[JE_MAX_FIELDS]; /* -1: the root */
	const char *leaf[JE_MAX_FIELDS];
	char key[JE_MAX_FIELDS][JE_KEY_MAX]; /* "leaf": */
	uint8_t keylen[JE_MAX_FIELDS];
	bool fits; /* every name fitted: the table's unit test checks it */
};

struct field_table {
	const struct field_desc *fields;
	size_t n;
	int ready; /* layouts computed */
	struct je_layout layout[2];
};

/* The JSON text being written: one member list per object, in insertion
 * order, over a fixed arena (fields are written at most once). */
#define JE_MAX_MEMBERS 160
#define JE_ARENA       6144

struct je_text {
	char arena[JE_ARENA];
	size_t used;
	size_t whole; /* a flat layout: the arena's bytes up to its last whole member */
	bool full;    /* the arena ran out: fields are left out, je_render says so */
	int nm;
	struct {
		int16_t next;
		int16_t child; /* a nested object (parent id), or -1: text at off */
		uint16_t off, len;
	} m[JE_MAX_MEMBERS];
	int16_t first[JE_MAX_PARENTS + 1], last[JE_MAX_PARENTS + 1]; /* node 0: root */
};

/* Which fields a tree holds: all, or those marked (the input's "fields"
 * list, by name in the schema's spelling: "source.ip", "src_ip"). */
struct je_select {
	bool all;
	uint8_t on[JE_MAX_FIELDS];
};

/* Marks the field whose name in schema is name; false when none has it. */
bool je_select_name(struct je_select *s, struct field_table *t, enum nf_schema schema,
		    const char *name);

/* An input's "fields" parameter: "on" (the whole tree, the default),
 * "off" (no tree), or field names, kept until the schema is known. */
struct je_fields {
	bool none;
	char *names; /* "a,b,c," (malloc'd) */
	size_t len;
	struct je_select sel;
};

/* One word of the list: 0, or -1 out of memory. */
int je_fields_word(struct je_fields *f, const char *w);
/* The names into sel: NULL when all are fields of schema, else the first
 * that is not ("" when "on" or "off" come with names). */
const char *je_fields_resolve(struct je_fields *f, struct field_table *t, enum nf_schema schema);

struct jemit {
	enum nf_schema schema;
	const struct field_desc *fields;
	const struct je_select *select; /* tree output: NULL, or the fields it holds */
	const struct je_layout *lay;
	struct fjson_object *root;		   /* tree output, or NULL */
	struct fjson_object *pobj[JE_MAX_PARENTS]; /* tree: parent objects made so far */
	struct je_text *text;			   /* text output, or NULL */
};

/* Tree output (of the fields select marks, all if NULL): returns false
 * when the root object cannot be allocated. */
bool je_init(struct jemit *e, struct field_table *t, enum nf_schema schema,
	     const struct je_select *select);
/* Text output, into *text (render it with je_render). */
void je_init_text(struct jemit *e, struct field_table *t, enum nf_schema schema,
		  struct je_text *text);
/* A buffer this large holds any document je_render can write. */
#define JE_RENDER_MAX                                                                              \
	(JE_ARENA + JE_MAX_MEMBERS + 2 * (JE_MAX_PARENTS + 1) + JE_MAX_PARENTS * JE_KEY_MAX + 1)

/* Writes the JSON document (NUL-terminated) and returns its length. It is
 * always valid JSON: a field that did not fit in the arena or in buf is
 * left out whole (a flat layout that does not fit in buf is "{}"), and
 * *complete (may be NULL) is then false. */
size_t je_render(const struct jemit *e, char *buf, size_t size, bool *complete);

bool je_wanted(const struct jemit *e, int f);
void je_int(struct jemit *e, int f, int64_t v);
/* An unsigned 64-bit number (a counter), exact in both outputs. */
void je_uint(struct jemit *e, int f, uint64_t v);
void je_str(struct jemit *e, int f, const char *s);
void je_list(struct jemit *e, int f, const char *const *items, size_t n);
/* ulogd: aa:bb:..; ECS: AA-BB-.. */
void je_mac(struct jemit *e, int f, const uint8_t *p, size_t n);
void je_hex(struct jemit *e, int f, const uint8_t *p, size_t n);
/* aa:bb:.. of a whole hardware header, up to 128 bytes */
void je_hex_colons(struct jemit *e, int f, const uint8_t *p, size_t n);
void je_addr(struct jemit *e, int f, const uint8_t *a, int alen);
/* ulogd2 JSON: local time with numeric offset; ECS: UTC "Z"; microseconds
 * unless usec is false (ulogd2 prints none for flows) */
void je_timestamp(struct jemit *e, int f, const struct timeval *tv, bool usec);

/* Decimal digits of v into out (room for 20); returns their number. */
size_t je_fmt_u64(char *out, uint64_t v);
/* a.b.c.d into out (room for 16, NUL-terminated); returns the length. */
size_t je_fmt_ipv4(char *out, const uint8_t a[4]);

#endif
