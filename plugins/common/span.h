/* SPDX-License-Identifier: Apache-2.0 */
/* Bounds-checked big-endian reads from untrusted packet bytes.
 *
 * Every packet byte is read through these getters (tcpdump's GET_BE_U_2
 * discipline): no casts of packet memory to structs, no bitfields. A getter
 * returns false when the span does not hold the requested bytes; the caller
 * then records truncation and keeps what it has already decoded.
 */
#ifndef NF_SPAN_H
#define NF_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct span {
	const uint8_t *p;
	size_t len;
};

static inline bool span_has(const struct span *s, size_t off, size_t n)
{
	/* written so that off + n cannot overflow */
	return off <= s->len && n <= s->len - off;
}

static inline struct span span_sub(const struct span *s, size_t off)
{
	struct span r = {s->p, 0};

	if (off <= s->len) {
		r.p = s->p + off;
		r.len = s->len - off;
	}
	return r;
}

static inline struct span span_clamp(struct span s, size_t len)
{
	if (len < s.len)
		s.len = len;
	return s;
}

static inline bool get_u8(const struct span *s, size_t off, uint8_t *v)
{
	if (!span_has(s, off, 1))
		return false;
	*v = s->p[off];
	return true;
}

static inline bool get_be16(const struct span *s, size_t off, uint16_t *v)
{
	if (!span_has(s, off, 2))
		return false;
	*v = (uint16_t)(s->p[off] << 8 | s->p[off + 1]);
	return true;
}

static inline bool get_be32(const struct span *s, size_t off, uint32_t *v)
{
	if (!span_has(s, off, 4))
		return false;
	*v = (uint32_t)s->p[off] << 24 | (uint32_t)s->p[off + 1] << 16 |
	     (uint32_t)s->p[off + 2] << 8 | (uint32_t)s->p[off + 3];
	return true;
}

static inline bool get_bytes(const struct span *s, size_t off, void *dst, size_t n)
{
	if (!span_has(s, off, n))
		return false;
	memcpy(dst, s->p + off, n);
	return true;
}

#endif
