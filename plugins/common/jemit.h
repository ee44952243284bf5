/* Field emission into libfastjson objects, named by a field table in one
 * of two schemas: ECS paths nest on '.', ulogd2 keys are flat names. */
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

struct jemit {
	struct fjson_object *root;
	enum nf_schema schema;
	const struct field_desc *fields;
};

bool je_init(struct jemit *e, const struct field_desc *fields, enum nf_schema schema);
bool je_wanted(const struct jemit *e, int f);
void je_int(struct jemit *e, int f, int64_t v);
void je_str(struct jemit *e, int f, const char *s);
void je_list(struct jemit *e, int f, const char *const *items, size_t n);
/* ulogd: aa:bb:..; ECS: AA-BB-.. */
void je_mac(struct jemit *e, int f, const uint8_t *p, size_t n);
void je_hex(struct jemit *e, int f, const uint8_t *p, size_t n);
void je_addr(struct jemit *e, int f, const uint8_t *a, int alen);
/* ulogd2 JSON: local time with numeric offset; ECS: UTC "Z"; microseconds
 * unless usec is false (ulogd2 prints none for flows) */
void je_timestamp(struct jemit *e, int f, const struct timeval *tv, bool usec);

#endif
