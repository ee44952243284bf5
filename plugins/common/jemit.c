/* SPDX-License-Identifier: Apache-2.0 */
/* Field emission shared by the modules: values come from the caller, names
 * and types from a field table, in either schema, into a libfastjson tree
 * or straight into JSON text. */
#include "jemit.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json.h>

#include "nftime.h"
#include "strbuf.h"

/* ---- layout: parents and leaves of each field, once per table ---- */

/* "name": as the JSON text writes it; names need no escaping */
static bool key_text(char *out, uint8_t *len, const char *name, size_t n)
{
	if (n + 3 >= JE_KEY_MAX)
		return false;
	out[0] = '"';
	memcpy(out + 1, name, n);
	memcpy(out + 1 + n, "\":", 3);
	*len = (uint8_t)(n + 3);
	return true;
}

static int add_parent(struct je_layout *l, char paths[][128], const char *key, size_t plen,
		      size_t seg, int up)
{
	int i = l->nparents;

	for (int k = 0; k < i; k++)
		if (strlen(paths[k]) == plen && memcmp(paths[k], key, plen) == 0)
			return k;
	if (i == JE_MAX_PARENTS || plen >= 128 || plen - seg >= JE_NAME_MAX ||
	    !key_text(l->parent[i].key, &l->parent[i].keylen, key + seg, plen - seg))
		return -2;
	memcpy(paths[i], key, plen);
	paths[i][plen] = '\0';
	memcpy(l->parent[i].name, key + seg, plen - seg);
	l->parent[i].name[plen - seg] = '\0';
	l->parent[i].up = up;
	return l->nparents++;
}

/* ECS paths nest on '.'; ulogd keys are flat names that contain dots. A
 * path the layout cannot hold keeps its whole key at the root (the unit
 * test of the tables sees that it never happens). */
static void compute_layout(const struct field_table *t, enum nf_schema s, struct je_layout *l)
{
	static char paths[JE_MAX_PARENTS][128];

	l->nparents = 0;
	l->fits = t->n <= JE_MAX_FIELDS;
	for (size_t f = 0; f < t->n && f < JE_MAX_FIELDS; f++) {
		const char *key = t->fields[f].key[s], *dot, *seg = key;
		int up = -1;

		if (key != NULL && s == NF_SCHEMA_ECS)
			for (; (dot = strchr(seg, '.')) != NULL && up != -2; seg = dot + 1)
				up = add_parent(l, paths, key, (size_t)(dot - key),
						(size_t)(seg - key), up);
		if (up == -2) {
			up = -1;
			seg = key;
			l->fits = false;
		}
		l->field_parent[f] = (int8_t)up;
		l->leaf[f] = seg;
		if (key != NULL && !key_text(l->key[f], &l->keylen[f], seg, strlen(seg)))
			l->fits = false;
	}
}

static void table_ready(struct field_table *t)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

	if (__atomic_load_n(&t->ready, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&lock);
	if (!t->ready) {
		compute_layout(t, NF_SCHEMA_ECS, &t->layout[NF_SCHEMA_ECS]);
		compute_layout(t, NF_SCHEMA_ULOGD, &t->layout[NF_SCHEMA_ULOGD]);
		__atomic_store_n(&t->ready, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&lock);
}

static void init_common(struct jemit *e, struct field_table *t, enum nf_schema schema)
{
	table_ready(t);
	e->schema = schema;
	e->fields = t->fields;
	e->lay = &t->layout[schema];
	e->root = NULL;
	e->text = NULL;
	e->select = NULL;
}

bool je_init(struct jemit *e, struct field_table *t, enum nf_schema schema,
	     const struct je_select *select)
{
	init_common(e, t, schema);
	if (select != NULL && !select->all)
		e->select = select;
	memset(e->pobj, 0, sizeof(e->pobj[0]) * (size_t)e->lay->nparents);
	e->root = json_object_new_object();
	return e->root != NULL;
}

void je_init_text(struct jemit *e, struct field_table *t, enum nf_schema schema,
		  struct je_text *text)
{
	init_common(e, t, schema);
	e->text = text;
	text->used = 0;
	text->whole = 0;
	text->full = false;
	text->nm = 0;
	for (int i = 0; i <= e->lay->nparents; i++)
		text->first[i] = text->last[i] = -1;
}

bool je_wanted(const struct jemit *e, int f)
{
	return e->fields[f].key[e->schema] != NULL && (e->select == NULL || e->select->on[f]);
}

int je_fields_word(struct je_fields *f, const char *w)
{
	size_t n = strlen(w);
	char *p;

	if (strcmp(w, "on") == 0 || strcmp(w, "off") == 0) {
		f->sel.all = w[1] == 'n';
		f->none = !f->sel.all;
		return 0;
	}
	if ((p = realloc(f->names, f->len + n + 2)) == NULL)
		return -1;
	memcpy(p + f->len, w, n);
	p[f->len + n] = ',';
	p[f->len + n + 1] = '\0';
	f->names = p;
	f->len += n + 1;
	return 0;
}

const char *je_fields_resolve(struct je_fields *f, struct field_table *t, enum nf_schema schema)
{
	char *save = NULL;

	if (f->names == NULL)
		return NULL;
	if (f->none || f->sel.all)
		return "";
	for (char *w = strtok_r(f->names, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (!je_select_name(&f->sel, t, schema, w))
			return w;
	return NULL;
}

bool je_select_name(struct je_select *s, struct field_table *t, enum nf_schema schema,
		    const char *name)
{
	bool found = false;

	for (size_t f = 0; f < t->n && f < JE_MAX_FIELDS; f++) {
		if (t->fields[f].key[schema] != NULL &&
		    strcmp(t->fields[f].key[schema], name) == 0) {
			s->on[f] = 1;
			found = true;
		}
	}
	return found;
}

/* ---- tree output ---- */

static struct fjson_object *tree_parent(struct jemit *e, int p)
{
	struct fjson_object *up, *o;

	if (p < 0)
		return e->root;
	if (e->pobj[p] != NULL)
		return e->pobj[p];
	if ((up = tree_parent(e, e->lay->parent[p].up)) == NULL ||
	    (o = json_object_new_object()) == NULL)
		return NULL;
	/* names are unique per object and static (the table's, which stays
	 * loaded: MODULE_TYPE_KEEP): no duplicate search, no copy */
	json_object_object_add_ex(up, e->lay->parent[p].name, o,
				  JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT);
	return e->pobj[p] = o;
}

static void tree_put(struct jemit *e, int f, struct fjson_object *v)
{
	struct fjson_object *parent;

	if (v == NULL)
		return;
	if ((parent = tree_parent(e, e->lay->field_parent[f])) == NULL) {
		json_object_put(v);
		return;
	}
	json_object_object_add_ex(parent, e->lay->leaf[f], v,
				  JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT);
}

/* ---- text output ---- */

static void arena_put(struct je_text *t, const char *s, size_t n)
{
	if (t->full || n > JE_ARENA - t->used) {
		t->full = true;
		return;
	}
	memcpy(t->arena + t->used, s, n);
	t->used += n;
}

static void arena_putc(struct je_text *t, char c)
{
	if (t->full || t->used == JE_ARENA) {
		t->full = true;
		return;
	}
	t->arena[t->used++] = c;
}

/* Room for n bytes at the end of the arena, or NULL (the arena is then full). */
static char *arena_reserve(struct je_text *t, size_t n)
{
	if (t->full || n > JE_ARENA - t->used) {
		t->full = true;
		return NULL;
	}
	return t->arena + t->used;
}

/* libfastjson's fjson_escape_str: control characters, '"', '\' and '/' */
static const bool needs_escape[256] = {
	[0 ... 0x1f] = true, ['"'] = true, ['/'] = true, ['\\'] = true};

static void arena_escaped(struct je_text *t, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	arena_putc(t, '"');
	for (const char *run = s;; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[6] = {'\\', 0, 0, 0, 0, 0};
		size_t elen = 2;

		if (!needs_escape[c])
			continue;
		arena_put(t, run, (size_t)(s - run));
		if (c == '\0')
			break;
		switch (c) {
		case '\b':
			esc[1] = 'b';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '"':
		case '\\':
		case '/':
			esc[1] = (char)c;
			break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
			break;
		}
		arena_put(t, esc, elen);
		run = s + 1;
	}
	arena_putc(t, '"');
}

static void add_member(struct je_text *t, int node, int child, size_t off, size_t len)
{
	int i = t->nm;

	if (t->full || i == JE_MAX_MEMBERS) {
		t->full = true;
		return;
	}
	t->m[i].next = -1;
	t->m[i].child = (int16_t)child;
	t->m[i].off = (uint16_t)off;
	t->m[i].len = (uint16_t)len;
	if (t->last[node] >= 0)
		t->m[t->last[node]].next = (int16_t)i;
	else
		t->first[node] = (int16_t)i;
	t->last[node] = (int16_t)i;
	t->nm++;
}

/* The object of parent p, linked into its own parent at first use, as the
 * tree links it: node p + 1 (node 0 is the root). */
static int text_node(struct jemit *e, int p)
{
	struct je_text *t = e->text;
	int up;

	if (p < 0)
		return 0;
	if (t->first[p + 1] < 0) { /* a parent is linked when its first member comes */
		up = text_node(e, e->lay->parent[p].up);
		add_member(t, up, p, 0, 0);
	}
	return p + 1;
}

/* "leaf": then the caller's value, then text_end. A flat layout (ulogd2's
 * keys) is one object: its members go to the arena in order, separated by
 * commas, and render as they are. */
static size_t text_begin(struct jemit *e, int f)
{
	struct je_text *t = e->text;
	size_t off = t->used;

	if (e->lay->nparents == 0 && off > 0)
		arena_putc(t, ',');
	arena_put(t, e->lay->key[f], e->lay->keylen[f]);
	return off;
}

static void text_end(struct jemit *e, int f, size_t off)
{
	struct je_text *t = e->text;
	int node;

	if (t->full)
		return;
	if (e->lay->nparents == 0) {
		t->whole = t->used;
		return;
	}
	node = text_node(e, e->lay->field_parent[f]);
	add_member(t, node, -1, off, t->used - off);
}

/* Room in sb for n more bytes, the close braces the enclosing objects
 * still owe, and the NUL. */
static bool sb_room(const struct strbuf *sb, size_t n, int close)
{
	return sb->len + n + (size_t)close < sb->size;
}

/* Object node into sb, where its "{}" fits with the close braces owed: a member
 * that does not fit is left out whole, so the document stays valid JSON.
 * Returns false when one was left out. */
static bool render_node(const struct jemit *e, struct strbuf *sb, int node, int close)
{
	const struct je_text *t = e->text;
	bool whole = true, first = true;

	sb_putn(sb, "{", 1);
	for (int i = t->first[node]; i >= 0; i = t->m[i].next) {
		int child = t->m[i].child;
		size_t comma = first ? 0 : 1;
		size_t n = child < 0 ? t->m[i].len : e->lay->parent[child].keylen + 2u; /* "k":{} */

		if (!sb_room(sb, comma + n, close + 1)) {
			whole = false;
			continue;
		}
		sb_putn(sb, ",", comma);
		first = false;
		if (child < 0) {
			sb_putn(sb, t->arena + t->m[i].off, t->m[i].len);
			continue;
		}
		sb_putn(sb, e->lay->parent[child].key, e->lay->parent[child].keylen);
		whole = render_node(e, sb, child + 1, close + 1) && whole;
	}
	sb_putn(sb, "}", 1);
	return whole;
}

/* render_node without a bound check at each step: for a buffer that holds
 * the worst case, every byte of the arena, every parent's key, a comma per
 * member and the braces of every object. */
static char *render_node_unchecked(const struct jemit *e, char *p, int node)
{
	const struct je_text *t = e->text;

	*p++ = '{';
	for (int i = t->first[node]; i >= 0; i = t->m[i].next) {
		if (i != t->first[node])
			*p++ = ',';
		if (t->m[i].child < 0) {
			memcpy(p, t->arena + t->m[i].off, t->m[i].len);
			p += t->m[i].len;
			continue;
		}
		memcpy(p, e->lay->parent[t->m[i].child].key, e->lay->parent[t->m[i].child].keylen);
		p += e->lay->parent[t->m[i].child].keylen;
		p = render_node_unchecked(e, p, t->m[i].child + 1);
	}
	*p++ = '}';
	return p;
}

size_t je_render(const struct jemit *e, char *buf, size_t size, bool *complete)
{
	const struct je_text *t = e->text;
	size_t worst = t->used + (size_t)t->nm + 2 * (size_t)(e->lay->nparents + 1) +
		       (size_t)e->lay->nparents * JE_KEY_MAX + 1;
	struct strbuf sb;
	bool whole;

	if (e->lay->nparents > 0 && worst <= size) {
		char *end = render_node_unchecked(e, buf, 0);

		*end = '\0';
		if (complete)
			*complete = !t->full;
		return (size_t)(end - buf);
	}
	if (size < 3) { /* not even "{}" */
		if (size > 0)
			buf[0] = '\0';
		if (complete)
			*complete = false;
		return 0;
	}
	sb_init(&sb, buf, size);
	if (e->lay->nparents > 0) {
		whole = render_node(e, &sb, 0, 0);
	} else {
		whole = sb_room(&sb, t->whole + 2, 0);
		sb_putn(&sb, "{", 1);
		sb_putn(&sb, t->arena, whole ? t->whole : 0);
		sb_putn(&sb, "}", 1);
	}
	if (complete)
		*complete = !t->full && whole;
	return sb.len;
}

/* ---- values ---- */

size_t je_fmt_u64(char *out, uint64_t v)
{
	size_t n = 1;

	for (uint64_t x = v; x >= 10; x /= 10)
		n++;
	for (size_t i = n; i-- > 0; v /= 10)
		out[i] = (char)('0' + v % 10);
	return n;
}

static size_t fmt_i64(char *out, int64_t v)
{
	if (v >= 0)
		return je_fmt_u64(out, (uint64_t)v);
	out[0] = '-';
	return 1 + je_fmt_u64(out + 1, (uint64_t)0 - (uint64_t)v);
}

size_t je_fmt_ipv4(char *out, const uint8_t a[4])
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		if (i)
			out[n++] = '.';
		n += je_fmt_u64(out + n, a[i]);
	}
	out[n] = '\0';
	return n;
}

void je_int(struct jemit *e, int f, int64_t v)
{
	enum nf_ftype type = e->fields[f].type[e->schema];
	char num[24], *p;
	size_t off;

	if (!je_wanted(e, f))
		return;
	if (type == FT_BOOL)
		v = v != 0;
	if (e->text == NULL) {
		if (type == FT_KW) {
			tree_put(e, f, json_object_new_string_len(num, (int)fmt_i64(num, v)));
		} else if (type == FT_BOOL && e->schema == NF_SCHEMA_ECS) {
			tree_put(e, f, json_object_new_boolean(v != 0));
		} else {
			tree_put(e, f, json_object_new_int64(v));
		}
		return;
	}
	off = text_begin(e, f);
	if (type == FT_BOOL && e->schema == NF_SCHEMA_ECS) {
		arena_put(e->text, v ? "true" : "false", v ? 4 : 5);
	} else if ((p = arena_reserve(e->text, 22)) != NULL) {
		bool kw = type == FT_KW;

		if (kw)
			*p++ = '"';
		p += fmt_i64(p, v);
		if (kw)
			*p++ = '"';
		e->text->used = (size_t)(p - e->text->arena);
	}
	text_end(e, f, off);
}

/* Counters are u64: above INT64_MAX the tree holds a double whose text is
 * the exact digits (libfastjson has no unsigned 64-bit integer, and
 * fjson_object_new_double_s serializes the text it is given). */
void je_uint(struct jemit *e, int f, uint64_t v)
{
	char num[24], *p;
	size_t n, off;

	if (v <= (uint64_t)INT64_MAX || e->fields[f].type[e->schema] == FT_BOOL) {
		je_int(e, f, v <= (uint64_t)INT64_MAX ? (int64_t)v : 1);
		return;
	}
	if (!je_wanted(e, f))
		return;
	n = je_fmt_u64(num, v);
	num[n] = '\0';
	if (e->text == NULL) {
		tree_put(e, f,
			 e->fields[f].type[e->schema] == FT_KW
				 ? json_object_new_string_len(num, (int)n)
				 : json_object_new_double_s((double)v, num));
		return;
	}
	off = text_begin(e, f);
	if ((p = arena_reserve(e->text, 22)) != NULL) {
		bool kw = e->fields[f].type[e->schema] == FT_KW;

		if (kw)
			*p++ = '"';
		memcpy(p, num, n);
		p += n;
		if (kw)
			*p++ = '"';
		e->text->used = (size_t)(p - e->text->arena);
	}
	text_end(e, f, off);
}

void je_str(struct jemit *e, int f, const char *s)
{
	size_t off;

	if (!je_wanted(e, f))
		return;
	if (e->text == NULL) {
		tree_put(e, f, json_object_new_string(s));
		return;
	}
	off = text_begin(e, f);
	arena_escaped(e->text, s);
	text_end(e, f, off);
}

/* A string of digits, hex, ':', '-', '.', '+', 'T' or 'Z' (addresses,
 * times): nothing to escape. */
static void put_plain(struct jemit *e, int f, const char *s, size_t n)
{
	size_t off;

	if (e->text == NULL) {
		tree_put(e, f, json_object_new_string_len(s, (int)n));
		return;
	}
	off = text_begin(e, f);
	arena_putc(e->text, '"');
	arena_put(e->text, s, n);
	arena_putc(e->text, '"');
	text_end(e, f, off);
}

void je_list(struct jemit *e, int f, const char *const *items, size_t n)
{
	struct fjson_object *a;
	size_t off;

	if (!je_wanted(e, f))
		return;
	if (e->text == NULL) {
		if ((a = json_object_new_array()) == NULL)
			return;
		for (size_t i = 0; i < n; i++)
			json_object_array_add(a, json_object_new_string(items[i]));
		tree_put(e, f, a);
		return;
	}
	off = text_begin(e, f);
	arena_putc(e->text, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			arena_putc(e->text, ',');
		arena_escaped(e->text, items[i]);
	}
	arena_putc(e->text, ']');
	text_end(e, f, off);
}

/* n bytes as hex digits, sep between them (0 for none); returns the length */
static size_t hex(char *out, const uint8_t *p, size_t n, char sep, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *o = out;

	for (size_t i = 0; i < n; i++) {
		if (sep && i)
			*o++ = sep;
		*o++ = digits[p[i] >> 4];
		*o++ = digits[p[i] & 15];
	}
	return (size_t)(o - out);
}

/* ulogd HWHDR prints aa:bb:..; ECS wants AA-BB-... */
void je_mac(struct jemit *e, int f, const uint8_t *p, size_t n)
{
	char buf[3 * 16];
	bool ecs = e->schema == NF_SCHEMA_ECS;

	if (je_wanted(e, f))
		put_plain(e, f, buf, hex(buf, p, n < 16 ? n : 16, ecs ? '-' : ':', ecs));
}

/* colon-separated, as ulogd2's HWHDR writes a whole header (mac.str) */
void je_hex_colons(struct jemit *e, int f, const uint8_t *p, size_t n)
{
	char buf[3 * 128];

	if (je_wanted(e, f))
		put_plain(e, f, buf, hex(buf, p, n < 128 ? n : 128, ':', false));
}

void je_hex(struct jemit *e, int f, const uint8_t *p, size_t n)
{
	char buf[2 * 64];

	if (je_wanted(e, f))
		put_plain(e, f, buf, hex(buf, p, n < 64 ? n : 64, 0, false));
}

void je_addr(struct jemit *e, int f, const uint8_t *a, int alen)
{
	char buf[INET6_ADDRSTRLEN];
	size_t n;

	if (!je_wanted(e, f))
		return;
	if (alen == 4)
		n = je_fmt_ipv4(buf, a);
	else if (inet_ntop(AF_INET6, a, buf, sizeof(buf)))
		n = strlen(buf);
	else
		return;
	put_plain(e, f, buf, n);
}

/* ---- timestamps ---- */

/* "YYYY-MM-DDTHH:MM:SS" of one second, in UTC or local time with its
 * offset. Events arrive in order, and a flow record carries three times
 * (now, start, end): a few cached seconds per thread save a localtime_r
 * (which takes a lock and reads TZ) per field. */
struct second {
	time_t sec;
	char date[20];
	char zone[8];
};

#define SECOND_CACHE 4

static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

static bool format_second(struct second *c, time_t t, bool utc)
{
	struct tm tm;
	long off;

	/* beyond year 9999 the fixed-width format breaks; gmtime_r fails
	 * for years that do not fit an int */
	if (t < 0 || t > NF_TIME_MAX || (utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) == NULL ||
	    tm.tm_year + 1900 > 9999)
		return false;
	put2(c->date, (tm.tm_year + 1900) / 100);
	put2(c->date + 2, (tm.tm_year + 1900) % 100);
	c->date[4] = '-';
	put2(c->date + 5, tm.tm_mon + 1);
	c->date[7] = '-';
	put2(c->date + 8, tm.tm_mday);
	c->date[10] = 'T';
	put2(c->date + 11, tm.tm_hour);
	c->date[13] = ':';
	put2(c->date + 14, tm.tm_min);
	c->date[16] = ':';
	put2(c->date + 17, tm.tm_sec);
	c->date[19] = '\0';
	off = tm.tm_gmtoff / 60;
	c->zone[0] = off < 0 ? '-' : '+';
	off = off < 0 ? -off : off;
	put2(c->zone + 1, (int)(off / 60 % 100));
	put2(c->zone + 3, (int)(off % 60));
	c->zone[5] = '\0';
	c->sec = t;
	return true;
}

static const struct second *cached_second(time_t t, bool utc)
{
	static __thread struct second cache[2][SECOND_CACHE] = {
		{{-1, "", ""}, {-1, "", ""}, {-1, "", ""}, {-1, "", ""}},
		{{-1, "", ""}, {-1, "", ""}, {-1, "", ""}, {-1, "", ""}}};
	static __thread unsigned next[2];
	struct second *c = cache[utc];

	for (int i = 0; i < SECOND_CACHE; i++)
		if (c[i].sec == t)
			return &c[i];
	c = &c[next[utc]++ % SECOND_CACHE];
	return format_second(c, t, utc) ? c : NULL;
}

/* ulogd2 JSON: local time, microseconds, numeric UTC offset; ECS: UTC "Z".
 * A time that cannot be written so is left out. */
void je_timestamp(struct jemit *e, int f, const struct timeval *tv, bool usec)
{
	bool utc = e->schema == NF_SCHEMA_ECS;
	const struct second *c;
	char buf[40], *p = buf;

	if (!je_wanted(e, f) || tv->tv_usec < 0 || tv->tv_usec >= 1000000 ||
	    (c = cached_second(tv->tv_sec, utc)) == NULL)
		return;
	memcpy(p, c->date, 19);
	p += 19;
	if (usec) {
		char digits[20];
		size_t n = je_fmt_u64(digits, (uint64_t)tv->tv_usec);

		*p++ = '.';
		memset(p, '0', 6 - n);
		memcpy(p + 6 - n, digits, n);
		p += 6;
	}
	if (utc)
		*p++ = 'Z';
	else {
		memcpy(p, c->zone, 5);
		p += 5;
	}
	put_plain(e, f, buf, (size_t)(p - buf));
}
