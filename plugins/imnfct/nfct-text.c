#include "nfct-text.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "strbuf.h"

/* conntrack-tools names the process behind a userspace request. A flush
 * brings thousands of events from one port: remember the last answer for
 * a second (ports are process ids, reused only after the process is gone). */
static void progname(uint32_t portid, char *out, size_t size)
{
	static __thread uint32_t last_portid;
	static __thread time_t last_time;
	static __thread char last[64];
	time_t now = time(NULL);
	char path[64];
	FILE *f;

	if (portid != last_portid || now != last_time) {
		last_time = now;
		last[0] = '\0';
		snprintf(path, sizeof(path), "/proc/%u/comm", portid);
		if ((f = fopen(path, "re")) != NULL) {
			if (fgets(last, (int)sizeof(last), f) == NULL)
				last[0] = '\0';
			last[strcspn(last, "\n")] = '\0';
			fclose(f);
		}
		last_portid = portid;
	}
	snprintf(out, size, "%s", last);
}

size_t nfct_text(const struct nlmsghdr *nlh, int type, char *buf, size_t size)
{
	char line[NFCT_TEXT_MAX], prog[64];
	const char *p = line;
	struct nf_conntrack *ct = nfct_new();
	struct strbuf sb;
	int n = -1;

	sb_init(&sb, buf, size);
	if (ct == NULL)
		return 0;
	if (nfct_nlmsg_parse(nlh, ct) >= 0)
		n = nfct_snprintf(line, sizeof(line), ct, (unsigned)type, NFCT_O_DEFAULT,
				  NFCT_OF_SHOW_LAYER3 | NFCT_OF_ID);
	nfct_destroy(ct);
	if (n < 0)
		return 0;
	while (*p == ' ') /* "%9s" alignment of the event name */
		p++;
	sb_puts(&sb, p);
	if (nlh->nlmsg_pid) {
		progname(nlh->nlmsg_pid, prog, sizeof(prog));
		sb_printf(&sb, " [USERSPACE] portid=%u", nlh->nlmsg_pid);
		if (prog[0])
			sb_printf(&sb, " progname=%s", prog);
	}
	return sb.len;
}
