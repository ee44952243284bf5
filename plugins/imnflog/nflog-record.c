/* SPDX-License-Identifier: Apache-2.0 */
#include "nflog-record.h"

static void names(struct nflog_record *r, struct ifcache *ic)
{
	const struct nflog_meta *m = r->meta;

	r->in[0] = r->out[0] = r->physin[0] = r->physout[0] = '\0';
	if (ic == NULL)
		return;
	if (m->has & NFM_INDEV)
		ifcache_name(ic, m->indev, r->in);
	if (m->has & NFM_OUTDEV)
		ifcache_name(ic, m->outdev, r->out);
	if (m->has & NFM_PHYSINDEV)
		ifcache_name(ic, m->physindev, r->physin);
	if (m->has & NFM_PHYSOUTDEV)
		ifcache_name(ic, m->physoutdev, r->physout);
}

int nflog_prepare(struct nflog_work *w, const struct nlmsghdr *nlh, struct ifcache *ic,
		  const struct timeval *now)
{
	bool clean;

	if (nflog_parse(nlh, &w->meta) < 0)
		return -1;
	clean = nfd_decode(&w->pkt, w->meta.family, w->meta.hw_protocol, w->meta.payload,
			   w->meta.payload_len);
	w->decode_error = !clean || w->meta.bad_attrs > 0;
	w->rec.meta = &w->meta;
	w->rec.pkt = &w->pkt;
	/* NFULA_TIMESTAMP is only sent for packets that carry one (not on the
	 * output path before Linux 6.6); sec == 0 means unset, as in ulogd.
	 * nflog_parse dropped (and counted) one out of range. */
	if ((w->meta.has & NFM_TIMESTAMP) && w->meta.ts_sec > 0) {
		w->rec.tv.tv_sec = (time_t)w->meta.ts_sec;
		w->rec.tv.tv_usec = (suseconds_t)w->meta.ts_usec;
	} else {
		w->rec.tv = *now;
	}
	names(&w->rec, ic);
	return 0;
}
