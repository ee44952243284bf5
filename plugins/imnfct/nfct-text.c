/* SPDX-License-Identifier: Apache-2.0 */
#include "nfct-text.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "jemit.h"
#include "safetext.h"
#include "strbuf.h"

enum {
	P_ICMP = 1,
	P_TCP = 6,
	P_UDP = 17,
	P_DCCP = 33,
	P_GRE = 47,
	P_ICMPV6 = 58,
	P_SCTP = 132,
	P_UDPLITE = 136,
};

/* l3proto2str and proto2str of libnetfilter_conntrack's snprintf.c */
static const char *l3_name(uint8_t family)
{
	return family == AF_INET ? "ipv4" : family == AF_INET6 ? "ipv6" : "unknown";
}

const char *nfct_l4_name(uint8_t proto)
{
	switch (proto) {
	case P_TCP:
		return "tcp";
	case P_UDP:
		return "udp";
	case P_UDPLITE:
		return "udplite";
	case P_ICMP:
		return "icmp";
	case P_ICMPV6:
		return "icmpv6";
	case P_SCTP:
		return "sctp";
	case P_GRE:
		return "gre";
	case P_DCCP:
		return "dccp";
	default:
		return "unknown";
	}
}

/* conntrack prints the addresses of the message's family (nfgen_family) */
static void text_addrs(struct strbuf *sb, const struct ct_tuple *t, uint8_t family)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	int af = t->l3 == 4 ? AF_INET : AF_INET6;

	if (t->l3 == 0 || af != family)
		return;
	if (af == AF_INET) {
		je_fmt_ipv4(src, t->src);
		je_fmt_ipv4(dst, t->dst);
	} else if (!inet_ntop(af, t->src, src, sizeof(src)) ||
		   !inet_ntop(af, t->dst, dst, sizeof(dst))) {
		return;
	}
	sb_puts(sb, "src=");
	sb_puts(sb, src);
	sb_puts(sb, " dst=");
	sb_puts(sb, dst);
	sb_putn(sb, " ", 1);
}

static void text_l4(struct strbuf *sb, const struct ct_tuple *t)
{
	switch (t->proto) {
	case P_TCP:
	case P_UDP:
	case P_UDPLITE:
	case P_SCTP:
	case P_DCCP:
		sb_kv(sb, "sport=", t->sport);
		sb_kv(sb, "dport=", t->dport);
		break;
	case P_GRE: /* the keys travel as the tuple's ports */
		sb_printf(sb, "srckey=0x%x dstkey=0x%x ", t->sport, t->dport);
		break;
	case P_ICMP:
	case P_ICMPV6:
		sb_printf(sb, "type=%d code=%d id=%d ", t->icmp_type, t->icmp_code, t->icmp_id);
		break;
	default:
		break;
	}
}

/* One direction: addresses, ports, tuple zone, counters. */
static void text_tuple(struct strbuf *sb, const struct ct_tuple *t, const struct ct_counters *c,
		       uint8_t family, const char *dir)
{
	text_addrs(sb, t, family);
	text_l4(sb, t);
	if (t->has_zone)
		sb_printf(sb, "zone-%s=%u ", dir, t->zone);
	if (c->packets_set && c->bytes_set) {
		sb_kv(sb, "packets=", c->packets);
		sb_kv(sb, "bytes=", c->bytes);
	}
}

static void text_head(struct strbuf *sb, const struct nfct_event *ev)
{
	static const char *const label[] = {[NFCT_EV_NEW] = "[NEW] ",
					    [NFCT_EV_UPDATE] = "[UPDATE] ",
					    [NFCT_EV_DESTROY] = "[DESTROY] "};
	const struct ct_info *ct = &ev->ct;

	sb_puts(sb, label[ev->type]);
	if (ct->has & CTH_ORIG)
		sb_printf(sb, "%-8s %u ", l3_name(ev->family), ev->family);
	if (ct->orig.has_proto)
		sb_printf(sb, "%-8s %u ", nfct_l4_name(ct->orig.proto), ct->orig.proto);
	if (ct->has & CTH_TIMEOUT)
		sb_kv(sb, "", ct->timeout);
	if (ct->has & CTH_TCP_STATE)
		sb_printf(sb, "%s ", ct_tcp_state_name(ct->tcp_state));
	if (ct->has & CTH_SCTP_STATE)
		sb_printf(sb, "%s ", ct_sctp_state_name(ct->sctp_state));
	if (ct->has & CTH_DCCP_STATE)
		sb_printf(sb, "%s ", ct_dccp_state_name(ct->dccp_state));
}

/* Status words: UNREPLIED after the original tuple, the strongest of
 * HW_OFFLOAD, OFFLOAD, ASSURED after the reply tuple. */
static const char *assured_word(uint32_t status)
{
	if (status & CT_HW_OFFLOAD)
		return "[HW_OFFLOAD] ";
	if (status & CT_OFFLOAD)
		return "[OFFLOAD] ";
	return (status & CT_ASSURED) ? "[ASSURED] " : "";
}

static void text_tail(struct strbuf *sb, const struct ct_info *ct, time_t now)
{
	if (ct->has & CTH_MARK)
		sb_kv(sb, "mark=", ct->mark);
	if (ct->has & CTH_SECMARK)
		sb_printf(sb, "secmark=%u ", ct->secmark);
	if (ct->has & CTH_SECCTX)
		sb_printf(sb, "secctx=%s ", ct->secctx);
	if (ct->has & CTH_ZONE)
		sb_printf(sb, "zone=%u ", ct->zone);
	if (ct->has & CTH_START) {
		/* seconds, as time_t arithmetic in conntrack; a live flow
		 * (no stop) counts to now */
		long long start = (long long)(ct->start_ns / 1000000000u);
		long long stop = (ct->has & CTH_STOP) && ct->stop_ns
					 ? (long long)(ct->stop_ns / 1000000000u)
					 : (long long)now;

		sb_printf(sb, "delta-time=%llu ", (unsigned long long)(stop - start));
	}
	if (ct->has & CTH_HELPER)
		sb_printf(sb, "helper=%s ", ct->helper);
	if (ct->has & CTH_USE)
		sb_kv(sb, "use=", ct->use);
	if (ct->has & CTH_ID)
		sb_kv(sb, "id=", ct->id);
}

/* conntrack-tools names the process behind a userspace request. A flush
 * brings thousands of events from one port: remember the last answer for
 * a second (ports are process ids, reused only after the process is gone). */
static void progname(uint32_t portid, time_t now, char *out, size_t size)
{
	static __thread uint32_t last_portid;
	static __thread time_t last_time;
	static __thread char last[SAFE_TEXT_SIZE(64)];
	char path[64], comm[64];
	FILE *f;

	if (portid != last_portid || now != last_time) {
		last_time = now;
		last[0] = '\0';
		snprintf(path, sizeof(path), "/proc/%u/comm", portid);
		if ((f = fopen(path, "re")) != NULL) {
			if (fgets(comm, (int)sizeof(comm), f) != NULL)
				safe_text(last, sizeof(last), comm, strcspn(comm, "\n"));
			fclose(f);
		}
		last_portid = portid;
	}
	snprintf(out, size, "%s", last);
}

size_t nfct_text(const struct nfct_event *ev, time_t now, char *buf, size_t size)
{
	const struct ct_info *ct = &ev->ct;
	char prog[SAFE_TEXT_SIZE(64)];
	struct strbuf sb;

	sb_init(&sb, buf, size);
	text_head(&sb, ev);
	text_tuple(&sb, &ct->orig, &ct->counters[0], ev->family, "orig");
	if ((ct->has & CTH_STATUS) && !(ct->status & CT_SEEN_REPLY))
		sb_puts(&sb, "[UNREPLIED] ");
	text_tuple(&sb, &ct->reply, &ct->counters[1], ev->family, "reply");
	if (ct->has & CTH_STATUS)
		sb_puts(&sb, assured_word(ct->status));
	text_tail(&sb, ct, now);
	/* conntrack deletes the last blank */
	if (sb.len && !sb.full && buf[sb.len - 1] == ' ')
		buf[--sb.len] = '\0';
	if (ev->portid) {
		progname(ev->portid, now, prog, sizeof(prog));
		sb_printf(&sb, " [USERSPACE] portid=%u", ev->portid);
		if (prog[0])
			sb_printf(&sb, " progname=%s", prog);
	}
	return sb.len;
}
