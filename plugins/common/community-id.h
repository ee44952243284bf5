/* SPDX-License-Identifier: Apache-2.0 */
/* Community ID flow hashing, version 1 (https://github.com/corelight/community-id-spec),
 * so packet logs join with Zeek, Suricata and Elastic flow records. */
#ifndef COMMUNITY_ID_H
#define COMMUNITY_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COMMUNITY_ID_LEN 31 /* "1:" + 28 base64 characters + NUL */

/* alen is 4 or 16. has_ports: TCP, UDP, SCTP, or ICMP/ICMPv6 with
 * sport = type and dport = code. Writes "1:<base64>" into out. */
void community_id_v1(uint16_t seed, const uint8_t *saddr, const uint8_t *daddr, size_t alen,
		     uint8_t proto, bool has_ports, uint16_t sport, uint16_t dport,
		     char out[COMMUNITY_ID_LEN]);

#endif
