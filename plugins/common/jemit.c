/* Field emission shared by the modules: values come from the caller, names
 * and types from a field table, in either schema. */
#include "jemit.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json.h>

#include "nftime.h"
#include "strbuf.h"

bool je_init(struct jemit *e, const struct field_desc *fields, enum nf_schema schema)
{
	e->fields = fields;
	e->schema = schema;
	e->root = json_object_new_object();
	return e->root != NULL;
}

/* ECS paths nest on '.'; ulogd keys are flat names that contain dots. */
static struct fjson_object *parent_for(struct jemit *e, const char *key, const char **leaf)
{
	struct fjson_object *cur = e->root;
	char seg[64];
	const char *dot;

	*leaf = key;
	if (e->schema == NF_SCHEMA_ULOGD)
		return cur;
	while ((dot = strchr(*leaf, '.')) != NULL) {
		struct fjson_object *next;
		size_t n = (size_t)(dot - *leaf);

		if (n >= sizeof(seg))
			return NULL;
		memcpy(seg, *leaf, n);
		seg[n] = '\0';
		if (!json_object_object_get_ex(cur, seg, &next)) {
			next = json_object_new_object();
			if (next == NULL)
				return NULL;
			json_object_object_add_ex(cur, seg, next, JSON_C_OBJECT_ADD_KEY_IS_NEW);
		}
		cur = next;
		*leaf = dot + 1;
	}
	return cur;
}

static void put(struct jemit *e, int f, struct fjson_object *v)
{
	const char *leaf;
	struct fjson_object *parent;

	if (v == NULL)
		return;
	parent = parent_for(e, e->fields[f].key[e->schema], &leaf);
	if (parent == NULL) {
		json_object_put(v);
		return;
	}
	/* Names are unique per schema (tests/unit/test_fields_doc): skip the
	 * duplicate search, a case-insensitive linear scan in rsyslog's mode.
	 * They are static strings of the table, so no copy either; the module
	 * stays loaded for that (MODULE_TYPE_KEEP). */
	json_object_object_add_ex(parent, leaf, v,
				  JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT);
}

bool je_wanted(const struct jemit *e, int f)
{
	return e->fields[f].key[e->schema] != NULL;
}

void je_int(struct jemit *e, int f, int64_t v)
{
	char buf[24];

	if (!je_wanted(e, f))
		return;
	switch (e->fields[f].type[e->schema]) {
	case FT_KW:
		snprintf(buf, sizeof(buf), "%lld", (long long)v);
		put(e, f, json_object_new_string(buf));
		break;
	case FT_BOOL:
		put(e, f,
		    e->schema == NF_SCHEMA_ULOGD ? json_object_new_int(v != 0)
						 : json_object_new_boolean(v != 0));
		break;
	default:
		put(e, f, json_object_new_int64(v));
		break;
	}
}

void je_str(struct jemit *e, int f, const char *s)
{
	if (je_wanted(e, f))
		put(e, f, json_object_new_string(s));
}

void je_list(struct jemit *e, int f, const char *const *items, size_t n)
{
	struct fjson_object *a;

	if (!je_wanted(e, f) || (a = json_object_new_array()) == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(items[i]));
	put(e, f, a);
}

/* ulogd HWHDR prints aa:bb:..; ECS wants AA-BB-... */
void je_mac(struct jemit *e, int f, const uint8_t *p, size_t n)
{
	char buf[64];
	struct strbuf sb;
	bool ecs = e->schema == NF_SCHEMA_ECS;

	if (!je_wanted(e, f))
		return;
	sb_init(&sb, buf, sizeof(buf));
	sb_hex(&sb, p, n, ecs ? '-' : ':', ecs);
	put(e, f, json_object_new_string(buf));
}

void je_hex(struct jemit *e, int f, const uint8_t *p, size_t n)
{
	char buf[2 * 64 + 1];
	struct strbuf sb;

	if (!je_wanted(e, f))
		return;
	if (n > 64)
		n = 64;
	sb_init(&sb, buf, sizeof(buf));
	sb_hex(&sb, p, n, 0, false);
	put(e, f, json_object_new_string(buf));
}

void je_addr(struct jemit *e, int f, const uint8_t *a, int alen)
{
	char buf[INET6_ADDRSTRLEN];

	if (je_wanted(e, f) && inet_ntop(alen == 4 ? AF_INET : AF_INET6, a, buf, sizeof(buf)))
		put(e, f, json_object_new_string(buf));
}

/* "YYYY-MM-DDTHH:MM:SS" of one second, in UTC or local time with its
 * offset; packets arrive in order, so one cached second per thread saves
 * a localtime_r (which takes a lock and reads TZ) per packet. */
struct second {
	time_t sec;
	char date[20];
	char zone[8];
};

static bool format_second(struct second *c, time_t t, bool utc)
{
	struct tm tm;
	long off;

	/* beyond year 9999 the fixed-width format breaks; gmtime_r fails
	 * for years that do not fit an int */
	if (t < 0 || t > NF_TIME_MAX || (utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) == NULL)
		return false;
	if (strftime(c->date, sizeof(c->date), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return false;
	c->sec = t;
	off = tm.tm_gmtoff / 60;
	snprintf(c->zone, sizeof(c->zone), "%c%02ld%02ld", off < 0 ? '-' : '+',
		 (off < 0 ? -off : off) / 60 % 100, (off < 0 ? -off : off) % 60);
	return true;
}

/* ulogd2 JSON: local time, microseconds, numeric UTC offset; ECS: UTC "Z".
 * A time that cannot be written so is left out. */
void je_timestamp(struct jemit *e, int f, const struct timeval *tv, bool usec)
{
	static __thread struct second cache[2] = {{-1, "", ""}, {-1, "", ""}};
	bool utc = e->schema == NF_SCHEMA_ECS;
	struct second *c = &cache[utc];
	char buf[48];

	if (tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return;
	if (c->sec != tv->tv_sec && !format_second(c, tv->tv_sec, utc))
		return;
	if (usec)
		snprintf(buf, sizeof(buf), "%s.%06ld%s", c->date, (long)tv->tv_usec,
			 utc ? "Z" : c->zone);
	else
		snprintf(buf, sizeof(buf), "%s%s", c->date, utc ? "Z" : c->zone);
	je_str(e, f, buf);
}
