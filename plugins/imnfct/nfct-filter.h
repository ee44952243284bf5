/* SPDX-License-Identifier: Apache-2.0 */
/* The filters of an input (protocols, src, dst, mark), one definition for
 * both sides: the kernel's BPF on the event socket (nfct-sock.c
 * attach_filter) and this match, which the module applies to every event
 * and dump entry. A dump socket has no BPF, and a list with IPv6 prefixes
 * none either: without the match those would pass unfiltered. */
#ifndef NFCT_FILTER_H
#define NFCT_FILTER_H

#include <stdbool.h>

#include "nfct-event.h"
#include "nfct-sock.h"

/* Whether a conntrack passes the filters: its protocol is one of protos
 * (if any), its original source and destination in src and dst (if any),
 * and its mark matches mark/mask (if set; an entry without a mark has 0). */
bool nfct_filter_match(const struct nfct_filter_cfg *f, const struct nfct_event *ev);

#endif
