/* SPDX-License-Identifier: Apache-2.0 */
/* What every fuzz target asserts of its output: a text line holds no line
 * break and no unprintable byte and is valid UTF-8; a JSON document is
 * valid UTF-8 and parses. A violation aborts, which libFuzzer reports
 * like a crash, with the input that caused it. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "safetext.h"

static inline void fuzz_fail(const char *what, const char *s)
{
	fprintf(stderr, "fuzz: %s: %s\n", what, s);
	abort();
}

static inline void check_line(const char *s, size_t len)
{
	if (strlen(s) != len)
		fuzz_fail("line length", s);
	if (!safe_text_ok(s, len))
		fuzz_fail("unprintable byte or invalid UTF-8 in a line", s);
}

/* The text output of the emitter is valid JSON, and what libfastjson
 * writes for the tree without spaces ($!all-json-plain), byte for byte. */
static inline void check_same_json(struct fjson_object *j, const char *text, bool complete)
{
	struct fjson_object *back = fjson_tokener_parse(text);
	const char *plain;

	if (back == NULL)
		fuzz_fail("text output is not valid JSON", text);
	fjson_object_put(back);
	if (j == NULL)
		return;
	plain = fjson_object_to_json_string_ext(j, FJSON_TO_STRING_PLAIN);
	if (!complete || strcmp(plain, text) != 0) {
		fprintf(stderr, "tree: %s\ntext: %s\n", plain, text);
		fuzz_fail("text output differs from the tree's", "");
	}
}

/* Serializes j as rsyslog's $!all-json does, checks it, and frees j. */
static inline void check_json(struct fjson_object *j)
{
	const char *s;
	struct fjson_object *back;

	if (j == NULL)
		return;
	s = fjson_object_to_json_string_ext(j, FJSON_TO_STRING_SPACED);
	if (!safe_text_ok(s, strlen(s)))
		fuzz_fail("invalid UTF-8 or a raw control character in JSON", s);
	back = fjson_tokener_parse(s);
	if (back == NULL)
		fuzz_fail("JSON does not parse", s);
	fjson_object_put(back);
	fjson_object_put(j);
}

#endif
