/* SPDX-License-Identifier: Apache-2.0 */
/* The protocol keyword table (plugins/common/ipproto.def) against an
 * independent source, the machine's /etc/protocols (netbase): every
 * protocol number it names below 256 has one of its names, and every name
 * of the table is one /etc/protocols gives that number. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipproto.h"
#include "unit.h"

#define MAX_ALIASES 8

struct known {
	int n; /* names of this number */
	char names[MAX_ALIASES][32];
};

static struct known known[256];

static int read_protocols(void)
{
	char line[512];
	int entries = 0;
	FILE *f = fopen("/etc/protocols", "re");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), *save, *name, *num, *alias;

		if (hash)
			*hash = '\0';
		if ((name = strtok_r(line, " \t\n", &save)) == NULL ||
		    (num = strtok_r(NULL, " \t\n", &save)) == NULL || atoi(num) > 255)
			continue;
		struct known *k = &known[atoi(num)];

		for (alias = name; alias && k->n < MAX_ALIASES;
		     alias = strtok_r(NULL, " \t\n", &save))
			snprintf(k->names[k->n++], sizeof(k->names[0]), "%s", alias);
		entries++;
	}
	fclose(f);
	return entries;
}

static bool is_known(const struct known *k, const char *name)
{
	for (int i = 0; i < k->n; i++)
		if (strcasecmp(k->names[i], name) == 0)
			return true;
	return false;
}

static void test_against_etc_protocols(void)
{
	int named = 0, wrong = 0, missing = 0;

	CHECK("/etc/protocols read", read_protocols() > 50);
	for (int p = 0; p < 256; p++) {
		const char *ours = ip_proto_name((uint8_t)p);

		if (known[p].n > 0 && ours == NULL) {
			printf("# %d: /etc/protocols names it %s, the table does not\n", p,
			       known[p].names[0]);
			missing++;
		} else if (ours != NULL && !is_known(&known[p], ours)) {
			printf("# %d: the table says %s, /etc/protocols does not\n", p, ours);
			wrong++;
		}
		named += ours != NULL;
	}
	CHECK_EQ("every number /etc/protocols names is named", 0, missing);
	CHECK_EQ("every name is /etc/protocols' for its number", 0, wrong);
	CHECK("names", named > 50);
	CHECK_STR("59", "ipv6-nonxt", ip_proto_name(59));
	CHECK_STR("0 is HOPOPT", "hopopt", ip_proto_name(0));
	CHECK("255 has none", ip_proto_name(255) == NULL);
}

int main(void)
{
	RUN(test_against_etc_protocols);
	UNIT_EXIT();
}
