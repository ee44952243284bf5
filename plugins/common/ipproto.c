/* SPDX-License-Identifier: Apache-2.0 */
#include "ipproto.h"

static const char *const names[256] = {
#define IPPROTO_NAME(n, name) [n] = name,
#include "ipproto.def"
#undef IPPROTO_NAME
};

const char *ip_proto_name(uint8_t proto)
{
	return names[proto];
}
