/* SPDX-License-Identifier: Apache-2.0 */
/* The line `conntrack -E -o extended,id` prints for an event, without its
 * leading alignment, written from the parsed event: the format of
 * libnetfilter_conntrack 1.0.9 (src/conntrack/snprintf_default.c, output
 * NFCT_O_DEFAULT with NFCT_OF_SHOW_LAYER3 | NFCT_OF_ID) and the USERSPACE
 * suffix of conntrack-tools' event_cb. Connection labels are left out:
 * conntrack prints them by name from connlabel.conf. */
#ifndef NFCT_TEXT_H
#define NFCT_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "nfct-event.h"

#define NFCT_TEXT_MAX 1024 /* conntrack's own line buffer */

/* now: receive time; conntrack prints "delta-time" of a live flow as now
 * minus its start. Returns the length (the line is cut to size). */
size_t nfct_text(const struct nfct_event *ev, time_t now, char *buf, size_t size);

/* conntrack's name of a layer 4 protocol ("tcp", "icmpv6"), "unknown" for
 * others. */
const char *nfct_l4_name(uint8_t proto);

#endif
