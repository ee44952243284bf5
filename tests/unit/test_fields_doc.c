/* doc/fields.md is generated from the field table: this test renders it
 * and fails when the committed file differs. "--write" regenerates it. */
#include <stdlib.h>

#include "nflog-fields.h"
#include "unit.h"

static const char *type_name(enum nf_ftype t)
{
	static const char *const names[] = {"",		 "number",	     "0/1",
					    "string",	 "keyword (string)", "array of strings",
					    "MAC string"};

	return names[t];
}

static size_t render(char *buf, size_t size)
{
	size_t n = 0;

	n += (size_t)snprintf(
		buf + n, size - n,
		"# imnflog field reference\n\n"
		"Generated from `plugins/imnflog/nflog-fields.def` by "
		"`tests/unit/test_fields_doc --write`; do not edit.\n\n"
		"`schema=\"ecs\"` nests the ECS path in `$!` (`$!source!ip`); "
		"`schema=\"ulogd\"` uses the flat ulogd2 JSON key "
		"(`$!src_ip`). A dash means the field does not exist in that schema.\n\n"
		"| ECS path | ECS type | ulogd2 key | ulogd2 type | meaning |\n"
		"|---|---|---|---|---|\n");
	for (int i = 0; i < NFF_COUNT && n < size; i++) {
		const struct field_desc *f = &nflog_fields[i];

		n += (size_t)snprintf(
			buf + n, size - n, "| %s | %s | %s | %s | %s |\n",
			f->key[NF_SCHEMA_ECS] ? f->key[NF_SCHEMA_ECS] : "-",
			f->key[NF_SCHEMA_ECS] ? type_name(f->type[NF_SCHEMA_ECS]) : "-",
			f->key[NF_SCHEMA_ULOGD] ? f->key[NF_SCHEMA_ULOGD] : "-",
			f->key[NF_SCHEMA_ULOGD] ? type_name(f->type[NF_SCHEMA_ULOGD]) : "-",
			f->doc);
	}
	return n;
}

static char want[65536], have[65536];

static void test_doc_matches_table(void)
{
	FILE *f = fopen(SRCDIR "/doc/fields.md", "r");
	size_t n = render(want, sizeof(want)), m = 0;

	if (f) {
		m = fread(have, 1, sizeof(have) - 1, f);
		fclose(f);
	}
	have[m] = '\0';
	CHECK("doc/fields.md is current (run tests/unit/test_fields_doc --write)",
	      m == n && memcmp(want, have, n) == 0);
}

static void test_keys_unique(void)
{
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < NFF_COUNT; i++)
			for (int j = i + 1; j < NFF_COUNT; j++) {
				const char *a = nflog_fields[i].key[s], *b = nflog_fields[j].key[s];

				CHECK(nflog_fields[j].id, !a || !b || strcmp(a, b) != 0);
			}
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--write") == 0) {
		FILE *f = fopen(SRCDIR "/doc/fields.md", "w");
		size_t n = render(want, sizeof(want));

		if (!f || fwrite(want, 1, n, f) != n)
			return 1;
		return fclose(f) ? 1 : 0;
	}
	RUN(test_doc_matches_table);
	RUN(test_keys_unique);
	UNIT_EXIT();
}
