/* SPDX-License-Identifier: Apache-2.0 */
/* Times from netlink attributes are untrusted numbers. rsyslog renders a
 * message time with localtime_r and dereferences its result, and every
 * format we write has a four-digit year: a time outside 1970..9999 is an
 * error, counted, and the receive time stands in for it. */
#ifndef NFTIME_H
#define NFTIME_H

#include <stdbool.h>
#include <stdint.h>

#define NF_TIME_MAX 253402300799LL /* 9999-12-31T23:59:59Z */

static inline bool nf_time_ok(uint64_t sec, uint64_t usec)
{
	return sec <= (uint64_t)NF_TIME_MAX && usec < 1000000;
}

#endif
