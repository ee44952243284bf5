/* SPDX-License-Identifier: Apache-2.0 */
#include "nfct-filter.h"

static bool proto_listed(const struct nfct_filter_cfg *f, const struct ct_tuple *t)
{
	if (f->nprotos == 0)
		return true;
	if (!t->has_proto)
		return false;
	for (int i = 0; i < f->nprotos; i++)
		if (f->protos[i] == t->proto)
			return true;
	return false;
}

bool nfct_filter_match(const struct nfct_filter_cfg *f, const struct nfct_event *ev)
{
	const struct ct_info *ct = &ev->ct;
	uint32_t mark = (ct->has & CTH_MARK) ? ct->mark : 0;

	if (!proto_listed(f, &ct->orig))
		return false;
	if (f->nsrc && !nfct_cidr_match(f->src, f->nsrc, ev->family, ct->orig.src))
		return false;
	if (f->ndst && !nfct_cidr_match(f->dst, f->ndst, ev->family, ct->orig.dst))
		return false;
	if (f->has_mark && (mark & f->mark_mask) != f->mark)
		return false;
	return true;
}
