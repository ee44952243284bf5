/* SPDX-License-Identifier: Apache-2.0 */
/* ctnetlink event messages: include/uapi/linux/netfilter/nfnetlink_conntrack.h,
 * net/netfilter/nf_conntrack_netlink.c ctnetlink_conntrack_event(). */
#include "nfct-event.h"

#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

int nfct_event_parse(const struct nlmsghdr *nlh, bool dump, struct nfct_event *ev)
{
	const struct nfgenmsg *nfg;
	uint16_t type = nlh->nlmsg_type;

	if ((type >> 8) != NFNL_SUBSYS_CTNETLINK || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)))
		return -1;
	switch (type & 0xff) {
	case IPCTNL_MSG_CT_DELETE:
		ev->type = NFCT_EV_DESTROY;
		break;
	case IPCTNL_MSG_CT_NEW:
		/* the kernel flags a new entry NLM_F_CREATE|NLM_F_EXCL */
		ev->type = !dump && (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL))
				   ? NFCT_EV_NEW
				   : NFCT_EV_UPDATE;
		break;
	default:
		return -1;
	}
	nfg = mnl_nlmsg_get_payload(nlh);
	ev->family = nfg->nfgen_family;
	ev->portid = dump ? 0 : nlh->nlmsg_pid;
	ct_parse(mnl_nlmsg_get_payload_offset(nlh, sizeof(*nfg)),
		 mnl_nlmsg_get_payload_len(nlh) - MNL_ALIGN(sizeof(*nfg)), &ev->ct);
	return 0;
}

const char *nfct_event_action(enum nfct_evtype type)
{
	switch (type) {
	case NFCT_EV_NEW:
		return "conntrack-new";
	case NFCT_EV_UPDATE:
		return "conntrack-update";
	default:
		return "conntrack-destroy";
	}
}
