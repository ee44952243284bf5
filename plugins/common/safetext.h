/* SPDX-License-Identifier: Apache-2.0 */
/* Untrusted strings (log prefixes, interface and helper names, process
 * names) made safe for a log line and for JSON.
 *
 * A ruleset's prefix is chosen by whoever is root in the namespace that
 * logs, a container's root included; bytes pass through to msg and to the
 * $! tree. A newline in msg forges a syslog line, invalid UTF-8 makes
 * Elasticsearch reject the whole document. So: valid UTF-8 (RFC 3629)
 * passes unchanged, except control characters (C0, DEL, C1); those and
 * every byte that does not belong to a valid UTF-8 sequence become "#ooo",
 * the byte in three octal digits, as rsyslog escapes control characters of
 * received messages ($EscapeControlCharactersOnReceive).
 */
#ifndef SAFETEXT_H
#define SAFETEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Room safe_text needs for n untrusted bytes, NUL included. */
#define SAFE_TEXT_SIZE(n) (4 * (n) + 1)

/* Writes the escaped form of in[0..n) into out (always NUL-terminated,
 * cut at a character boundary when size is short) and returns its length. */
size_t safe_text(char *out, size_t size, const char *in, size_t n);

/* How much of s, an escaped string, fits in max bytes: cut at a character
 * boundary and never inside an escape. */
size_t safe_text_cut(const char *s, size_t max);

/* Whether s[0..n) is what safe_text writes: valid UTF-8 without control
 * characters (the fuzzers check every line and JSON document with it). */
bool safe_text_ok(const char *s, size_t n);

#endif
