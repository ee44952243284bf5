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
	size_t n = strlen(s);

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

void sb_ipv4(struct strbuf *sb, const unsigned char a[4])
{
	sb_printf(sb, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

void sb_ipv6_full(struct strbuf *sb, const unsigned char a[16])
{
	for (int i = 0; i < 16; i += 2)
		sb_printf(sb, "%s%02x%02x", i ? ":" : "", a[i], a[i + 1]);
}
