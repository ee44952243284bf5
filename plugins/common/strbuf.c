/* SPDX-License-Identifier: Apache-2.0 */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sb_init(struct strbuf *sb, char *buf, size_t size)
{
	sb->buf = buf;
	sb->size = size;
	sb->len = 0;
	sb->full = size == 0;
	if (size)
		buf[0] = '\0';
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sb->size - sb->len) {
		sb->full = true;
		sb->len = sb->size - 1;
		sb->buf[sb->len] = '\0';
		return;
	}
	sb->len += (size_t)n;
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_putn(sb, s, strlen(s));
}

void sb_putn(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->full)
		return;
	if (n >= sb->size - sb->len) {
		sb->full = true;
		n = sb->size - sb->len - 1;
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

/* One character; a full buffer keeps what fitted, as vsnprintf does. */
static void sb_putc(struct strbuf *sb, char c)
{
	if (sb->full)
		return;
	if (sb->size - sb->len < 2) { /* the character and the NUL */
		sb->full = true;
		return;
	}
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void sb_hex(struct strbuf *sb, const unsigned char *p, size_t n, char sep, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	for (size_t i = 0; i < n && !sb->full; i++) {
		if (sep && i)
			sb_putc(sb, sep);
		sb_putc(sb, digits[p[i] >> 4]);
		sb_putc(sb, digits[p[i] & 15]);
	}
}

void sb_dec(struct strbuf *sb, uint64_t v)
{
	char d[20];
	size_t n = 1;

	for (uint64_t x = v; x >= 10; x /= 10)
		n++;
	for (size_t i = n; i-- > 0; v /= 10)
		d[i] = (char)('0' + v % 10);
	sb_putn(sb, d, n);
}

void sb_hexnum(struct strbuf *sb, uint64_t v, int width, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char d[16];
	int n = 1;

	for (uint64_t x = v; x >= 16; x >>= 4)
		n++;
	if (n < width)
		n = width > 16 ? 16 : width;
	for (int i = n; i-- > 0; v >>= 4)
		d[i] = digits[v & 15];
	sb_putn(sb, d, (size_t)n);
}

void sb_kv(struct strbuf *sb, const char *key, uint64_t v)
{
	sb_puts(sb, key);
	sb_dec(sb, v);
	sb_putn(sb, " ", 1);
}

void sb_ipv4(struct strbuf *sb, const unsigned char a[4])
{
	for (int i = 0; i < 4; i++) {
		if (i)
			sb_putn(sb, ".", 1);
		sb_dec(sb, a[i]);
	}
}

/* %pI6: eight groups of four hex digits */
void sb_ipv6_full(struct strbuf *sb, const unsigned char a[16])
{
	char buf[39];

	for (int i = 0, o = 0; i < 16; i += 2) {
		static const char digits[] = "0123456789abcdef";

		if (i)
			buf[o++] = ':';
		buf[o++] = digits[a[i] >> 4];
		buf[o++] = digits[a[i] & 15];
		buf[o++] = digits[a[i + 1] >> 4];
		buf[o++] = digits[a[i + 1] & 15];
	}
	sb_putn(sb, buf, sizeof(buf));
}
