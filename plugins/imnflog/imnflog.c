/* SPDX-License-Identifier: Apache-2.0 */
/* imnflog: NFLOG groups as an rsyslog input.
 *
 * One input thread serves every input() of the module: it polls all group
 * sockets (and the rtnetlink sockets that keep interface names current),
 * reads each readable socket without blocking, at most DRAIN_MAX datagrams
 * a round so one flooded group cannot starve the others or the shutdown
 * flag, and hands one message per packet to rsyslog's queues in batches.
 * Decoding and formatting live in plain C files; this file is only the
 * rsyslog glue.
 *
 * Concurrency: all runtime state belongs to the input thread; rsyslog's
 * main thread touches it only before runInput starts and after it ends.
 */
#include "rsyslog-abi.h"

#include "rsyslog.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <json.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "datetime.h"
#include "dirty.h"
#include "errmsg.h"
#include "glbl.h"
#include "module-template.h"
#include "parserif.h"
#include "msg.h"
#include "prop.h"
#include "ratelimit.h"
#include "rsconf.h"
#include "ruleset.h"
#include "statsobj.h"
#include "unicode-helper.h"

#include "ifcache.h"
#include "netns.h"
#include "nlmsg.h"
#include "rsyslog-guard.h"
#include "nflog-fields.h"
#include "nflog-record.h"
#include "nflog-sock.h"
#include "nflog-summary-msg.h"
#include "nflog-text.h"
#include "rcvbuf.h"
#include "spool.h"

MODULE_TYPE_INPUT
/* field names are static strings referenced by queued messages' JSON */
MODULE_TYPE_KEEP
MODULE_CNFNAME("imnflog")

DEF_IMOD_STATIC_DATA
DEFobjCurrIf(glbl)
DEFobjCurrIf(prop)
DEFobjCurrIf(ruleset)
DEFobjCurrIf(datetime)
DEFobjCurrIf(statsobj)

#define RCVBUF_DEFAULT (8 * 1024 * 1024)
#define READ_BUF_SIZE  (256 * 1024) /* > the kernel's largest NFLOG batch (128 KiB) */
#define POLL_MS	       250	    /* well below inputs.timeout.shutdown (1 s) */
#define BATCH_MAX      256
#define DRAIN_MAX      64 /* datagrams per socket per round: fairness, shutdown */

struct instanceConf_s {
	/* configuration */
	int group;
	uchar *pszBindRuleset;
	ruleset_t *pBindRuleset;
	char *tag;
	int facility, severity;
	struct nflog_opts opts;
	char *device, *verdict, *netns;
	struct nflog_cfg cfg;
	unsigned textflags;
	bool msg_json;		 /* msg.format="json": msg is the fields' JSON document */
	struct je_fields fields; /* the $! tree: all, none or some fields */
	int rl_interval, rl_burst;
	char rl_name[16];
	/* flood summaries (summary.*, nflog-summary.h): off while the
	 * threshold is 0 */
	struct sum_config sum_cfg;
	char *sum_keynames; /* "a,b," of summary.key, until the schema is known */
	uchar *sum_rsname;
	ruleset_t *sum_ruleset;
	/* runtime */
	bool active;
	struct nflog_sock sock;
	struct ifcache ifc;
	bool have_seq, have_gseq;
	uint32_t last_seq;
	ratelimit_t *ratelimiter;
	struct sum_table *summary;
	multi_submit_t multisub;
	smsg_t *batch[BATCH_MAX];
	statsobj_t *stats;
	STATSCOUNTER_DEF(ctrReceived, mutCtrReceived)
	STATSCOUNTER_DEF(ctrSubmitted, mutCtrSubmitted)
	STATSCOUNTER_DEF(ctrDecodeErrors, mutCtrDecodeErrors)
	STATSCOUNTER_DEF(ctrKernelDrops, mutCtrKernelDrops)
	STATSCOUNTER_DEF(ctrOverruns, mutCtrOverruns)
	STATSCOUNTER_DEF(ctrSeqGaps, mutCtrSeqGaps)
	STATSCOUNTER_DEF(ctrRateLimited, mutCtrRateLimited)
	STATSCOUNTER_DEF(ctrNlErrors, mutCtrNlErrors)
	STATSCOUNTER_DEF(ctrForeign, mutCtrForeign)
	STATSCOUNTER_DEF(ctrBlockedMs, mutCtrBlockedMs)
	STATSCOUNTER_DEF(ctrJsonCut, mutCtrJsonCut)
	intctr_t ctrSumPackets, ctrSumEmitted, ctrSumKeys, ctrSumOverflow; /* the table's */
	struct im_stop stop;		       /* what a stop read and could not read */
	struct nl_rx_drops drops;	       /* of the group socket */
	uint64_t foreign_seen, truncated_seen; /* what the counters hold already */
	uint32_t drops_seen;		       /* the socket's sk_drops, counted so far */
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
	{"group", eCmdHdlrNonNegInt, CNFPARAM_REQUIRED},
	{"ruleset", eCmdHdlrString, 0},
	{"tag", eCmdHdlrString, 0},
	{"facility", eCmdHdlrFacility, 0},
	{"severity", eCmdHdlrSeverity, 0},
	{"schema", eCmdHdlrGetWord, 0},
	{"verdict", eCmdHdlrGetWord, 0},
	{"device", eCmdHdlrString, 0},
	{"snaplen", eCmdHdlrPositiveInt, 0},
	{"qthreshold", eCmdHdlrPositiveInt, 0},
	{"qtimeout", eCmdHdlrPositiveInt, 0},
	{"nlbufsiz", eCmdHdlrSize, 0},
	{"rcvbuf", eCmdHdlrSize, 0},
	{"seq", eCmdHdlrGetWord, 0},
	{"stop.maxmemory", eCmdHdlrSize, 0},
	{"attach_conntrack", eCmdHdlrBinary, 0},
	{"label", eCmdHdlrNonNegInt, 0},
	{"netns", eCmdHdlrString, 0},
	{"text.flags", eCmdHdlrArray, 0},
	{"msg.format", eCmdHdlrGetWord, 0},
	{"fields", eCmdHdlrArray, 0},
	{"ratelimit.interval", eCmdHdlrNonNegInt, 0},
	{"ratelimit.burst", eCmdHdlrPositiveInt, 0},
	{"community_id", eCmdHdlrBinary, 0},
	{"community_id.seed", eCmdHdlrNonNegInt, 0},
	{"summary.threshold", eCmdHdlrNonNegInt, 0},
	{"summary.interval", eCmdHdlrPositiveInt, 0},
	{"summary.key", eCmdHdlrArray, 0},
	{"summary.maxkeys", eCmdHdlrPositiveInt, 0},
	{"summary.ruleset", eCmdHdlrString, 0},
};
static struct cnfparamblk inppblk = {CNFPARAMBLK_VERSION,
				     sizeof(inppdescr) / sizeof(struct cnfparamdescr), inppdescr};

#include "im-helper.h"
#include "im-glue.h"

static void std_checkRuleset_genErrMsg(__attribute__((unused)) modConfData_t *modConf,
				       instanceConf_t *inst)
{
	LogError(0, NO_ERRCODE,
		 "imnflog: ruleset '%s' for group %d not found - using default ruleset instead",
		 inst->pszBindRuleset, inst->group);
}

/* text.flags: the LOG rule's "flags" whose kernel line msg reproduces. */
static rsRetVal add_textflag(void *ctx, const char *w)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"tcpseq", NFT_TCPSEQ},
		     {"tcpopt", NFT_TCPOPT},
		     {"ipopt", NFT_IPOPT},
		     {"uid", NFT_UID},
		     {"macdecode", NFT_MACDECODE},
		     {"all", NFT_TCPSEQ | NFT_TCPOPT | NFT_IPOPT | NFT_UID | NFT_MACDECODE}};
	instanceConf_t *inst = ctx;

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strcmp(w, names[k].name) == 0) {
			inst->textflags |= names[k].bit;
			return RS_RET_OK;
		}
	parser_errmsg("imnflog: text.flags value '%s' unknown; use tcpseq, tcpopt, ipopt, uid, "
		      "macdecode or all",
		      w);
	return RS_RET_PARAM_ERROR;
}

static void inst_defaults(instanceConf_t *inst)
{
	inst->facility = 0; /* kern, as the kernel LOG target logs */
	inst->severity = 4; /* warning, the kernel LOG target's default level */
	inst->opts.schema = NF_SCHEMA_ECS;
	inst->fields.sel.all = true;
	inst->cfg.copy_range = 0xffff;
	inst->cfg.rcvbuf = RCVBUF_DEFAULT;
	inst->cfg.flags = NFULNL_CFG_F_SEQ;
	inst->rl_interval = 0;
	inst->rl_burst = 10000;
	inst->sum_cfg.interval_ms = 10000;
	inst->sum_cfg.maxkeys = SUM_MAXKEYS_DEFAULT;
	inst->sum_cfg.keymask = SUM_K_DEFAULT;
}

/* summary.key: the names, resolved once the schema is known */
static rsRetVal add_keyname(void *ctx, const char *w)
{
	instanceConf_t *inst = ctx;
	size_t have = inst->sum_keynames ? strlen(inst->sum_keynames) : 0;
	char *n = realloc(inst->sum_keynames, have + strlen(w) + 2);

	if (n == NULL)
		return RS_RET_OUT_OF_MEMORY;
	snprintf(n + have, strlen(w) + 2, "%s,", w);
	inst->sum_keynames = n;
	return RS_RET_OK;
}

static rsRetVal resolve_keynames(instanceConf_t *inst)
{
	char *save = NULL, names[256];
	unsigned bit;

	if (!inst->sum_keynames)
		return RS_RET_OK;
	inst->sum_cfg.keymask = 0;
	for (char *w = strtok_r(inst->sum_keynames, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		if ((bit = nflog_summary_key_bit(inst->opts.schema, w)) == 0) {
			nflog_summary_key_names(inst->opts.schema, names, sizeof(names));
			parser_errmsg("imnflog: summary.key: '%s' is no key field in schema '%s'; "
				      "use %s",
				      w, inst->opts.schema == NF_SCHEMA_ECS ? "ecs" : "ulogd",
				      names);
			return RS_RET_PARAM_ERROR;
		}
		inst->sum_cfg.keymask |= bit;
	}
	return RS_RET_OK;
}

static rsRetVal apply_param(instanceConf_t *inst, const char *name, struct cnfparamvals *v)
{
	static const char *const schemas[] = {"ecs", "ulogd", NULL};
	static const char *const msgformats[] = {"kernel", "json", NULL};
	static const char *const seqs[] = {"none", "local", "global", "both", NULL};
	static const uint16_t seqflags[] = {0, NFULNL_CFG_F_SEQ, NFULNL_CFG_F_SEQ_GLOBAL,
					    NFULNL_CFG_F_SEQ | NFULNL_CFG_F_SEQ_GLOBAL};
	DEFiRet;
	char *w = NULL;
	int idx;

	if (!strcmp(name, "group")) {
		if (v->val.d.n > 65535) {
			parser_errmsg("imnflog: group %lld out of range 0..65535", v->val.d.n);
			ABORT_FINALIZE(RS_RET_PARAM_ERROR);
		}
		inst->group = (int)v->val.d.n;
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
		CHKiRet(im_parse_choice("imnflog", name, w, schemas, &idx));
		inst->opts.schema = (enum nf_schema)idx;
	} else if (!strcmp(name, "verdict")) {
		inst->verdict = im_estr_dup(v);
	} else if (!strcmp(name, "device")) {
		inst->device = im_estr_dup(v);
	} else if (!strcmp(name, "snaplen")) {
		inst->cfg.copy_range = v->val.d.n > 0xffff ? 0xffff : (uint32_t)v->val.d.n;
	} else if (!strcmp(name, "qthreshold")) {
		inst->cfg.qthreshold = (uint32_t)v->val.d.n;
	} else if (!strcmp(name, "qtimeout")) {
		inst->cfg.qtimeout = (uint32_t)v->val.d.n;
	} else if (!strcmp(name, "nlbufsiz")) {
		if (v->val.d.n > 131072) {
			parser_errmsg("imnflog: nlbufsiz %lld above the kernel maximum 131072",
				      v->val.d.n);
			ABORT_FINALIZE(RS_RET_PARAM_ERROR);
		}
		inst->cfg.nlbufsiz = (uint32_t)v->val.d.n;
	} else if (!strcmp(name, "rcvbuf")) {
		inst->cfg.rcvbuf = v->val.d.n > (1 << 30) ? (1 << 30) : (int)v->val.d.n;
	} else if (!strcmp(name, "stop.maxmemory")) {
		inst->stop.spool.limit = (size_t)v->val.d.n;
	} else if (!strcmp(name, "seq")) {
		w = im_estr_dup(v);
		CHKiRet(im_parse_choice("imnflog", name, w, seqs, &idx));
		inst->cfg.flags =
			(uint16_t)((inst->cfg.flags & NFULNL_CFG_F_CONNTRACK) | seqflags[idx]);
	} else if (!strcmp(name, "attach_conntrack")) {
		if (v->val.d.n)
			inst->cfg.flags |= NFULNL_CFG_F_CONNTRACK;
	} else if (!strcmp(name, "label")) {
		if (v->val.d.n > 255) {
			parser_errmsg("imnflog: label %lld out of range 0..255", v->val.d.n);
			ABORT_FINALIZE(RS_RET_PARAM_ERROR);
		}
		inst->opts.has_label = true;
		inst->opts.label = (uint8_t)v->val.d.n;
	} else if (!strcmp(name, "netns")) {
		inst->netns = im_estr_dup(v);
	} else if (!strcmp(name, "msg.format")) {
		w = im_estr_dup(v);
		CHKiRet(im_parse_choice("imnflog", name, w, msgformats, &idx));
		inst->msg_json = idx == 1;
	} else if (!strcmp(name, "fields")) {
		inst->fields.sel.all = false;
		CHKiRet(im_array_words(v->val.d.ar, im_fields_word, &inst->fields));
	} else if (!strcmp(name, "text.flags")) {
		CHKiRet(im_array_words(v->val.d.ar, add_textflag, inst));
	} else if (!strcmp(name, "ratelimit.interval")) {
		inst->rl_interval = (int)v->val.d.n;
	} else if (!strcmp(name, "ratelimit.burst")) {
		inst->rl_burst = (int)v->val.d.n;
	} else if (!strcmp(name, "community_id")) {
		inst->opts.community_id = v->val.d.n != 0;
	} else if (!strcmp(name, "community_id.seed")) {
		inst->opts.community_id_seed = (uint16_t)v->val.d.n;
	} else if (!strcmp(name, "summary.threshold")) {
		inst->sum_cfg.threshold =
			v->val.d.n > UINT32_MAX ? UINT32_MAX : (uint32_t)v->val.d.n;
	} else if (!strcmp(name, "summary.interval")) {
		if (v->val.d.n > 86400) {
			parser_errmsg("imnflog: summary.interval %lld s above a day", v->val.d.n);
			ABORT_FINALIZE(RS_RET_PARAM_ERROR);
		}
		inst->sum_cfg.interval_ms = (uint32_t)v->val.d.n * 1000;
	} else if (!strcmp(name, "summary.key")) {
		CHKiRet(im_array_words(v->val.d.ar, add_keyname, inst));
	} else if (!strcmp(name, "summary.maxkeys")) {
		if (v->val.d.n > (1 << 24)) {
			parser_errmsg("imnflog: summary.maxkeys %lld above 16777216", v->val.d.n);
			ABORT_FINALIZE(RS_RET_PARAM_ERROR);
		}
		inst->sum_cfg.maxkeys = (uint32_t)v->val.d.n;
	} else if (!strcmp(name, "summary.ruleset")) {
		inst->sum_rsname = (uchar *)im_estr_dup(v);
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
	free(inst->verdict);
	free(inst->netns);
	free(inst->fields.names);
	free(inst->sum_keynames);
	free(inst->sum_rsname);
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
	CHKiRet(im_fields_resolve("imnflog", &inst->fields, &nflog_table, inst->opts.schema));
	CHKiRet(resolve_keynames(inst));
	inst->opts.select = &inst->fields.sel;
	inst->opts.device = inst->device
				    ? inst->device
				    : (inst->opts.schema == NF_SCHEMA_ULOGD ? "Netfilter" : NULL);
	inst->opts.verdict = inst->verdict;
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

static bool same_netns(const instanceConf_t *a, const instanceConf_t *b)
{
	const char *x = a->netns ? a->netns : "", *y = b->netns ? b->netns : "";

	return strcmp(x, y) == 0;
}

/* Problems -N1 can see: a group bound twice in one namespace, a namespace
 * that does not exist. */
static rsRetVal check_inst(modConfData_t *mc, instanceConf_t *inst)
{
	char path[4096];

	for (instanceConf_t *o = mc->root; o != inst; o = o->next)
		if (o->group == inst->group && same_netns(o, inst)) {
			LogError(0, RS_RET_PARAM_ERROR,
				 "imnflog: group %d is configured twice for the same network "
				 "namespace; a group has only one listener",
				 inst->group);
			return RS_RET_PARAM_ERROR;
		}
	if (inst->netns && inst->netns[0]) {
		netns_path(inst->netns, path, sizeof(path));
		if (access(path, R_OK) != 0) {
			LogError(errno, RS_RET_PARAM_ERROR,
				 "imnflog: group %d: network namespace '%s' not found at %s",
				 inst->group, inst->netns, path);
			return RS_RET_PARAM_ERROR;
		}
	}
	return RS_RET_OK;
}

/* summary.ruleset, as the input's own: one that does not exist is named,
 * and the summaries go where the packets go. */
static void check_summary_ruleset(modConfData_t *mc, instanceConf_t *inst)
{
	if (!inst->sum_rsname)
		return;
	if (ruleset.GetRuleset(mc->pConf, &inst->sum_ruleset, inst->sum_rsname) != RS_RET_OK) {
		LogError(0, RS_RET_RULESET_NOT_FOUND,
			 "imnflog: summary.ruleset '%s' for group %d not found - summaries go to "
			 "the input's ruleset",
			 inst->sum_rsname, inst->group);
		inst->sum_ruleset = NULL;
	}
}

BEGINcheckCnf
	instanceConf_t *inst;
	CODESTARTcheckCnf
	for (inst = pModConf->root; inst != NULL; inst = inst->next) {
		std_checkRuleset(pModConf, inst);
		check_summary_ruleset(pModConf, inst);
		CHKiRet(check_inst(pModConf, inst));
	}
	if (pModConf->root == NULL) {
		LogError(0, RS_RET_NO_LISTNERS,
			 "imnflog: module loaded, but no input() defined - no packets will be "
			 "logged");
		iRet = RS_RET_NO_LISTNERS;
	}
finalize_it:
ENDcheckCnf

/* Open the group socket and the interface-name cache inside the input's
 * namespace, as root before any privilege drop. */
static void open_inst(instanceConf_t *inst)
{
	struct netns_guard g;
	char err[512];

	inst->cfg.group = (uint16_t)inst->group;
	if (netns_enter(&g, inst->netns, err, sizeof(err)) < 0) {
		LogError(0, RS_RET_NO_RUN, "imnflog: group %d not started: %s", inst->group, err);
		return;
	}
	if (nflog_sock_open(&inst->sock, &inst->cfg, err, sizeof(err)) < 0) {
		im_netns_leave("imnflog", &g);
		LogError(0, RS_RET_NO_RUN, "imnflog: %s; this input is not started", err);
		return;
	}
	if (ifcache_open(&inst->ifc, err, sizeof(err)) < 0) {
		im_netns_leave("imnflog", &g);
		nflog_sock_close(&inst->sock);
		LogError(0, RS_RET_NO_RUN, "imnflog: group %d not started: %s", inst->group, err);
		return;
	}
	im_netns_leave("imnflog", &g);
	inst->active = true;
	LogMsg(0, RS_RET_OK, LOG_INFO,
	       "imnflog: listening on NFLOG group %d%s%s, socket receive buffer %d bytes",
	       inst->group, inst->netns ? " in namespace " : "", inst->netns ? inst->netns : "",
	       inst->sock.rcvbuf);
	if (inst->sock.no_conntrack)
		LogMsg(0, RS_RET_OK, LOG_WARNING,
		       "imnflog: group %d: attach_conntrack is not supported by this kernel "
		       "(CONFIG_NETFILTER_NETLINK_GLUE_CT is not set); packets are logged without "
		       "conntrack fields",
		       inst->group);
	if (inst->cfg.rcvbuf > 0 && inst->sock.rcvbuf < inst->cfg.rcvbuf)
		LogMsg(0, RS_RET_OK, LOG_WARNING,
		       "imnflog: group %d: receive buffer is %d bytes, below the %d requested "
		       "(no CAP_NET_ADMIN? raise net.core.rmem_max)",
		       inst->group, inst->sock.rcvbuf, inst->cfg.rcvbuf);
}

BEGINactivateCnfPrePrivDrop
	instanceConf_t *inst;
	CODESTARTactivateCnfPrePrivDrop
	runModConf = pModConf;
	for (inst = runModConf->root; inst != NULL; inst = inst->next)
		open_inst(inst);
ENDactivateCnfPrePrivDrop

static rsRetVal setup_stats(instanceConf_t *inst)
{
	char name[96];
	DEFiRet;

	snprintf(name, sizeof(name), "imnflog(group %d%s%s)", inst->group, inst->netns ? " " : "",
		 inst->netns ? inst->netns : "");
	CHKiRet(statsobj.Construct(&inst->stats));
	CHKiRet(statsobj.SetName(inst->stats, (uchar *)name));
	CHKiRet(statsobj.SetOrigin(inst->stats, (uchar *)"imnflog"));
	STATSCOUNTER_INIT(inst->ctrReceived, inst->mutCtrReceived);
	CHKiRet(im_add_counter(inst->stats, "received", &inst->ctrReceived));
	STATSCOUNTER_INIT(inst->ctrSubmitted, inst->mutCtrSubmitted);
	CHKiRet(im_add_counter(inst->stats, "submitted", &inst->ctrSubmitted));
	STATSCOUNTER_INIT(inst->ctrDecodeErrors, inst->mutCtrDecodeErrors);
	CHKiRet(im_add_counter(inst->stats, "decode.errors", &inst->ctrDecodeErrors));
	STATSCOUNTER_INIT(inst->ctrKernelDrops, inst->mutCtrKernelDrops);
	CHKiRet(im_add_counter(inst->stats, "kernel.drops", &inst->ctrKernelDrops));
	STATSCOUNTER_INIT(inst->ctrOverruns, inst->mutCtrOverruns);
	CHKiRet(im_add_counter(inst->stats, "overruns", &inst->ctrOverruns));
	STATSCOUNTER_INIT(inst->ctrSeqGaps, inst->mutCtrSeqGaps);
	CHKiRet(im_add_counter(inst->stats, "seq.gaps", &inst->ctrSeqGaps));
	STATSCOUNTER_INIT(inst->ctrRateLimited, inst->mutCtrRateLimited);
	CHKiRet(im_add_counter(inst->stats, "ratelimit.discarded", &inst->ctrRateLimited));
	STATSCOUNTER_INIT(inst->ctrNlErrors, inst->mutCtrNlErrors);
	CHKiRet(im_add_counter(inst->stats, "netlink.errors", &inst->ctrNlErrors));
	STATSCOUNTER_INIT(inst->ctrForeign, inst->mutCtrForeign);
	CHKiRet(im_add_counter(inst->stats, "netlink.foreign", &inst->ctrForeign));
	STATSCOUNTER_INIT(inst->ctrBlockedMs, inst->mutCtrBlockedMs);
	CHKiRet(im_add_counter(inst->stats, "submit.blocked.ms", &inst->ctrBlockedMs));
	STATSCOUNTER_INIT(inst->ctrJsonCut, inst->mutCtrJsonCut);
	CHKiRet(im_add_counter(inst->stats, "msg.json.cut", &inst->ctrJsonCut));
	if (inst->summary) {
		CHKiRet(im_add_counter(inst->stats, "summary.packets", &inst->ctrSumPackets));
		CHKiRet(im_add_counter(inst->stats, "summary.emitted", &inst->ctrSumEmitted));
		CHKiRet(im_add_counter(inst->stats, "summary.keys", &inst->ctrSumKeys));
		CHKiRet(im_add_counter(inst->stats, "summary.overflow", &inst->ctrSumOverflow));
	}

	CHKiRet(statsobj.ConstructFinalize(inst->stats));
finalize_it:
	RETiRet;
}

static void summary_emit(const struct sum_key *key, const char *prefix, const struct sum_stats *st,
			 void *ctx);

/* The aggregator of an input with summary.threshold, its hash seeded from
 * the kernel's random source so keys an attacker picks do not collide. */
static rsRetVal open_summary(instanceConf_t *inst)
{
	if (!inst->sum_cfg.threshold)
		return RS_RET_OK;
	inst->sum_cfg.emit = summary_emit;
	inst->sum_cfg.ctx = inst;
	if (getrandom(&inst->sum_cfg.seed, sizeof(inst->sum_cfg.seed), GRND_NONBLOCK) !=
	    sizeof(inst->sum_cfg.seed))
		inst->sum_cfg.seed = (uint64_t)nl_mono_ms() ^ (uint64_t)getpid() << 32;
	inst->summary = sum_table_new(&inst->sum_cfg);
	if (inst->summary == NULL) {
		LogError(errno, RS_RET_OUT_OF_MEMORY,
			 "imnflog: group %d: no memory for summary.maxkeys %u (%zu bytes)",
			 inst->group, inst->sum_cfg.maxkeys,
			 sum_table_bytes(inst->sum_cfg.maxkeys));
		return RS_RET_OUT_OF_MEMORY;
	}
	return RS_RET_OK;
}

BEGINactivateCnf
	instanceConf_t *inst;
	char name[32];
	CODESTARTactivateCnf
	for (inst = runModConf->root; inst != NULL; inst = inst->next) {
		if (!inst->active)
			continue;
		snprintf(name, sizeof(name), "group %d", inst->group);
		snprintf(inst->rl_name, sizeof(inst->rl_name), "imnflog");
		CHKiRet(ratelimitNew(&inst->ratelimiter, "imnflog", name));
		ratelimitSetLinuxLike(inst->ratelimiter, (unsigned)inst->rl_interval,
				      (unsigned)inst->rl_burst);
		/* messages carry the packet time, which may lag the clock */
		ratelimitSetNoTimeCache(inst->ratelimiter);
		inst->multisub.maxElem = BATCH_MAX;
		inst->multisub.nElem = 0;
		inst->multisub.ppMsgs = inst->batch;
		CHKiRet(open_summary(inst));
		CHKiRet(setup_stats(inst));
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
			nflog_sock_close(&del->sock);
			ifcache_close(&del->ifc);
		}
		if (del->stats)
			statsobj.Destruct(&del->stats);
		if (del->ratelimiter)
			ratelimitDestruct(del->ratelimiter);
		sum_table_free(del->summary);
		free_inst(del);
	}
	free(readbuf);
	readbuf = NULL;
ENDfreeCnf

/* Sequence numbers count every packet the kernel queued for the group, so
 * a jump is a loss (ENOBUFS or a full kernel batch buffer). */
static void track_seq(instanceConf_t *inst, const struct nflog_meta *m)
{
	if (!(m->has & NFM_SEQ))
		return;
	if (inst->have_seq && m->seq != inst->last_seq + 1 && m->seq > inst->last_seq)
		STATSCOUNTER_ADD(inst->ctrSeqGaps, inst->mutCtrSeqGaps,
				 (uint64_t)(m->seq - inst->last_seq - 1));
	inst->have_seq = true;
	inst->last_seq = m->seq;
}

static void submit(instanceConf_t *inst)
{
	uint64_t waited = im_submit(&inst->multisub);

	if (waited) {
		STATSCOUNTER_ADD(inst->ctrBlockedMs, inst->mutCtrBlockedMs, waited);
	}
}

/* msg is the kernel's line, or the fields' JSON document (what
 * $!all-json-plain would render of the tree, written without one); $! is
 * the tree unless fields="off". */
static rsRetVal build_msg(instanceConf_t *inst, struct nflog_work *w, smsg_t **ppMsg)
{
	char text[IM_MSG_MAX];
	bool complete;
	struct im_msgspec m = {&w->rec.tv,
			       text,
			       0,
			       pInputName,
			       inst->pBindRuleset,
			       inst->tag ? inst->tag : "kernel:",
			       inst->facility | inst->severity,
			       NULL,
			       NULL};

	if (inst->msg_json) {
		m.len = nflog_fields_text(&w->rec, &inst->opts, text, sizeof(text), &complete);
		if (!complete) {
			STATSCOUNTER_INC(inst->ctrJsonCut, inst->mutCtrJsonCut);
		}
	} else {
		m.len = nflog_text(&w->rec, inst->textflags, text, NFLOG_TEXT_MAX);
	}
	if (!inst->fields.none)
		m.json = nflog_fields_json(&w->rec, &inst->opts);
	return im_build_msg(&m, ppMsg);
}

static void add_msg(instanceConf_t *inst, smsg_t *pMsg)
{
	inst->multisub.ppMsgs[inst->multisub.nElem++] = pMsg;
	if (inst->multisub.nElem == inst->multisub.maxElem)
		submit(inst);
}

/* A summary the aggregator hands over (a sum_emit_fn): one message, msgid
 * nflog-summary, to summary.ruleset or the input's ruleset; its tree holds
 * all its fields whatever "fields" selects of a packet's. */
static void summary_emit(const struct sum_key *key, const char *prefix, const struct sum_stats *st,
			 void *ctx)
{
	instanceConf_t *inst = ctx;
	struct nflog_summary s = {key,
				  prefix,
				  st,
				  inst->sum_cfg.keymask,
				  (uint16_t)inst->group,
				  inst->sum_cfg.interval_ms / 1000};
	struct nflog_opts o = inst->opts;
	struct timeval tv = {(time_t)(st->last_us / 1000000), (suseconds_t)(st->last_us % 1000000)};
	char text[IM_MSG_MAX];
	bool complete = true;
	smsg_t *pMsg;
	struct im_msgspec m = {&tv,
			       text,
			       0,
			       pInputName,
			       inst->sum_ruleset ? inst->sum_ruleset : inst->pBindRuleset,
			       inst->tag ? inst->tag : "kernel:",
			       inst->facility | inst->severity,
			       NULL,
			       "nflog-summary"};

	o.select = NULL;
	if (inst->msg_json)
		m.len = nflog_summary_fields_text(&s, &o, text, sizeof(text), &complete);
	else
		m.len = nflog_summary_text(&s, text, sizeof(text));
	if (!complete) {
		STATSCOUNTER_INC(inst->ctrJsonCut, inst->mutCtrJsonCut);
	}
	if (!inst->fields.none)
		m.json = nflog_summary_json(&s, &o);
	if (im_build_msg(&m, &pMsg) != RS_RET_OK) {
		STATSCOUNTER_INC(inst->ctrNlErrors, inst->mutCtrNlErrors);
		return;
	}
	add_msg(inst, pMsg);
}

/* The packet is counted into a summary (true), or is to be logged. */
static bool summarized(instanceConf_t *inst, const struct nflog_work *w)
{
	struct sum_pkt p;

	nflog_summary_pkt(w, 0, &p);
	return sum_offer(inst->summary, &p, (uint64_t)nl_mono_ms()) == SUM_COUNTED;
}

/* The table's counters into impstats (the input thread's, or the stop's). */
static void summary_counters(instanceConf_t *inst)
{
	const struct sum_counters *c = sum_counters(inst->summary);

	inst->ctrSumPackets = c->summarized;
	inst->ctrSumEmitted = c->summaries;
	inst->ctrSumKeys = c->in_summary;
	inst->ctrSumOverflow = c->overflow;
}

static void handle_packet(instanceConf_t *inst, const struct nlmsghdr *nlh,
			  const struct timeval *now)
{
	struct nflog_work w;
	smsg_t *pMsg;

	if (nflog_prepare(&w, nlh, &inst->ifc, now) < 0) {
		STATSCOUNTER_INC(inst->ctrNlErrors, inst->mutCtrNlErrors);
		return;
	}
	STATSCOUNTER_INC(inst->ctrReceived, inst->mutCtrReceived);
	if (w.decode_error) {
		STATSCOUNTER_INC(inst->ctrDecodeErrors, inst->mutCtrDecodeErrors);
	}
	track_seq(inst, &w.meta);
	if (inst->summary && summarized(inst, &w))
		return;
	if (!im_within_ratelimit(inst->ratelimiter, inst->rl_interval > 0, inst->rl_name)) {
		STATSCOUNTER_INC(inst->ctrRateLimited, inst->mutCtrRateLimited);
		return;
	}
	if (build_msg(inst, &w, &pMsg) != RS_RET_OK) {
		STATSCOUNTER_INC(inst->ctrNlErrors, inst->mutCtrNlErrors);
		return;
	}
	STATSCOUNTER_INC(inst->ctrSubmitted, inst->mutCtrSubmitted);
	add_msg(inst, pMsg);
}

struct datagram {
	instanceConf_t *inst;
	struct timeval now;
};

/* A datagram may hold a batch of packet messages (qthreshold) closed by
 * NLMSG_DONE; anything else is counted and skipped. */
static void datagram_msg(const struct nlmsghdr *nlh, void *data)
{
	struct datagram *d = data;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		STATSCOUNTER_INC(d->inst->ctrNlErrors, d->inst->mutCtrNlErrors);
	} else if (nlh->nlmsg_type != NLMSG_DONE && nlh->nlmsg_type != NLMSG_NOOP) {
		handle_packet(d->inst, nlh, &d->now);
	}
}

/* What the kernel (datagrams that did not fit the socket buffer: each a
 * batch of packets, whose number seq.gaps tells) and nl_recv (on the group
 * and interface sockets) dropped since the last look, into the counters. */
static void count_drops(instanceConf_t *inst)
{
	uint32_t kernel = rcvbuf_drops(nflog_sock_fd(&inst->sock));

	if (kernel != inst->drops_seen) {
		STATSCOUNTER_ADD(inst->ctrKernelDrops, inst->mutCtrKernelDrops,
				 (uint32_t)(kernel - inst->drops_seen));
		inst->drops_seen = kernel;
	}
	uint64_t foreign = inst->drops.foreign + inst->ifc.drops.foreign + inst->sock.drops.foreign;
	uint64_t truncated = inst->drops.truncated + inst->ifc.drops.truncated;

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
}

/* One datagram of packets, received at *now (a spool_fn). */
static void handle_datagram(const uint8_t *buf, size_t len, const struct timeval *now, void *ctx)
{
	instanceConf_t *inst = ctx;
	struct datagram d = {inst, *now};

	if (!nl_datagram_walk(buf, len, datagram_msg, &d)) {
		STATSCOUNTER_INC(inst->ctrNlErrors, inst->mutCtrNlErrors);
	}
}

/* Read what the socket holds, DRAIN_MAX datagrams at most, and none once
 * rsyslogd stops its inputs (the stop's own reading takes over, within
 * its timeout): a burst that is left waits for the next round, after every
 * other socket had its turn. True when the socket was read to its end. */
static bool drain(instanceConf_t *inst)
{
	int fd = nflog_sock_fd(&inst->sock);
	struct timeval now;
	bool emptied = false;
	ssize_t n;

	for (int i = 0; i < DRAIN_MAX && glbl.GetGlobalInputTermState() == 0; i++) {
		n = nl_recv(fd, readbuf, READ_BUF_SIZE, MSG_DONTWAIT, &inst->drops);
		if (n < 0) {
			if (errno == ENOBUFS) {
				/* the kernel dropped packets: count, keep reading */
				STATSCOUNTER_INC(inst->ctrOverruns, inst->mutCtrOverruns);
				continue;
			}
			emptied = errno == EAGAIN;
			if (errno != EAGAIN && errno != EINTR) {
				STATSCOUNTER_INC(inst->ctrNlErrors, inst->mutCtrNlErrors);
			}
			break;
		}
		gettimeofday(&now, NULL);
		handle_datagram(readbuf, (size_t)n, &now, inst);
	}
	submit(inst);
	return emptied;
}

/* ---- stop: what the kernel holds is logged, or counted as lost ---- */

static void count_packet(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != NLMSG_ERROR && nlh->nlmsg_type != NLMSG_DONE &&
	    nlh->nlmsg_type != NLMSG_NOOP)
		++*(uint64_t *)data;
}

/* The packets left in the socket, read and counted but not decoded, until
 * it is empty (true) or the deadline passes (false). */
static bool count_rest(instanceConf_t *inst, int64_t deadline, uint64_t *left)
{
	int fd = nflog_sock_fd(&inst->sock);
	ssize_t n;

	while (nl_mono_ms() < deadline) {
		n = nl_recv(fd, readbuf, READ_BUF_SIZE, MSG_DONTWAIT, &inst->drops);
		if (n >= 0) {
			nl_datagram_walk(readbuf, (size_t)n, count_packet, left);
		} else if (errno == ENOBUFS) {
			inst->stop.overruns++;
		} else if (errno != EINTR) {
			return errno == EAGAIN;
		}
	}
	return false;
}

/* In the input thread, within inputs.timeout.shutdown (im-glue.h): each
 * group is unbound, so that the kernel sends the batch it holds and queues
 * no more (nflog_sock_unbind), and what its socket holds is moved into its
 * spool until 3/4 of the timeout; what is left then is read and counted,
 * not decoded, until 9/10. */
static void stop_read(void)
{
	int64_t read_until, count_until;
	instanceConf_t *inst;

	runModConf->stopping = IM_STOP_READING;
	for (inst = runModConf->root; inst; inst = inst->next) {
		inst->stop.end = SPOOL_CANCELLED; /* until read */
		if (inst->active && nflog_sock_unbind(&inst->sock, (uint16_t)inst->group) < 0)
			im_stop_warning("imnflog: group %d: cannot unbind at the stop (%s); "
					"reading what its socket holds",
					inst->group, strerror(errno));
	}
	im_stop_deadlines(im_stop_timeout_ms(), &read_until, &count_until);
	for (inst = runModConf->root; inst; inst = inst->next) {
		if (!inst->active)
			continue;
		inst->stop.end =
			spool_read(&inst->stop.spool, nflog_sock_fd(&inst->sock), READ_BUF_SIZE,
				   read_until, &inst->drops, &inst->stop.overruns);
		if (inst->stop.end != SPOOL_EMPTY)
			inst->stop.all = count_rest(inst, count_until, &inst->stop.left);
	}
	runModConf->stopping = IM_STOP_READ;
}

/* In rsyslogd's main thread, after the input thread (afterRun): each
 * group's spooled packets are logged, then what was left unread is named
 * in one warning. Nothing is done for a thread cancelled before its stop
 * began: it may have held a lock. A submit that blocks on a full queue
 * waits as it would have in the thread (doc/imnflog.md, "Stopping"). */
static void stop_log(void)
{
	char name[32];

	for (instanceConf_t *inst = runModConf->root; inst; inst = inst->next) {
		if (!inst->active || runModConf->stopping == IM_STOP_RUNNING)
			continue;
		spool_replay(&inst->stop.spool, handle_datagram, inst);
		if (inst->summary) {
			sum_flush(inst->summary, (uint64_t)nl_mono_ms());
			summary_counters(inst);
		}
		submit(inst);
		snprintf(name, sizeof(name), "imnflog: group %d", inst->group);
		if (inst->stop.end != SPOOL_EMPTY)
			im_stop_report(name, "packets", &inst->stop);
		STATSCOUNTER_ADD(inst->ctrOverruns, inst->mutCtrOverruns, inst->stop.overruns);
		count_drops(inst);
	}
}

static int build_pollset(struct pollfd *pfd, instanceConf_t **owner, int max)
{
	int n = 0;

	for (instanceConf_t *inst = runModConf->root; inst && n + 2 <= max; inst = inst->next) {
		if (!inst->active)
			continue;
		pfd[n] = (struct pollfd){.fd = nflog_sock_fd(&inst->sock), .events = POLLIN};
		owner[n++] = inst;
		pfd[n] = (struct pollfd){.fd = ifcache_fd(&inst->ifc), .events = POLLIN};
		owner[n++] = inst;
	}
	return n;
}

static void read_ready(const struct pollfd *pfd, instanceConf_t **owner, int n)
{
	/* interface changes first, so names of new interfaces resolve */
	for (int i = 1; i < n; i += 2)
		if (pfd[i].revents)
			ifcache_process(&owner[i]->ifc);
	for (int i = 0; i < n; i += 2) {
		if (pfd[i].revents)
			drain(owner[i]);
		count_drops(owner[i]);
	}
}

/* Summaries whose interval ended (at most once a second does work), from
 * the input thread after each poll, at least every POLL_MS. */
static void tick_summaries(void)
{
	for (instanceConf_t *inst = runModConf->root; inst; inst = inst->next) {
		if (!inst->active || !inst->summary)
			continue;
		sum_tick(inst->summary, (uint64_t)nl_mono_ms());
		submit(inst);
		summary_counters(inst);
	}
}

BEGINrunInput
	struct pollfd pfd[256];
	instanceConf_t *owner[256];
	int n;
	CODESTARTrunInput
	n = build_pollset(pfd, owner, 256);
	while (glbl.GetGlobalInputTermState() == 0) {
		/* a timeout, or EINTR from SIGTTIN at shutdown, reads nothing
		 * but the summaries' clock still runs */
		if (poll(pfd, (nfds_t)n, POLL_MS) > 0)
			read_ready(pfd, owner, n);
		tick_summaries();
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
		LogError(0, RS_RET_NO_RUN, "imnflog: no NFLOG group could be bound, input not run");
		ABORT_FINALIZE(RS_RET_NO_RUN);
	}
	if (active > 128)
		LogError(0, RS_RET_PARAM_ERROR, "imnflog: only the first 128 groups are served");
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
	CHKiRet(rsg_refuse_other_release("imnflog"));
	*ipIFVersProvided = CURR_MOD_IF_VERSION;
	CODEmodInit_QueryRegCFSLineHdlr
	CHKiRet(objUse(glbl, CORE_COMPONENT));
	CHKiRet(objUse(prop, CORE_COMPONENT));
	CHKiRet(objUse(ruleset, CORE_COMPONENT));
	CHKiRet(objUse(datetime, CORE_COMPONENT));
	CHKiRet(objUse(statsobj, CORE_COMPONENT));
	CHKiRet(prop.CreateStringProp(&pInputName, UCHAR_CONSTANT("imnflog"),
				      sizeof("imnflog") - 1));
ENDmodInit
