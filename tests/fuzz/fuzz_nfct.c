/* SPDX-License-Identifier: Apache-2.0 */
/* A whole ctnetlink datagram, as imnfct reads it (events and dump
 * replies) -> message walk -> attribute parsing -> the conntrack -E line,
 * both JSON schemas (with and without a start time from the flow table)
 * and the NAT record. */
#include <stdint.h>

#include "fuzz.h"
#include "nfct-fields.h"
#include "nfct-nat.h"
#include "nfct-text.h"
#include "nlmsg.h"

static void event(const struct nlmsghdr *nlh, void *data)
{
	static const struct timeval now = {1700000000, 1}, seen = {1699999990, 7};
	struct nfct_event ev;
	struct nfct_record r = {.ev = &ev, .now = now};
	char text[NFCT_TEXT_MAX], rec[NAT_RECORD_MAX];
	size_t n;

	(void)data;
	for (int dump = 0; dump <= 1; dump++) {
		if (nfct_event_parse(nlh, dump, &ev) < 0)
			return;
		nfct_record_times(&r, dump, &seen);
		check_line(text, nfct_text(&ev, now.tv_sec, text, sizeof(text)));
		/* without and with a time the socket was last seen empty */
		for (int64_t after = -1; after <= 1699999995000; after += 1699999995001)
			if ((n = nat_event_record(&r, dump, after, rec, sizeof(rec))) > 0)
				check_line(rec, n);
		for (int s = NF_SCHEMA_ECS; s <= NF_SCHEMA_ULOGD; s++) {
			struct nfct_opts o = {.schema = (enum nf_schema)s, .community_id = true};

			struct fjson_object *j = nfct_fields_json(&r, &o);
			char json[8192];
			bool complete;

			nfct_fields_text(&r, &o, json, sizeof(json), &complete);
			check_same_json(j, json, complete);
			check_json(j);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t *buf = malloc(size + 4);

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	nl_datagram_walk(buf, size, event, NULL);
	free(buf);
	return 0;
}
