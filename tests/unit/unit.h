/* SPDX-License-Identifier: Apache-2.0 */
/* Minimal test helpers: each check prints "ok - name" or "not ok - name"
 * (TAP style) so scripts/check can count them. */
#ifndef UNIT_H
#define UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int unit_failed, unit_passed;

#define CHECK(name, cond)                                                                          \
	do {                                                                                       \
		if (cond) {                                                                        \
			unit_passed++;                                                             \
		} else {                                                                           \
			unit_failed++;                                                             \
			printf("not ok - %s: %s (%s:%d)\n", name, #cond, __FILE__, __LINE__);      \
		}                                                                                  \
	} while (0)

#define CHECK_EQ(name, want, got)                                                                  \
	do {                                                                                       \
		uint64_t w_ = (uint64_t)(want), g_ = (uint64_t)(got);                              \
		if (w_ == g_) {                                                                    \
			unit_passed++;                                                             \
		} else {                                                                           \
			unit_failed++;                                                             \
			printf("not ok - %s: %s want %" PRIu64 " got %" PRIu64 " (%s:%d)\n", name, \
			       #got, w_, g_, __FILE__, __LINE__);                                  \
		}                                                                                  \
	} while (0)

#define CHECK_STR(name, want, got)                                                                 \
	do {                                                                                       \
		const char *w_ = (want), *g_ = (got);                                              \
		if (g_ && strcmp(w_, g_) == 0) {                                                   \
			unit_passed++;                                                             \
		} else {                                                                           \
			unit_failed++;                                                             \
			printf("not ok - %s (%s:%d)\n  want: %s\n  got:  %s\n", name, __FILE__,    \
			       __LINE__, w_, g_ ? g_ : "(null)");                                  \
		}                                                                                  \
	} while (0)

/* One "ok" line per test case that had no failing check. */
#define RUN(fn)                                                                                    \
	do {                                                                                       \
		int before_ = unit_failed;                                                         \
		fn();                                                                              \
		if (unit_failed == before_)                                                        \
			printf("ok - %s\n", #fn);                                                  \
	} while (0)

#define UNIT_EXIT() return unit_failed ? 1 : 0

#endif
