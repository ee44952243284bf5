/* SPDX-License-Identifier: Apache-2.0 */
/* The keyword of an IP protocol number, from the one table ipproto.def. */
#ifndef IPPROTO_H
#define IPPROTO_H

#include <stdint.h>

/* "tcp", "ipv6-nonxt", ...; NULL for a number without a keyword. */
const char *ip_proto_name(uint8_t proto);

#endif
