/* SPDX-License-Identifier: Apache-2.0 */
/* doc/fields.md and doc/fields-nfct.md are generated from the field
 * tables: this test renders them and fails when a committed file differs.
 * "--write" regenerates them. */
#include <stdlib.h>

#include <json.h>

#include "nfct-fields.h"
#include "nflog-fields.h"
#include "unit.h"

struct table {
	const char *module, *def, *file;
	const struct field_desc *fields;
	int n;
	struct field_table *t;
};

static const struct table tables[] = {
	{"imnflog", "plugins/imnflog/nflog-fields.def", "/doc/fields.md", nflog_fields, NFF_COUNT,
	 &nflog_table},
	{"imnfct", "plugins/imnfct/nfct-fields.def", "/doc/fields-nfct.md", nfct_fields, NCF_COUNT,
	 &nfct_table},
};

/* BOOL is JSON true/false in ECS, 0/1 as ulogd2's JSON writes it */
static const char *type_name(enum nf_ftype t, enum nf_schema s)
{
	static const char *const names[] = {"",		 "number",	     "0/1",
					    "string",	 "keyword (string)", "array of strings",
					    "MAC string"};

	return t == FT_BOOL && s == NF_SCHEMA_ECS ? "boolean" : names[t];
}

static size_t render(const struct table *t, char *buf, size_t size)
{
	size_t n = 0;

	n += (size_t)snprintf(buf + n, size - n,
			      "# %s field reference\n\n"
			      "Generated from `%s` by `tests/unit/test_fields_doc --write`; "
			      "do not edit.\n\n"
			      "`schema=\"ecs\"` nests the ECS path in `$!` (`$!source!ip`); "
			      "`schema=\"ulogd\"` uses the flat ulogd2 JSON key "
			      "(`$!src_ip`). A dash means the field does not exist in that "
			      "schema.\n\n"
			      "| ECS path | ECS type | ulogd2 key | ulogd2 type | meaning |\n"
			      "|---|---|---|---|---|\n",
			      t->module, t->def);
	for (int i = 0; i < t->n && n < size; i++) {
		const struct field_desc *f = &t->fields[i];

		n += (size_t)snprintf(buf + n, size - n, "| %s | %s | %s | %s | %s |\n",
				      f->key[NF_SCHEMA_ECS] ? f->key[NF_SCHEMA_ECS] : "-",
				      f->key[NF_SCHEMA_ECS]
					      ? type_name(f->type[NF_SCHEMA_ECS], NF_SCHEMA_ECS)
					      : "-",
				      f->key[NF_SCHEMA_ULOGD] ? f->key[NF_SCHEMA_ULOGD] : "-",
				      f->key[NF_SCHEMA_ULOGD]
					      ? type_name(f->type[NF_SCHEMA_ULOGD], NF_SCHEMA_ULOGD)
					      : "-",
				      f->doc);
	}
	return n;
}

static char want[65536], have[65536];

static void test_doc_matches_table(void)
{
	for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++) {
		char path[4096];
		FILE *f;
		size_t n = render(&tables[k], want, sizeof(want)), m = 0;

		snprintf(path, sizeof(path), "%s%s", SRCDIR, tables[k].file);
		if ((f = fopen(path, "r")) != NULL) {
			m = fread(have, 1, sizeof(have) - 1, f);
			fclose(f);
		}
		have[m] = '\0';
		CHECK(tables[k].file, m == n && memcmp(want, have, n) == 0);
	}
}

/* Within a schema every name is unique: the emitter relies on it */
static void test_keys_unique(void)
{
	for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++)
		for (int s = 0; s < 2; s++)
			for (int i = 0; i < tables[k].n; i++)
				for (int j = i + 1; j < tables[k].n; j++) {
					const char *a = tables[k].fields[i].key[s];
					const char *b = tables[k].fields[j].key[s];

					CHECK(tables[k].fields[j].id,
					      !a || !b || strcmp(a, b) != 0);
				}
}

/* The emitter's layout holds every path and name of both schemas */
static void test_layouts_fit(void)
{
	for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++) {
		struct jemit e;

		je_init(&e, tables[k].t, NF_SCHEMA_ECS, NULL);
		fjson_object_put(e.root);
		CHECK(tables[k].module, tables[k].t->layout[NF_SCHEMA_ECS].fits &&
						tables[k].t->layout[NF_SCHEMA_ULOGD].fits);
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--write") == 0) {
		for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++) {
			char path[4096];
			size_t n = render(&tables[k], want, sizeof(want));
			FILE *f;

			snprintf(path, sizeof(path), "%s%s", SRCDIR, tables[k].file);
			if ((f = fopen(path, "w")) == NULL || fwrite(want, 1, n, f) != n ||
			    fclose(f) != 0)
				return 1;
		}
		return 0;
	}
	RUN(test_doc_matches_table);
	RUN(test_keys_unique);
	RUN(test_layouts_fit);
	UNIT_EXIT();
}
