/* SPDX-License-Identifier: Apache-2.0 */
/* imnfct: conntrack events (NEW, UPDATE, DESTROY) as an rsyslog input.
 *
 * One input thread serves every input() of the module: it polls the event
 * sockets and the sockets of table dumps under way, reads each readable
 * one without blocking, at most DRAIN_MAX datagrams a round so that no
 * socket (and no dump of a large table) starves the others or the shutdown
 * flag, and submits one message per event. Parsing, fields and text live
 * in plain C files; this file is the glue.
 *
 * Concurrency: all runtime state belongs to the input thread; rsyslog's
 * main thread touches it only before runInput starts and after it ends.
 */
#include "rsyslog-abi.h"

#include "rsyslog.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <json.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>

#include "datetime.h"
#include "dirty.h"
#include "errmsg.h"
#include "glbl.h"
#include "module-template.h"
#include "msg.h"
#include "parserif.h"
#include "prop.h"
#include "ratelimit.h"
#include "rsconf.h"
#include "ruleset.h"
#include "statsobj.h"
#include "unicode-helper.h"

#include "netns.h"
#include "nlmsg.h"
#include "rsyslog-guard.h"
#include "nfct-event.h"
#include "nfct-fields.h"
#include "nfct-filter.h"
#include "nfct-nat.h"
#include "nfct-sock.h"
#include "nfct-table.h"
#include "nfct-text.h"
#include "rcvbuf.h"
#include "spool.h"

MODULE_TYPE_INPUT
/* field names are static strings referenced by queued messages' JSON */
MODULE_TYPE_KEEP
MODULE_CNFNAME("imnfct")

DEF_IMOD_STATIC_DATA
DEFobjCurrIf(glbl)
DEFobjCurrIf(prop)
DEFobjCurrIf(ruleset)
DEFobjCurrIf(datetime)
DEFobjCurrIf(statsobj)

#define READ_BUF_SIZE (256 * 1024)
#define POLL_MS	      250 /* well below inputs.timeout.shutdown (1 s) */
#define BATCH_MAX     256
#define MAX_INPUTS    64
#define DRAIN_MAX     64 /* datagrams per socket per round: fairness, shutdown */
#define RCVBUF_MIN    (64 << 20)
#define NAT_SAVE_MS   1000  /* how often the time of the last NAT record is saved */
#define RESYNC_MIN_MS 10000 /* resync dumps at most this often */
#define IDLE_HINT_MS  10000 /* no event this long after an empty start: say why */

/* The NAT record stream of an input (nat.ruleset): its records go in
 * batches of their own (rsyslog puts a whole batch on the queue of its
 * first message's ruleset), its markers come from the state machine of
 * nfct-nat.h, whose state line is kept in the work directory. */
struct nat_out {
	char *ruleset_name;
	ruleset_t *ruleset; /* NULL: no NAT records */
	int state_fd;	    /* workDirectory/imnfct-nat.RULESET.NETNS.ZONE.state */
	int64_t saved_at;   /* when the state line was last stored, monotonic ms */
	bool saved_gap;	    /* the stored line has a gap open */
	struct nat_stream st;
	multi_submit_t multisub;
	smsg_t *batch[BATCH_MAX];
};

struct instanceConf_s {
	/* configuration */
	unsigned events; /* NFCT_EV_* bits */
	uchar *pszBindRuleset;
	ruleset_t *pBindRuleset;
	char *tag, *device, *netns;
	int facility, severity;
	struct nfct_opts opts;
	bool msg_json;		 /* msg.format="json": msg is the fields' JSON document */
	struct je_fields fields; /* the $! tree: all, none or some fields */
	int rcvbuf, rcvbuf_max;
	bool reliable, dump, set_sysctls, nat_only;
	int family; /* 0, AF_INET or AF_INET6 */
	int zone;   /* -1: any */
	struct nfct_filter_cfg filter;
	size_t table_size;
	struct nat_out nat;
	struct im_stop stop; /* what a stop read and could not read */
	bool empty_start;    /* the namespace's table was empty at start, no hint given yet */
	int64_t started;     /* when the input started, monotonic ms */
	bool grow_refused;   /* a grow of the buffer was refused, and said so */
	/* runtime */
	bool active;
	struct nfct_sock sock;
	bool dump_ok;		 /* the dump socket opened */
	struct nfct_dump dumper; /* start-up dump and resyncs */
	bool reporting;		 /* the dump under way is the start-up one */
	bool resync;		 /* a resync is due: maybe_resync starts it */
	int64_t resync_at;	 /* when the last resync started, ms; 0: none yet */
	struct nfct_table table;
	uint64_t foreign_seen, truncated_seen; /* what the counters hold already */
	uint32_t drops_seen;		       /* the event socket's sk_drops, counted */
	int64_t empty_at; /* the event socket seen empty since the last look, ms; -1: not */
	multi_submit_t multisub;
	smsg_t *batch[BATCH_MAX];
	statsobj_t *stats;
	STATSCOUNTER_DEF(ctrReceived, mutCtrReceived)
	STATSCOUNTER_DEF(ctrSubmitted, mutCtrSubmitted)
	STATSCOUNTER_DEF(ctrFiltered, mutCtrFiltered)
	STATSCOUNTER_DEF(ctrParseErrors, mutCtrParseErrors)
	STATSCOUNTER_DEF(ctrKernelDrops, mutCtrKernelDrops)
	STATSCOUNTER_DEF(ctrOverruns, mutCtrOverruns)
	STATSCOUNTER_DEF(ctrResyncs, mutCtrResyncs)
	STATSCOUNTER_DEF(ctrEvictions, mutCtrEvictions)
	STATSCOUNTER_DEF(ctrNlErrors, mutCtrNlErrors)
	STATSCOUNTER_DEF(ctrForeign, mutCtrForeign)
	STATSCOUNTER_DEF(ctrBlockedMs, mutCtrBlockedMs)
	STATSCOUNTER_DEF(ctrJsonCut, mutCtrJsonCut)
	STATSCOUNTER_DEF(ctrNatRecords, mutCtrNatRecords)
	STATSCOUNTER_DEF(ctrNatGaps, mutCtrNatGaps)
	struct instanceConf_s *next;
};

struct modConfData_s {
	rsconf_t *pConf;
	instanceConf_t *root, *tail;
	enum im_stop_state stopping;
};

static modConfData_t *loadModConf;
static modConfData_t *runModConf;
static prop_t *pInputName;
static uint8_t *readbuf;

static struct cnfparamdescr inppdescr[] = {
	{"events", eCmdHdlrArray, 0},
	{"ruleset", eCmdHdlrString, 0},
	{"tag", eCmdHdlrString, 0},
	{"facility", eCmdHdlrFacility, 0},
	{"severity", eCmdHdlrSeverity, 0},
	{"schema", eCmdHdlrGetWord, 0},
	{"device", eCmdHdlrString, 0},
	{"netns", eCmdHdlrString, 0},
	{"rcvbuf", eCmdHdlrSize, 0},
	{"rcvbuf.max", eCmdHdlrSize, 0},
	{"reliable", eCmdHdlrBinary, 0},
	{"dump", eCmdHdlrBinary, 0},
	{"sysctl", eCmdHdlrBinary, 0},
	{"family", eCmdHdlrGetWord, 0},
	{"protocols", eCmdHdlrArray, 0},
	{"src", eCmdHdlrArray, 0},
	{"dst", eCmdHdlrArray, 0},
	{"zone", eCmdHdlrNonNegInt, 0},
	{"mark", eCmdHdlrGetWord, 0},
	{"nat_only", eCmdHdlrBinary, 0},
	{"flowtable.size", eCmdHdlrPositiveInt, 0},
	{"community_id", eCmdHdlrBinary, 0},
	{"community_id.seed", eCmdHdlrNonNegInt, 0},
	{"msg.format", eCmdHdlrGetWord, 0},
	{"fields", eCmdHdlrArray, 0},
	{"nat.ruleset", eCmdHdlrString, 0},
	{"stop.maxmemory", eCmdHdlrSize, 0},
};
static struct cnfparamblk inppblk = {CNFPARAMBLK_VERSION,
				     sizeof(inppdescr) / sizeof(struct cnfparamdescr), inppdescr};

#include "im-helper.h"
#include "im-glue.h"

static void std_checkRuleset_genErrMsg(__attribute__((unused)) modConfData_t *modConf,
				       instanceConf_t *inst)
{
	LogError(0, NO_ERRCODE, "imnfct: ruleset '%s' not found - using default ruleset instead",
		 inst->pszBindRuleset);
}

/* A conntrack zone and a Community ID seed are 16-bit numbers (CTA_ZONE;
 * the Community ID spec's seed): a larger one is a typo, not a wish. */
static rsRetVal check_u16(const char *name, long long n)
{
	if (n <= 65535)
		return RS_RET_OK;
	parser_errmsg("imnfct: %s %lld is out of range: 0 to 65535", name, n);
	return RS_RET_PARAM_ERROR;
}

static rsRetVal add_event(void *ctx, const char *w)
{
	instanceConf_t *inst = ctx;

	if (strcmp(w, "new") == 0)
		inst->events |= NFCT_EV_NEW;
	else if (strcmp(w, "update") == 0)
		inst->events |= NFCT_EV_UPDATE;
	else if (strcmp(w, "destroy") == 0)
		inst->events |= NFCT_EV_DESTROY;
	else {
		parser_errmsg("imnfct: events value '%s' unknown; use new, update or destroy", w);
		return RS_RET_PARAM_ERROR;
	}
	return RS_RET_OK;
}

static rsRetVal add_protocol(void *ctx, const char *w)
{
	static const struct {
		const char *name;
		uint8_t num;
	} names[] = {{"icmp", 1}, {"tcp", 6},	  {"udp", 17},	 {"dccp", 33},
		     {"gre", 47}, {"icmpv6", 58}, {"sctp", 132}, {"udplite", 136}};
	instanceConf_t *inst = ctx;

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strcmp(w, names[k].name) == 0 && inst->filter.nprotos < NFCT_MAX_PROTO) {
			inst->filter.protos[inst->filter.nprotos++] = names[k].num;
			return RS_RET_OK;
		}
	parser_errmsg("imnfct: protocols value '%s' unknown (icmp, tcp, udp, dccp, gre, icmpv6, "
		      "sctp, udplite), or more than %d",
		      w, NFCT_MAX_PROTO);
	return RS_RET_PARAM_ERROR;
}

struct cidr_list {
	const char *param;
	struct nfct_cidr *out;
	int *n;
};

static rsRetVal add_cidr(void *ctx, const char *w)
{
	struct cidr_list *l = ctx;

	if (*l->n == NFCT_MAX_CIDR || !nfct_parse_cidr(w, &l->out[*l->n])) {
		parser_errmsg("imnfct: %s value '%s' is not an address or CIDR (10.0.0.0/8, "
			      "fd00::/8), or more than %d",
			      l->param, w, NFCT_MAX_CIDR);
		return RS_RET_PARAM_ERROR;
	}
	(*l->n)++;
	return RS_RET_OK;
}

static rsRetVal parse_mark(instanceConf_t *inst, const char *w)
{
	char *end;
	unsigned long v = strtoul(w, &end, 0), m = 0xffffffffUL;

	if (end != w && *end == '/')
		m = strtoul(end + 1, &end, 0);
	if (end == w || *end != '\0' || v > 0xffffffffUL || m > 0xffffffffUL) {
		parser_errmsg("imnfct: mark=\"%s\" is not VALUE or VALUE/MASK", w);
		return RS_RET_PARAM_ERROR;
	}
	inst->filter.has_mark = true;
	inst->filter.mark = (uint32_t)v;
	inst->filter.mark_mask = (uint32_t)m;
	return RS_RET_OK;
}

static void inst_defaults(instanceConf_t *inst)
{
	inst->events = NFCT_EV_NEW | NFCT_EV_DESTROY;
	inst->facility = 3 << 3; /* daemon */
	inst->severity = 6;	 /* info */
	inst->opts.schema = NF_SCHEMA_ECS;
	inst->fields.sel.all = true;
	inst->rcvbuf = 0; /* from nf_conntrack_max (auto_rcvbuf) */
	inst->rcvbuf_max = 1 << 30;
	inst->zone = -1;
	inst->table_size = 262144;
	inst->nat.state_fd = -1;
}

static rsRetVal apply_param(instanceConf_t *inst, const char *name, struct cnfparamvals *v)
{
	static const char *const schemas[] = {"ecs", "ulogd", NULL};
	static const char *const msgformats[] = {"conntrack", "json", NULL};
	static const char *const families[] = {"any", "ipv4", "ipv6", NULL};
	static const int family_af[] = {0, AF_INET, AF_INET6};
	char *w = NULL;
	int idx;
	DEFiRet;

	if (!strcmp(name, "events")) {
		inst->events = 0;
		CHKiRet(im_array_words(v->val.d.ar, add_event, inst));
	} else if (!strcmp(name, "ruleset")) {
		inst->pszBindRuleset = (uchar *)im_estr_dup(v);
	} else if (!strcmp(name, "tag")) {
		inst->tag = im_estr_dup(v);
	} else if (!strcmp(name, "facility")) {
		inst->facility = (int)v->val.d.n;
	} else if (!strcmp(name, "severity")) {
		inst->severity = (int)v->val.d.n;
	} else if (!strcmp(name, "schema")) {
		w = im_estr_dup(v);
		CHKiRet(im_parse_choice("imnfct", name, w, schemas, &idx));
		inst->opts.schema = (enum nf_schema)idx;
	} else if (!strcmp(name, "device")) {
		inst->device = im_estr_dup(v);
	} else if (!strcmp(name, "netns")) {
		inst->netns = im_estr_dup(v);
	} else if (!strcmp(name, "rcvbuf")) {
		inst->rcvbuf = v->val.d.n > (1 << 30) ? (1 << 30) : (int)v->val.d.n;
	} else if (!strcmp(name, "rcvbuf.max")) {
		inst->rcvbuf_max = v->val.d.n > (1 << 30) ? (1 << 30) : (int)v->val.d.n;
	} else if (!strcmp(name, "stop.maxmemory")) {
		inst->stop.spool.limit = (size_t)v->val.d.n;
	} else if (!strcmp(name, "reliable")) {
		inst->reliable = v->val.d.n != 0;
	} else if (!strcmp(name, "dump")) {
		inst->dump = v->val.d.n != 0;
	} else if (!strcmp(name, "sysctl")) {
		inst->set_sysctls = v->val.d.n != 0;
	} else if (!strcmp(name, "family")) {
		w = im_estr_dup(v);
		CHKiRet(im_parse_choice("imnfct", name, w, families, &idx));
		inst->family = family_af[idx];
	} else if (!strcmp(name, "protocols")) {
		CHKiRet(im_array_words(v->val.d.ar, add_protocol, inst));
	} else if (!strcmp(name, "src")) {
		struct cidr_list l = {name, inst->filter.src, &inst->filter.nsrc};

		CHKiRet(im_array_words(v->val.d.ar, add_cidr, &l));
	} else if (!strcmp(name, "dst")) {
		struct cidr_list l = {name, inst->filter.dst, &inst->filter.ndst};

		CHKiRet(im_array_words(v->val.d.ar, add_cidr, &l));
	} else if (!strcmp(name, "zone")) {
		CHKiRet(check_u16(name, v->val.d.n));
		inst->zone = (int)v->val.d.n;
	} else if (!strcmp(name, "mark")) {
		w = im_estr_dup(v);
		CHKiRet(parse_mark(inst, w));
	} else if (!strcmp(name, "nat_only")) {
		inst->nat_only = v->val.d.n != 0;
	} else if (!strcmp(name, "flowtable.size")) {
		inst->table_size = (size_t)v->val.d.n;
	} else if (!strcmp(name, "community_id")) {
		inst->opts.community_id = v->val.d.n != 0;
	} else if (!strcmp(name, "community_id.seed")) {
		CHKiRet(check_u16(name, v->val.d.n));
		inst->opts.community_id_seed = (uint16_t)v->val.d.n;
	} else if (!strcmp(name, "msg.format")) {
		w = im_estr_dup(v);
		CHKiRet(im_parse_choice("imnfct", name, w, msgformats, &idx));
		inst->msg_json = idx == 1;
	} else if (!strcmp(name, "fields")) {
		inst->fields.sel.all = false;
		CHKiRet(im_array_words(v->val.d.ar, im_fields_word, &inst->fields));
	} else if (!strcmp(name, "nat.ruleset")) {
		inst->nat.ruleset_name = im_estr_dup(v);
	}
finalize_it:
	free(w);
	RETiRet;
}

static void free_inst(instanceConf_t *inst)
{
	free(inst->pszBindRuleset);
	free(inst->tag);
	free(inst->device);
	free(inst->netns);
	free(inst->fields.names);
	free(inst->nat.ruleset_name);
	free(inst);
}

BEGINnewInpInst
	struct cnfparamvals *pvals;
	instanceConf_t *inst = NULL;
	CODESTARTnewInpInst
	if ((pvals = nvlstGetParams(lst, &inppblk, NULL)) == NULL)
		ABORT_FINALIZE(RS_RET_MISSING_CNFPARAMS);
	CHKmalloc(inst = calloc(1, sizeof(*inst)));
	inst_defaults(inst);
	for (int i = 0; i < inppblk.nParams; ++i) {
		if (pvals[i].bUsed)
			CHKiRet(apply_param(inst, inppblk.descr[i].name, &pvals[i]));
	}
	CHKiRet(im_fields_resolve("imnfct", &inst->fields, &nfct_table, inst->opts.schema));
	inst->opts.select = &inst->fields.sel;
	if (inst->events == 0) {
		parser_errmsg("imnfct: events is empty; use new, update and/or destroy");
		ABORT_FINALIZE(RS_RET_PARAM_ERROR);
	}
	inst->opts.device = inst->device
				    ? inst->device
				    : (inst->opts.schema == NF_SCHEMA_ULOGD ? "Netfilter" : NULL);
	if (loadModConf->tail == NULL)
		loadModConf->root = inst;
	else
		loadModConf->tail->next = inst;
	loadModConf->tail = inst;
	inst = NULL;
finalize_it:
	if (inst)
		free_inst(inst);
	CODE_STD_FINALIZERnewInpInst
	cnfparamvalsDestruct(pvals, &inppblk);
ENDnewInpInst

BEGINbeginCnfLoad
	CODESTARTbeginCnfLoad
	loadModConf = pModConf;
	pModConf->pConf = pConf;
ENDbeginCnfLoad

BEGINendCnfLoad
	CODESTARTendCnfLoad
	loadModConf = NULL;
ENDendCnfLoad

static rsRetVal check_netns(const instanceConf_t *inst)
{
	char path[4096];

	if (inst->netns == NULL || inst->netns[0] == '\0')
		return RS_RET_OK;
	netns_path(inst->netns, path, sizeof(path));
	if (access(path, R_OK) == 0)
		return RS_RET_OK;
	LogError(errno, RS_RET_PARAM_ERROR, "imnfct: network namespace '%s' not found at %s",
		 inst->netns, path);
	return RS_RET_PARAM_ERROR;
}

/* One input per NAT record stream: the markers of one input say nothing
 * of another's events (an S of one would "prove" the end of the other's
 * mapping). The stream's state (since when its records are complete, an
 * open gap) must outlive a restart or a crash: without it the next start
 * could only say "records are missing since an unknown time". */
static rsRetVal check_nat_stream(modConfData_t *conf, instanceConf_t *inst)
{
	const char *name = inst->nat.ruleset_name;
	const char *dir = (const char *)glbl.GetWorkDir(conf->pConf);

	for (instanceConf_t *o = conf->root; o != inst; o = o->next) {
		if (o->nat.ruleset_name && strcmp(o->nat.ruleset_name, name) == 0) {
			LogError(0, RS_RET_PARAM_ERROR,
				 "imnfct: nat.ruleset '%s' is given to two inputs: each input's "
				 "NAT records need a ruleset of their own (a record stream's "
				 "markers speak for one input's events only)",
				 name);
			return RS_RET_PARAM_ERROR;
		}
	}
	if (dir == NULL || dir[0] == '\0') {
		LogError(0, RS_RET_PARAM_ERROR,
			 "imnfct: nat.ruleset '%s' needs a work directory "
			 "(global(workDirectory=...)) "
			 "to keep its stream's state across restarts",
			 name);
		return RS_RET_PARAM_ERROR;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		LogError(errno, RS_RET_PARAM_ERROR,
			 "imnfct: nat.ruleset '%s': the work directory %s is not writable, and the "
			 "stream's state is kept there",
			 name, dir);
		return RS_RET_PARAM_ERROR;
	}
	return RS_RET_OK;
}

static rsRetVal check_nat_ruleset(modConfData_t *conf, instanceConf_t *inst)
{
	const char *name = inst->nat.ruleset_name;

	if (name == NULL)
		return RS_RET_OK;
	if (!(inst->events & NFCT_EV_DESTROY)) {
		LogError(0, RS_RET_PARAM_ERROR,
			 "imnfct: nat.ruleset '%s' needs the destroy events: a mapping's end and "
			 "its kernel times come with its DESTROY (add \"destroy\" to events)",
			 name);
		return RS_RET_PARAM_ERROR;
	}
	if (ruleset.GetRuleset(conf->pConf, &inst->nat.ruleset, (uchar *)name) != RS_RET_OK) {
		LogError(0, RS_RET_PARAM_ERROR, "imnfct: nat.ruleset '%s' is not defined", name);
		return RS_RET_PARAM_ERROR;
	}
	return check_nat_stream(conf, inst);
}

BEGINcheckCnf
	instanceConf_t *inst;
	int n = 0;
	CODESTARTcheckCnf
	for (inst = pModConf->root; inst != NULL; inst = inst->next) {
		std_checkRuleset(pModConf, inst);
		CHKiRet(check_netns(inst));
		CHKiRet(check_nat_ruleset(pModConf, inst));
		if (++n > MAX_INPUTS) {
			LogError(0, RS_RET_PARAM_ERROR, "imnfct: at most %d inputs", MAX_INPUTS);
			ABORT_FINALIZE(RS_RET_PARAM_ERROR);
		}
	}
	if (pModConf->root == NULL) {
		LogError(
			0, RS_RET_NO_LISTNERS,
			"imnfct: module loaded, but no input() defined - no events will be logged");
		iRet = RS_RET_NO_LISTNERS;
	}
finalize_it:
ENDcheckCnf

/* In plain words what the kernel will not report, checked in the input's
 * namespace (net/netfilter/nf_conntrack_standalone.c sysctls). */
static void check_kernel(instanceConf_t *inst, struct nfct_sysctls *sys)
{
	struct nfct_sysctls s;
	const char *ns = inst->netns ? inst->netns : "rsyslogd's own";

	if (inst->set_sysctls && nfct_write_sysctls() < 0)
		LogError(errno, RS_RET_ERR,
			 "imnfct: cannot set nf_conntrack_events, _acct and "
			 "_timestamp to 1 in namespace %s",
			 ns);
	nfct_read_sysctls(&s);
	if (s.events == 2)
		LogMsg(0, RS_RET_OK, LOG_WARNING,
		       "imnfct: namespace %s: nf_conntrack_events=2, so connections created while "
		       "no listener existed will never report DESTROY; set it to 1 (or "
		       "sysctl=\"on\")",
		       ns);
	else if (s.events == 0)
		LogMsg(0, RS_RET_OK, LOG_WARNING,
		       "imnfct: namespace %s: nf_conntrack_events=0, the kernel reports no events "
		       "except for rules with \"ct event set\"",
		       ns);
	if (s.acct == 0)
		LogMsg(0, RS_RET_OK, LOG_WARNING,
		       "imnfct: namespace %s: nf_conntrack_acct=0, packet and byte counters will "
		       "be "
		       "0; set it to 1 (or sysctl=\"on\")",
		       ns);
	if (s.timestamp == 0)
		LogMsg(0, RS_RET_OK, LOG_INFO,
		       "imnfct: namespace %s: nf_conntrack_timestamp=0, flow start times come from "
		       "NEW events seen by this input",
		       ns);
	*sys = s;
}

/* A flush of the whole table must fit the socket buffer: each DESTROY is
 * a datagram of its own, about 1 KiB of kernel memory (the skb, not the
 * 300 bytes of data), and the kernel doubles what we ask for. So 1 KiB per
 * entry of nf_conntrack_max (512 MiB of limit for the default 262144), at
 * least 64 MiB, at most rcvbuf.max. Memory is only taken while events wait. */
static int auto_rcvbuf(const instanceConf_t *inst, long ct_max)
{
	long want = ct_max > 0 ? ct_max * 1024 : 0;

	if (want < RCVBUF_MIN)
		want = RCVBUF_MIN;
	return want > inst->rcvbuf_max ? inst->rcvbuf_max : (int)want;
}

static void open_inst(instanceConf_t *inst)
{
	struct nfct_sock_cfg cfg = {inst->events, inst->rcvbuf, inst->reliable, &inst->filter};
	struct nfct_sysctls sys;
	struct netns_guard g;
	char err[512];

	if (netns_enter(&g, inst->netns, err, sizeof(err)) < 0) {
		LogError(0, RS_RET_NO_RUN, "imnfct: input not started: %s", err);
		return;
	}
	check_kernel(inst, &sys);
	inst->empty_start = sys.count == 0;
	inst->started = nl_mono_ms();
	if (cfg.rcvbuf == 0)
		cfg.rcvbuf = auto_rcvbuf(inst, sys.max);
	if (nfct_sock_open(&inst->sock, &cfg, err, sizeof(err)) < 0) {
		im_netns_leave("imnfct", &g);
		LogError(0, RS_RET_NO_RUN, "imnfct: %s; this input is not started", err);
		return;
	}
	if (nfct_table_init(&inst->table, inst->table_size) < 0) {
		im_netns_leave("imnfct", &g);
		nfct_sock_close(&inst->sock);
		LogError(0, RS_RET_OUT_OF_MEMORY, "imnfct: no memory for the flow table");
		return;
	}
	inst->dump_ok = nfct_dump_open(&inst->dumper, err, sizeof(err)) == 0;
	if (!inst->dump_ok)
		LogError(0, RS_RET_ERR, "imnfct: no resync or start-up dump: %s", err);
	im_netns_leave("imnfct", &g);
	inst->active = true;
	LogMsg(0, RS_RET_OK, LOG_INFO,
	       "imnfct: listening to conntrack events%s%s, socket receive buffer %d bytes%s",
	       inst->netns ? " in namespace " : "", inst->netns ? inst->netns : "",
	       inst->sock.rcvbuf, inst->reliable ? ", reliable delivery" : "");
}

BEGINactivateCnfPrePrivDrop
	instanceConf_t *inst;
	CODESTARTactivateCnfPrePrivDrop
	runModConf = pModConf;
	for (inst = runModConf->root; inst != NULL; inst = inst->next)
		open_inst(inst);
ENDactivateCnfPrePrivDrop

static rsRetVal setup_stats(instanceConf_t *inst, int n)
{
	char name[96];
	DEFiRet;

	snprintf(name, sizeof(name), "imnfct(%d%s%s)", n, inst->netns ? " " : "",
		 inst->netns ? inst->netns : "");
	CHKiRet(statsobj.Construct(&inst->stats));
	CHKiRet(statsobj.SetName(inst->stats, (uchar *)name));
	CHKiRet(statsobj.SetOrigin(inst->stats, (uchar *)"imnfct"));
	STATSCOUNTER_INIT(inst->ctrReceived, inst->mutCtrReceived);
	CHKiRet(im_add_counter(inst->stats, "received", &inst->ctrReceived));
	STATSCOUNTER_INIT(inst->ctrSubmitted, inst->mutCtrSubmitted);
	CHKiRet(im_add_counter(inst->stats, "submitted", &inst->ctrSubmitted));
	STATSCOUNTER_INIT(inst->ctrFiltered, inst->mutCtrFiltered);
	CHKiRet(im_add_counter(inst->stats, "filtered", &inst->ctrFiltered));
	STATSCOUNTER_INIT(inst->ctrParseErrors, inst->mutCtrParseErrors);
	CHKiRet(im_add_counter(inst->stats, "parse.errors", &inst->ctrParseErrors));
	STATSCOUNTER_INIT(inst->ctrKernelDrops, inst->mutCtrKernelDrops);
	CHKiRet(im_add_counter(inst->stats, "kernel.drops", &inst->ctrKernelDrops));
	STATSCOUNTER_INIT(inst->ctrOverruns, inst->mutCtrOverruns);
	CHKiRet(im_add_counter(inst->stats, "overruns", &inst->ctrOverruns));
	STATSCOUNTER_INIT(inst->ctrResyncs, inst->mutCtrResyncs);
	CHKiRet(im_add_counter(inst->stats, "resyncs", &inst->ctrResyncs));
	STATSCOUNTER_INIT(inst->ctrEvictions, inst->mutCtrEvictions);
	CHKiRet(im_add_counter(inst->stats, "flowtable.evictions", &inst->ctrEvictions));
	STATSCOUNTER_INIT(inst->ctrNlErrors, inst->mutCtrNlErrors);
	CHKiRet(im_add_counter(inst->stats, "netlink.errors", &inst->ctrNlErrors));
	STATSCOUNTER_INIT(inst->ctrForeign, inst->mutCtrForeign);
	CHKiRet(im_add_counter(inst->stats, "netlink.foreign", &inst->ctrForeign));
	STATSCOUNTER_INIT(inst->ctrBlockedMs, inst->mutCtrBlockedMs);
	CHKiRet(im_add_counter(inst->stats, "submit.blocked.ms", &inst->ctrBlockedMs));
	STATSCOUNTER_INIT(inst->ctrJsonCut, inst->mutCtrJsonCut);
	CHKiRet(im_add_counter(inst->stats, "msg.json.cut", &inst->ctrJsonCut));
	STATSCOUNTER_INIT(inst->ctrNatRecords, inst->mutCtrNatRecords);
	CHKiRet(im_add_counter(inst->stats, "nat.records", &inst->ctrNatRecords));
	STATSCOUNTER_INIT(inst->ctrNatGaps, inst->mutCtrNatGaps);
	CHKiRet(im_add_counter(inst->stats, "nat.gaps", &inst->ctrNatGaps));
	CHKiRet(statsobj.ConstructFinalize(inst->stats));
finalize_it:
	RETiRet;
}

BEGINactivateCnf
	instanceConf_t *inst;
	int n = 0;
	CODESTARTactivateCnf
	for (inst = runModConf->root; inst != NULL; inst = inst->next) {
		n++;
		if (!inst->active)
			continue;
		inst->multisub.maxElem = BATCH_MAX;
		inst->multisub.nElem = 0;
		inst->multisub.ppMsgs = inst->batch;
		CHKiRet(setup_stats(inst, n));
	}
	CHKmalloc(readbuf = malloc(READ_BUF_SIZE));
finalize_it:
ENDactivateCnf

BEGINfreeCnf
	instanceConf_t *inst, *del;
	CODESTARTfreeCnf
	for (inst = pModConf->root; inst != NULL;) {
		del = inst;
		inst = inst->next;
		spool_free(&del->stop.spool);
		if (del->active) {
			nfct_sock_close(&del->sock);
			nfct_table_free(&del->table);
			nfct_dump_close(&del->dumper);
		}
		if (del->stats)
			statsobj.Destruct(&del->stats);
		free_inst(del);
	}
	free(readbuf);
	readbuf = NULL;
ENDfreeCnf

/* Every filter, for events and dump entries alike: the event types, the
 * family, zone and NAT-only (no kernel filter here), and the filters the
 * kernel also applies to events (nfct-filter.h), which a dump entry has
 * not been through. Counted when not wanted. */
static bool wanted(const instanceConf_t *inst, const struct nfct_event *ev, bool existing)
{
	if (!existing && !(inst->events & ev->type))
		return false;
	if (inst->family && ev->family != inst->family)
		return false;
	if (inst->zone >= 0 && ev->ct.zone != inst->zone)
		return false;
	if (inst->nat_only && !(ev->ct.status & (CT_SRC_NAT | CT_DST_NAT)))
		return false;
	return nfct_filter_match(&inst->filter, ev);
}

/* The flow table: NEW records when the flow started (the kernel's event
 * time, else when NEW was seen), DESTROY takes it back; kernel timestamps
 * win when present. */
static void flow_times(instanceConf_t *inst, struct nfct_record *r)
{
	const struct nfct_event *ev = r->ev;
	struct timeval seen;
	bool have = false;

	if (ev->type == NFCT_EV_NEW) {
		nfct_record_times(r, false, NULL);
		if (ev->ct.has & CTH_ID)
			nfct_table_put(&inst->table, ev->ct.id, &r->start);
		return;
	}
	if (ev->ct.has & CTH_ID) {
		if (ev->type == NFCT_EV_DESTROY) {
			have = nfct_table_take(&inst->table, ev->ct.id, &seen);
		} else {
			have = nfct_table_peek(&inst->table, ev->ct.id, &seen);
		}
	}
	nfct_record_times(r, have, &seen);
}

static void nat_flush(instanceConf_t *inst);

/* the NAT records' batch, then the events' */
static void submit(instanceConf_t *inst)
{
	uint64_t waited;

	if (inst->nat.ruleset)
		nat_flush(inst);
	waited = im_submit(&inst->multisub);

	if (waited) {
		STATSCOUNTER_ADD(inst->ctrBlockedMs, inst->mutCtrBlockedMs, waited);
	}
}

static int64_t now_ms(void)
{
	struct timeval now;

	gettimeofday(&now, NULL);
	return nat_ms(&now);
}

static void batch_add(instanceConf_t *inst, smsg_t *pMsg)
{
	inst->multisub.ppMsgs[inst->multisub.nElem++] = pMsg;
	if (inst->multisub.nElem == inst->multisub.maxElem)
		submit(inst);
}

/* ---- NAT records (nat.ruleset): one message per record, msg only ---- */

static void nat_submit(instanceConf_t *inst, const char *rec, size_t len, const struct timeval *tv)
{
	char text[NAT_RECORD_MAX + 32];
	struct im_msgspec m = {tv,
			       text,
			       0,
			       pInputName,
			       inst->nat.ruleset,
			       inst->tag ? inst->tag : "conntrack:",
			       inst->facility | inst->severity,
			       NULL,
			       "nat"};
	multi_submit_t *ms = &inst->nat.multisub;
	smsg_t *pMsg;

	if (len > 0 && len < sizeof(text)) {
		memcpy(text, rec, len);
		m.len = nat_stream_number(&inst->nat.st, text, len, sizeof(text));
	}
	if (m.len == 0 || im_build_msg(&m, &pMsg) != RS_RET_OK) {
		STATSCOUNTER_INC(inst->ctrNlErrors, inst->mutCtrNlErrors);
		return;
	}
	STATSCOUNTER_INC(inst->ctrNatRecords, inst->mutCtrNatRecords);
	ms->ppMsgs[ms->nElem++] = pMsg;
	if (ms->nElem == ms->maxElem)
		nat_flush(inst);
}

/* the state machine's markers: stamped when written */
static void nat_emit(void *ctx, const char *rec, size_t len)
{
	instanceConf_t *inst = ctx;
	struct timeval now;

	gettimeofday(&now, NULL);
	nat_submit(inst, rec, len, &now);
	if (rec[0] == NAT_REC_GAP) {
		STATSCOUNTER_INC(inst->ctrNatGaps, inst->mutCtrNatGaps);
	}
}

/* The state line, once the records it speaks for are handed over: at
 * once when a gap opens or closes, else at most once a second. */
static void nat_save(instanceConf_t *inst, bool now)
{
	struct nat_out *n = &inst->nat;
	char line[NAT_STATE_LINE];
	int64_t mono = nl_mono_ms();
	size_t len;

	if (n->state_fd < 0 || !n->st.changed ||
	    (!now && n->st.gap == n->saved_gap && mono - n->saved_at < NAT_SAVE_MS))
		return;
	len = nat_stream_state(&n->st, line, sizeof(line));
	if (len && pwrite(n->state_fd, line, len, 0) == (ssize_t)len) {
		n->saved_at = mono;
		n->saved_gap = n->st.gap;
	}
}

static void nat_flush(instanceConf_t *inst)
{
	uint64_t waited = im_submit(&inst->nat.multisub);

	if (waited) {
		STATSCOUNTER_ADD(inst->ctrBlockedMs, inst->mutCtrBlockedMs, waited);
	}
}

/* B: the stream starts; the state file says since when records are
 * missing (a crash's open gap too), or on a first start that it is not
 * known. */
static void nat_begin(instanceConf_t *inst)
{
	struct nat_out *ns = &inst->nat;
	const char *dir = (const char *)glbl.GetWorkDir(runModConf->pConf);
	char path[4096], name[1024], line[NAT_STATE_LINE + 1] = "";
	ssize_t got = 0;

	if (ns->ruleset == NULL)
		return;
	ns->multisub.maxElem = BATCH_MAX;
	ns->multisub.nElem = 0;
	ns->multisub.ppMsgs = ns->batch;
	if (nat_state_name(ns->ruleset_name, inst->netns, inst->zone, name, sizeof(name)) &&
	    dir != NULL && dir[0] != '\0') {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		ns->state_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
		if (ns->state_fd < 0)
			LogError(errno, RS_RET_ERR,
				 "imnfct: cannot keep the NAT record state in %s; a restart's "
				 "gap will have no start",
				 path);
		else if ((got = pread(ns->state_fd, line, sizeof(line) - 1, 0)) > 0)
			line[got] = '\0';
	}
	nat_stream_begin(&ns->st, nat_emit, inst, line, now_ms());
	nat_flush(inst);
	nat_save(inst, true);
}

/* A look at the socket: its drops since the last, and when it was seen
 * empty (-1: not since). */
static void nat_look(instanceConf_t *inst, int64_t now, uint32_t lost, int64_t empty_at)
{
	if (inst->nat.ruleset == NULL)
		return;
	nat_stream_look(&inst->nat.st, now, lost, empty_at);
	nat_flush(inst);
	nat_save(inst, false);
}

/* E: a clean stop; nothing after the unsubscription (stopped) is read. */
static void nat_end(instanceConf_t *inst, int64_t stopped)
{
	if (inst->nat.ruleset == NULL)
		return;
	nat_stream_end(&inst->nat.st, stopped);
	nat_flush(inst);
	nat_save(inst, true);
	if (inst->nat.state_fd >= 0)
		close(inst->nat.state_fd);
	inst->nat.state_fd = -1;
}

static void nat_event(instanceConf_t *inst, const struct nfct_record *r, bool existing)
{
	char rec[NAT_RECORD_MAX];
	size_t len;

	if (inst->nat.ruleset == NULL ||
	    (len = nat_event_record(r, existing, nat_stream_after(&inst->nat.st), rec,
				    sizeof(rec))) == 0)
		return;
	nat_submit(inst, rec, len, &r->now);
}

/* msg is conntrack's line, or the fields' JSON document; $! is the tree
 * unless fields="off". */
static rsRetVal build_msg(instanceConf_t *inst, const struct nfct_record *r, smsg_t **ppMsg)
{
	char text[IM_MSG_MAX];
	bool complete;
	struct im_msgspec m = {&r->now,
			       text,
			       0,
			       pInputName,
			       inst->pBindRuleset,
			       inst->tag ? inst->tag : "conntrack:",
			       inst->facility | inst->severity,
			       NULL,
			       nfct_event_action(r->ev->type)};

	if (inst->msg_json) {
		m.len = nfct_fields_text(r, &inst->opts, text, sizeof(text), &complete);
		if (!complete) {
			STATSCOUNTER_INC(inst->ctrJsonCut, inst->mutCtrJsonCut);
		}
	} else {
		m.len = nfct_text(r->ev, r->now.tv_sec, text, NFCT_TEXT_MAX);
	}
	if (!inst->fields.none)
		m.json = nfct_fields_json(r, &inst->opts);
	return im_build_msg(&m, ppMsg);
}

/* One event, or one entry of the start-up dump (existing). */
static void handle_event(instanceConf_t *inst, const struct nfct_event *ev,
			 const struct timeval *now, bool existing)
{
	struct nfct_record r = {.ev = ev, .now = *now};
	smsg_t *pMsg;
	uint64_t before = inst->table.evictions;

	STATSCOUNTER_INC(inst->ctrReceived, inst->mutCtrReceived);
	if (ev->ct.bad_attrs) {
		STATSCOUNTER_INC(inst->ctrParseErrors, inst->mutCtrParseErrors);
	}
	flow_times(inst, &r);
	if (inst->table.evictions != before) {
		STATSCOUNTER_INC(inst->ctrEvictions, inst->mutCtrEvictions);
	}
	nat_event(inst, &r, existing);
	if (!wanted(inst, ev, existing)) {
		STATSCOUNTER_INC(inst->ctrFiltered, inst->mutCtrFiltered);
		return;
	}
	if (build_msg(inst, &r, &pMsg) != RS_RET_OK) {
		STATSCOUNTER_INC(inst->ctrNlErrors, inst->mutCtrNlErrors);
		return;
	}
	STATSCOUNTER_INC(inst->ctrSubmitted, inst->mutCtrSubmitted);
	batch_add(inst, pMsg);
}

struct datagram {
	instanceConf_t *inst;
	struct timeval now;
};

static void datagram_msg(const struct nlmsghdr *nlh, void *data)
{
	struct datagram *d = data;
	struct nfct_event ev;

	if (nfct_event_parse(nlh, false, &ev) < 0) {
		STATSCOUNTER_INC(d->inst->ctrNlErrors, d->inst->mutCtrNlErrors);
		return;
	}
	handle_event(d->inst, &ev, &d->now, false);
}

static void start_dump(instanceConf_t *inst, bool report)
{
	char err[512];

	inst->reporting = report;
	if (inst->nat.ruleset)
		nat_stream_dump_start(&inst->nat.st, now_ms());
	if (nfct_dump_start(&inst->dumper, err, sizeof(err)) < 0)
		LogError(0, RS_RET_ERR, "imnfct: %s dump failed: %s",
			 report ? "start-up" : "resync", err);
}

/* An overrun lost events: grow the buffer, say so with the count, and
 * rebuild the flow table from a dump. */
static void overrun(instanceConf_t *inst)
{
	int before = inst->sock.rcvbuf, err;

	STATSCOUNTER_INC(inst->ctrOverruns, inst->mutCtrOverruns);
	if (nfct_sock_grow(&inst->sock, inst->rcvbuf_max, &err) == before && err &&
	    !inst->grow_refused) {
		inst->grow_refused = true;
		LogMsg(err, RS_RET_OK, LOG_WARNING,
		       "imnfct: conntrack events lost (socket buffer overrun); the receive buffer "
		       "stays %d bytes: the kernel refused to grow it (SO_RCVBUFFORCE needs "
		       "CAP_NET_ADMIN, which a privilege drop takes away): give rcvbuf the size "
		       "it needs at start",
		       before);
	} else if (inst->sock.rcvbuf > before)
		LogMsg(0, RS_RET_OK, LOG_WARNING,
		       "imnfct: conntrack events lost (socket buffer overrun %llu, %u events lost "
		       "so "
		       "far); receive buffer grown from %d to %d bytes (rcvbuf.max %d)",
		       (unsigned long long)inst->ctrOverruns,
		       rcvbuf_drops(nfct_sock_fd(&inst->sock)), before, inst->sock.rcvbuf,
		       inst->rcvbuf_max);
	if (inst->dump_ok)
		inst->resync = true; /* started by maybe_resync */
}

/* A namespace tracks connections only once a rule uses conntrack
 * (nf_ct_netns_get: nftables' ct expressions and NAT, iptables' conntrack,
 * state and NAT targets); until then there is nothing to report. An empty
 * table at start and no event for IDLE_HINT_MS: say so, once. */
static void maybe_hint_idle(instanceConf_t *inst)
{
	if (!inst->empty_start || nl_mono_ms() - inst->started < IDLE_HINT_MS)
		return;
	inst->empty_start = false;
	if (inst->ctrReceived != 0)
		return;
	LogMsg(0, RS_RET_OK, LOG_INFO,
	       "imnfct: namespace %s: no conntrack event in %d s, and the table was empty at "
	       "start: the kernel tracks connections in a namespace only once a rule uses "
	       "conntrack (nftables: a ct expression or a NAT chain; iptables: conntrack, state "
	       "or NAT), so with none there is nothing to report",
	       inst->netns ? inst->netns : "rsyslogd's own", IDLE_HINT_MS / 1000);
}

/* A resync dump once the overload is over, and one per RESYNC_MIN_MS at
 * most: a dump reads the whole table (with nat.ruleset an A record per
 * mapping), and one per overrun of a sustained overload would run them
 * back to back, each adding to the load that overran the socket. */
static void maybe_resync(instanceConf_t *inst, bool drops_now)
{
	int64_t now;

	if (!inst->resync || inst->dumper.running || drops_now)
		return;
	now = now_ms();
	if (inst->resync_at && now - inst->resync_at < RESYNC_MIN_MS)
		return;
	inst->resync = false;
	inst->resync_at = now;
	STATSCOUNTER_INC(inst->ctrResyncs, inst->mutCtrResyncs);
	start_dump(inst, false);
}

/* Entries of a dump: the start-up one reports every flow alive (as an
 * UPDATE: the state of an existing connection) and remembers its start; a
 * resync only remembers starts. */
static void dump_entry(const struct nlmsghdr *nlh, void *data)
{
	instanceConf_t *inst = data;
	struct nfct_event ev;
	struct timeval tv;

	if (nfct_event_parse(nlh, true, &ev) < 0) {
		STATSCOUNTER_INC(inst->ctrNlErrors, inst->mutCtrNlErrors);
		return;
	}
	if ((ev.ct.has & CTH_ID) && (ev.ct.has & CTH_START)) {
		tv.tv_sec = (time_t)(ev.ct.start_ns / 1000000000u);
		tv.tv_usec = (suseconds_t)(ev.ct.start_ns % 1000000000u / 1000u);
		nfct_table_put(&inst->table, ev.ct.id, &tv);
	}
	gettimeofday(&tv, NULL);
	if (inst->reporting) {
		handle_event(inst, &ev, &tv, true);
	} else if (inst->nat.ruleset) {
		struct nfct_record r = {.ev = &ev, .now = tv};

		nfct_record_times(&r, false, NULL);
		nat_event(inst, &r, true);
	}
}

/* Some of the dump under way: one datagram a round. A dump datagram holds
 * about a hundred entries (up to 32 KiB), an event datagram one: one dump
 * datagram weighs about as much as the DRAIN_MAX event datagrams each
 * event socket may read in the same round. */
static void dump_step(instanceConf_t *inst)
{
	char err[512];
	int ret = nfct_dump_step(&inst->dumper, 1, dump_entry, inst, err, sizeof(err));

	if (ret == 0 && inst->nat.ruleset)
		nat_stream_dump_end(&inst->nat.st, now_ms());
	submit(inst);
	if (ret == 1)
		return;
	if (ret < 0)
		LogError(0, RS_RET_ERR, "imnfct: %s dump failed: %s",
			 inst->reporting ? "start-up" : "resync", err);
	else if (inst->reporting)
		LogMsg(0, RS_RET_OK, LOG_INFO, "imnfct: start-up dump: %ld existing flows",
		       inst->dumper.count);
}

/* The socket was seen empty at t: what it held before t has been read. */
static void seen_empty(instanceConf_t *inst, int64_t t)
{
	if (t > inst->empty_at)
		inst->empty_at = t;
}

/* One datagram of events, received at *now (a spool_fn). */
static void handle_datagram(const uint8_t *buf, size_t len, const struct timeval *now, void *ctx)
{
	instanceConf_t *inst = ctx;
	struct datagram d = {inst, *now};

	if (!nl_datagram_walk(buf, len, datagram_msg, &d)) {
		STATSCOUNTER_INC(inst->ctrNlErrors, inst->mutCtrNlErrors);
	}
}

/* Read up to DRAIN_MAX datagrams, none once rsyslogd stops its inputs
 * (the stop's own reading takes over, within its timeout); true when the
 * socket was read to its end. */
static bool drain(instanceConf_t *inst)
{
	int fd = nfct_sock_fd(&inst->sock);
	struct timeval now;
	int64_t tried = now_ms(); /* before the recv to come */
	bool emptied = false;
	ssize_t n;

	for (int i = 0; i < DRAIN_MAX && glbl.GetGlobalInputTermState() == 0; i++) {
		n = nl_recv(fd, readbuf, READ_BUF_SIZE, MSG_DONTWAIT, &inst->sock.drops);
		if (n < 0) {
			if (errno == ENOBUFS) {
				overrun(inst);
				continue;
			}
			emptied = errno == EAGAIN;
			if (emptied)
				seen_empty(inst, tried);
			if (errno != EAGAIN && errno != EINTR) {
				STATSCOUNTER_INC(inst->ctrNlErrors, inst->mutCtrNlErrors);
			}
			break;
		}
		gettimeofday(&now, NULL);
		tried = nat_ms(&now);
		handle_datagram(readbuf, (size_t)n, &now, inst);
	}
	submit(inst);
	return emptied;
}

/* What the kernel (events that did not fit the socket buffer: one event
 * per datagram, so the exact loss) and nl_recv (on the event and dump
 * sockets) dropped since the last look, into the counters. True when the
 * kernel dropped some since. */
static bool count_drops(instanceConf_t *inst)
{
	int64_t now = now_ms();
	uint32_t kernel = rcvbuf_drops(nfct_sock_fd(&inst->sock));
	bool dropped = kernel != inst->drops_seen;

	nat_look(inst, now, kernel - inst->drops_seen, inst->empty_at);
	inst->empty_at = -1;
	if (kernel != inst->drops_seen) {
		STATSCOUNTER_ADD(inst->ctrKernelDrops, inst->mutCtrKernelDrops,
				 (uint32_t)(kernel - inst->drops_seen));
		inst->drops_seen = kernel;
	}
	uint64_t foreign = inst->sock.drops.foreign + inst->dumper.drops.foreign;
	uint64_t truncated = inst->sock.drops.truncated + inst->dumper.drops.truncated;

	if (foreign != inst->foreign_seen) {
		STATSCOUNTER_ADD(inst->ctrForeign, inst->mutCtrForeign,
				 foreign - inst->foreign_seen);
	}
	if (truncated != inst->truncated_seen) {
		STATSCOUNTER_ADD(inst->ctrNlErrors, inst->mutCtrNlErrors,
				 truncated - inst->truncated_seen);
	}
	inst->foreign_seen = foreign;
	inst->truncated_seen = truncated;
	return dropped;
}

/* ---- stop: the events the kernel queued are logged, or counted as lost ---- */

/* The events left in the socket, one a datagram, counted from their
 * headers only, until it is empty (true) or the deadline passes (false). */
static bool count_rest(instanceConf_t *inst, int64_t deadline, uint64_t *left)
{
	int fd = nfct_sock_fd(&inst->sock);
	uint16_t types[NL_HEADS_MAX];
	int n;

	while (nl_mono_ms() < deadline) {
		n = nl_recv_heads(fd, types, NL_HEADS_MAX, &inst->sock.drops);
		for (int i = 0; i < n; i++)
			if ((types[i] >> 8) == NFNL_SUBSYS_CTNETLINK)
				++*left;
		if (n < 0 && errno == ENOBUFS) {
			inst->stop.overruns++;
		} else if (n < 0 && errno != EINTR) {
			return errno == EAGAIN;
		}
	}
	return false;
}

/* In the input thread, within inputs.timeout.shutdown (im-glue.h): each
 * input leaves the event groups, so the kernel queues no more, and what its
 * socket holds is moved into its spool until 3/4 of the timeout; what is
 * left then is counted until 9/10. */
static void stop_read(void)
{
	int64_t read_until, count_until;
	instanceConf_t *inst;

	runModConf->stopping = IM_STOP_READING;
	for (inst = runModConf->root; inst; inst = inst->next) {
		inst->stop.at = now_ms();
		inst->stop.end = SPOOL_CANCELLED; /* until read */
		if (inst->active && nfct_sock_unsubscribe(&inst->sock) < 0)
			im_stop_warning("imnfct: cannot leave the conntrack event groups at the "
					"stop (%s); reading what the socket holds",
					strerror(errno));
	}
	im_stop_deadlines(im_stop_timeout_ms(), &read_until, &count_until);
	for (inst = runModConf->root; inst; inst = inst->next) {
		if (!inst->active)
			continue;
		inst->stop.end =
			spool_read(&inst->stop.spool, nfct_sock_fd(&inst->sock), READ_BUF_SIZE,
				   read_until, &inst->sock.drops, &inst->stop.overruns);
		if (inst->stop.end != SPOOL_EMPTY)
			inst->stop.all = count_rest(inst, count_until, &inst->stop.left);
	}
	runModConf->stopping = IM_STOP_READ;
}

/* What an input could not read in time: one warning, and in the NAT
 * stream a gap from the last look at the socket to the unsubscription. */
static void stop_lost(instanceConf_t *inst)
{
	im_stop_report("imnfct", "conntrack events", &inst->stop);
	if (inst->nat.ruleset)
		nat_stream_stop_lost(&inst->nat.st, inst->stop.left, inst->stop.all, inst->stop.at);
}

/* In rsyslogd's main thread, after the input thread (afterRun): each
 * input's spooled events are logged, then its loss if any, and its NAT
 * stream ends (E). Nothing is done for a thread cancelled before its stop
 * began: it may have held a lock. */
static void stop_log(void)
{
	for (instanceConf_t *inst = runModConf->root; inst; inst = inst->next) {
		if (!inst->active || runModConf->stopping == IM_STOP_RUNNING)
			continue;
		spool_replay(&inst->stop.spool, handle_datagram, inst);
		if (inst->stop.end == SPOOL_EMPTY)
			seen_empty(inst, inst->stop.at);
		else
			stop_lost(inst);
		STATSCOUNTER_ADD(inst->ctrOverruns, inst->mutCtrOverruns, inst->stop.overruns);
		count_drops(inst);
		nat_end(inst, inst->stop.at);
		submit(inst);
	}
}

/* The event socket of every input, and the socket of each dump under way. */
static int build_pollset(struct pollfd *pfd, instanceConf_t **owner, bool *is_dump)
{
	int n = 0;

	for (instanceConf_t *inst = runModConf->root; inst && n < 2 * MAX_INPUTS;
	     inst = inst->next) {
		if (!inst->active)
			continue;
		pfd[n] = (struct pollfd){.fd = nfct_sock_fd(&inst->sock), .events = POLLIN};
		is_dump[n] = false;
		owner[n++] = inst;
		if (!inst->dumper.running)
			continue;
		pfd[n] = (struct pollfd){.fd = nfct_dump_fd(&inst->dumper), .events = POLLIN};
		is_dump[n] = true;
		owner[n++] = inst;
	}
	return n;
}

BEGINrunInput
	struct pollfd pfd[2 * MAX_INPUTS];
	instanceConf_t *owner[2 * MAX_INPUTS];
	bool is_dump[2 * MAX_INPUTS];
	int n;
	int64_t before_poll;
	CODESTARTrunInput
	for (instanceConf_t *inst = runModConf->root; inst; inst = inst->next) {
		if (!inst->active)
			continue;
		inst->empty_at = -1;
		nat_begin(inst);
		if (inst->dump && inst->dump_ok)
			start_dump(inst, true);
		submit(inst);
	}
	while (glbl.GetGlobalInputTermState() == 0) {
		n = build_pollset(pfd, owner, is_dump);
		before_poll = now_ms();
		/* a timeout, or EINTR from SIGTTIN at shutdown, reads nothing */
		if (poll(pfd, (nfds_t)n, POLL_MS) >= 0) {
			for (int i = 0; i < n; i++) {
				/* not readable: empty when poll looked, after before_poll */
				if (pfd[i].revents == 0 && !is_dump[i])
					seen_empty(owner[i], before_poll);
				if (pfd[i].revents == 0)
					continue;
				if (is_dump[i])
					dump_step(owner[i]);
				else
					drain(owner[i]);
			}
		}
		/* every input, every round: a gap's time span is as narrow as
		 * the interval between two looks at the drop count */
		for (instanceConf_t *inst = runModConf->root; inst; inst = inst->next) {
			if (inst->active) {
				maybe_resync(inst, count_drops(inst));
				maybe_hint_idle(inst);
				submit(inst);
			}
		}
	}
	stop_read();
ENDrunInput

BEGINwillRun
	instanceConf_t *inst;
	int active = 0;
	CODESTARTwillRun
	for (inst = runModConf->root; inst != NULL; inst = inst->next)
		active += inst->active;
	if (active == 0) {
		LogError(0, RS_RET_NO_RUN, "imnfct: no input could subscribe to conntrack events");
		ABORT_FINALIZE(RS_RET_NO_RUN);
	}
finalize_it:
ENDwillRun

BEGINafterRun
	CODESTARTafterRun
	stop_log();
ENDafterRun

BEGINmodExit
	CODESTARTmodExit
	if (pInputName != NULL)
		prop.Destruct(&pInputName);
	objRelease(statsobj, CORE_COMPONENT);
	objRelease(datetime, CORE_COMPONENT);
	objRelease(ruleset, CORE_COMPONENT);
	objRelease(prop, CORE_COMPONENT);
	objRelease(glbl, CORE_COMPONENT);
ENDmodExit

BEGINisCompatibleWithFeature
	CODESTARTisCompatibleWithFeature
	if (eFeat == sFEATURENonCancelInputTermination)
		iRet = RS_RET_OK;
ENDisCompatibleWithFeature

BEGINqueryEtryPt
	CODESTARTqueryEtryPt
	CODEqueryEtryPt_STD_IMOD_QUERIES
	CODEqueryEtryPt_STD_CONF2_QUERIES
	CODEqueryEtryPt_STD_CONF2_PREPRIVDROP_QUERIES
	CODEqueryEtryPt_STD_CONF2_IMOD_QUERIES
	CODEqueryEtryPt_IsCompatibleWithFeature_IF_OMOD_QUERIES
ENDqueryEtryPt

BEGINmodInit()
	CODESTARTmodInit
	CHKiRet(rsg_refuse_other_release("imnfct"));
	*ipIFVersProvided = CURR_MOD_IF_VERSION;
	CODEmodInit_QueryRegCFSLineHdlr
	CHKiRet(objUse(glbl, CORE_COMPONENT));
	CHKiRet(objUse(prop, CORE_COMPONENT));
	CHKiRet(objUse(ruleset, CORE_COMPONENT));
	CHKiRet(objUse(datetime, CORE_COMPONENT));
	CHKiRet(objUse(statsobj, CORE_COMPONENT));
	CHKiRet(prop.CreateStringProp(&pInputName, UCHAR_CONSTANT("imnfct"), sizeof("imnfct") - 1));
ENDmodInit
