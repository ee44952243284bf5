/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded string building with a sticky "full" flag, after the kernel's
 * nf_log_buf_add(): appends stop when the buffer is full, nothing returns
 * early behind the caller's back. */
#ifndef STRBUF_H
#define STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char *buf;
	size_t size, len;
	bool full;
};

void sb_init(struct strbuf *sb, char *buf, size_t size);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_puts(struct strbuf *sb, const char *s);
void sb_putn(struct strbuf *sb, const char *s, size_t n);
/* v in decimal, and in hex (at least width digits). */
void sb_dec(struct strbuf *sb, uint64_t v);
void sb_hexnum(struct strbuf *sb, uint64_t v, int width, bool upper);
/* key, v in decimal, then a space: the "KEY=value " of a LOG line */
void sb_kv(struct strbuf *sb, const char *key, uint64_t v);
/* Lowercase hex bytes joined by sep (0 for none). */
void sb_hex(struct strbuf *sb, const unsigned char *p, size_t n, char sep, bool upper);
void sb_ipv4(struct strbuf *sb, const unsigned char a[4]);
/* All eight groups, zero-padded: the kernel's %pI6. */
void sb_ipv6_full(struct strbuf *sb, const unsigned char a[16]);

#endif
