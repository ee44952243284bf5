/* SPDX-License-Identifier: Apache-2.0 */
/* Raw packet bytes -> decoder -> kernel LOG text (all flag sets) and both
 * JSON schemas. The first four bytes choose the logging family, the skb
 * protocol and the link type, so every family and link type is reached:
 *   byte 0: NFPROTO family, byte 1-2: ethertype, byte 3: link type (bit 0
 *   Ethernet header or another one, bit 1 a VLAN tag, bits 2-7 the length
 *   of a prefix taken from the bytes that follow). */
#include <stdint.h>

#include "fuzz.h"
#include "nflog-fields.h"
#include "nflog-text.h"

static const uint8_t ETH[14] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0};
static const uint8_t SIT[20] = {0x45, 0, 0,   20, 0, 0, 0,   0, 64, 41,
				0,    0, 192, 0,  2, 1, 192, 0, 2,  2};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned flags[] = {0, NFT_TCPSEQ | NFT_TCPOPT | NFT_IPOPT | NFT_UID |
						    NFT_MACDECODE};
	struct nflog_meta m;
	struct nfd_packet pkt;
	struct nflog_record r = {.meta = &m, .pkt = &pkt, .tv = {1700000000, 1}};
	char text[NFLOG_TEXT_MAX];
	size_t plen;

	if (size < 4)
		return 0;
	plen = (size_t)(data[3] >> 2) < size - 4 ? (size_t)(data[3] >> 2) : size - 4;
	memset(&m, 0, sizeof(m));
	m.family = data[0];
	m.hw_protocol = (uint16_t)(data[1] << 8 | data[2]);
	m.has = NFM_INDEV | NFM_HWHEADER | NFM_UID | NFM_GID | NFM_PAYLOAD;
	m.indev = 2;
	m.uid = m.gid = 1000;
	m.mark = data[3];
	m.hwtype = (data[3] & 1) ? 1 : 776;
	m.hwheader = (data[3] & 1) ? ETH : SIT;
	m.hwheader_len = (data[3] & 1) ? sizeof(ETH) : sizeof(SIT);
	if (data[3] & 2) {
		m.has |= NFM_VLAN;
		m.vlan_proto = 0x8100;
		m.vlan_tci = (uint16_t)(data[1] << 8 | data[3]);
	}
	data += 4;
	size -= 4;
	safe_text(m.prefix, sizeof(m.prefix), (const char *)data, plen);
	m.payload = data + plen;
	m.payload_len = size - plen;
	nfd_decode(&pkt, m.family, m.hw_protocol, m.payload, m.payload_len);
	snprintf(r.in, sizeof(r.in), "eth0");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		check_line(text, nflog_text(&r, flags[i], text, sizeof(text)));
	for (int s = NF_SCHEMA_ECS; s <= NF_SCHEMA_ULOGD; s++) {
		struct nflog_opts o = {
			.schema = (enum nf_schema)s, .verdict = "drop", .community_id = true};

		struct fjson_object *j = nflog_fields_json(&r, &o);
		char json[8192];
		bool complete;

		nflog_fields_text(&r, &o, json, sizeof(json), &complete);
		check_same_json(j, json, complete);
		check_json(j);
	}
	return 0;
}
