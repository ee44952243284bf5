/* SPDX-License-Identifier: Apache-2.0 */
/* A whole netlink datagram, as imnflog reads it -> message walk ->
 * NFULNL_MSG_PACKET parsing -> decoder -> text and both JSON schemas. */
#include <stdint.h>

#include "fuzz.h"
#include "nflog-fields.h"
#include "nflog-text.h"
#include "nlmsg.h"

static void packet(const struct nlmsghdr *nlh, void *data)
{
	static const struct timeval now = {1700000000, 1};
	struct nflog_work w;
	char text[NFLOG_TEXT_MAX];

	(void)data;
	if (nflog_prepare(&w, nlh, NULL, &now) < 0)
		return;
	check_line(text, nflog_text(&w.rec, 0, text, sizeof(text)));
	check_line(text,
		   nflog_text(&w.rec, NFT_TCPSEQ | NFT_TCPOPT | NFT_IPOPT | NFT_UID | NFT_MACDECODE,
			      text, sizeof(text)));
	for (int s = NF_SCHEMA_ECS; s <= NF_SCHEMA_ULOGD; s++) {
		struct nflog_opts o = {.schema = (enum nf_schema)s, .community_id = true};

		struct fjson_object *j = nflog_fields_json(&w.rec, &o);
		char json[8192];
		bool complete;

		nflog_fields_text(&w.rec, &o, json, sizeof(json), &complete);
		check_same_json(j, json, complete);
		check_json(j);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the module reads into a malloc'ed, aligned buffer */
	uint32_t *buf = malloc(size + 4);

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	nl_datagram_walk(buf, size, packet, NULL);
	free(buf);
	return 0;
}
