/* SPDX-License-Identifier: Apache-2.0 */
#include "safetext.h"

#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (RFC 3629 section 4: no
 * overlong forms, no surrogates, nothing above U+10FFFF), 0 if none. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	uint8_t b = p[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		len = 2;
	else if (b >= 0xe0 && b <= 0xef)
		len = 3;
	else if (b >= 0xf0 && b <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	if (b == 0xe0)
		lo = 0xa0;
	else if (b == 0xed)
		hi = 0x9f;
	else if (b == 0xf0)
		lo = 0x90;
	else if (b == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

/* C0 controls and DEL; C1 controls are U+0080..U+009F, "\xc2\x80".."\xc2\x9f". */
static bool is_control(const uint8_t *p, size_t len)
{
	if (len == 1)
		return p[0] < 0x20 || p[0] == 0x7f;
	return len == 2 && p[0] == 0xc2 && p[1] < 0xa0;
}

size_t safe_text(char *out, size_t size, const char *in, size_t n)
{
	const uint8_t *p = (const uint8_t *)in;
	size_t o = 0, i = 0;

	if (size == 0)
		return 0;
	while (i < n) {
		size_t len = utf8_len(p + i, n - i);
		bool escape = len == 0 || is_control(p + i, len);
		size_t need = escape ? 4 * (len ? len : 1) : len;

		if (o + need >= size)
			break;
		if (escape) {
			for (size_t k = 0; k < (len ? len : 1); k++) {
				uint8_t b = p[i + k];

				out[o++] = '#';
				out[o++] = (char)('0' + (b >> 6));
				out[o++] = (char)('0' + ((b >> 3) & 7));
				out[o++] = (char)('0' + (b & 7));
			}
		} else {
			for (size_t k = 0; k < len; k++)
				out[o++] = (char)p[i + k];
		}
		i += len ? len : 1;
	}
	out[o] = '\0';
	return o;
}

bool safe_text_ok(const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;

	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(p + i, n - i);

		if (len == 0 || is_control(p + i, len))
			return false;
		i += len;
	}
	return true;
}

static bool is_escape(const char *s)
{
	return s[0] == '#' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
	       s[3] >= '0' && s[3] <= '7';
}

size_t safe_text_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	n = max;
	/* not inside a UTF-8 sequence (RFC 3629): back to its first byte */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	/* not inside an escape: one that spans the cut starts 1 to 3 bytes before it */
	for (size_t i = n > 3 ? n - 3 : 0; i < n; i++)
		if (is_escape(s + i))
			return i;
	return n;
}
