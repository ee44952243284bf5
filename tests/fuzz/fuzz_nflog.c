/* SPDX-License-Identifier: Apache-2.0 */
/* A whole netlink datagram, as imnflog reads it -> message walk ->
 * NFULNL_MSG_PACKET parsing -> decoder -> text and both JSON schemas; and
 * each packet into a flood aggregator whose summaries are written the same
 * ways (a threshold of 1: every packet after a key's first is summarized). */
#include <stdint.h>

#include "fuzz.h"
#include "nflog-fields.h"
#include "nflog-summary-msg.h"
#include "nflog-text.h"
#include "nlmsg.h"

static uint64_t offered, logged, summarized;

static void summary(const struct sum_key *key, const char *prefix, const struct sum_stats *st,
		    void *ctx)
{
	struct nflog_summary s = {key, prefix, st, SUM_K_DEFAULT, 1, 10};
	char text[NFLOG_TEXT_MAX];

	(void)ctx;
	summarized += st->packets;
	check_line(text, nflog_summary_text(&s, text, sizeof(text)));
	for (int sc = NF_SCHEMA_ECS; sc <= NF_SCHEMA_ULOGD; sc++) {
		struct nflog_opts o = {.schema = (enum nf_schema)sc, .verdict = "drop"};
		struct fjson_object *j = nflog_summary_json(&s, &o);
		char json[8192];
		bool complete;

		nflog_summary_fields_text(&s, &o, json, sizeof(json), &complete);
		check_same_json(j, json, complete);
		check_json(j);
	}
}

static void packet(const struct nlmsghdr *nlh, void *data)
{
	static const struct timeval now = {1700000000, 1};
	struct sum_table *agg = data;
	struct nflog_work w;
	struct sum_pkt sp;
	char text[NFLOG_TEXT_MAX];

	if (nflog_prepare(&w, nlh, NULL, &now) < 0)
		return;
	nflog_summary_pkt(&w, 1, &sp);
	offered++;
	logged += sum_offer(agg, &sp, 500) == SUM_LOG;
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
	const struct sum_config cfg = {summary, NULL, 1, 10000, 64, SUM_K_DEFAULT, 1};
	struct sum_table *agg = sum_table_new(&cfg);

	if (agg == NULL) {
		free(buf);
		return 0;
	}
	memcpy(buf, data, size);
	offered = logged = summarized = 0;
	nl_datagram_walk(buf, size, packet, agg);
	sum_tick(agg, 20000);
	sum_flush(agg, 20000);
	/* every packet a line or in exactly one summary */
	if (logged + summarized != offered)
		abort();
	sum_table_free(agg);
	free(buf);
	return 0;
}
