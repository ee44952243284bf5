/* SPDX-License-Identifier: Apache-2.0 */
/* Walk a stream of netlink attributes. Unlike mnl_attr_parse(), report a
 * cut or malformed tail instead of stopping silently: returns false when
 * bytes were left that do not form an attribute. Callbacks validate each
 * attribute they use (mnl_attr_validate) and skip unknown types. */
#ifndef NLWALK_H
#define NLWALK_H

#include <stdbool.h>
#include <stddef.h>

#include <libmnl/libmnl.h>

static inline bool nl_walk(const void *p, size_t len, mnl_attr_cb_t cb, void *data)
{
	const struct nlattr *a = p;
	int left = (int)len;

	while (mnl_attr_ok(a, left)) {
		cb(a, data);
		left -= (int)MNL_ALIGN(a->nla_len);
		a = mnl_attr_next(a);
	}
	return left <= 0;
}

/* The attributes nested in a (validated as MNL_TYPE_NESTED by the caller). */
static inline bool nl_walk_nested(const struct nlattr *a, mnl_attr_cb_t cb, void *data)
{
	return nl_walk(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a), cb, data);
}

#endif
