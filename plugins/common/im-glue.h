/* SPDX-License-Identifier: Apache-2.0 */
/* Glue both input modules share: configuration values, counters, and
 * turning one event into an rsyslog message. Like rsyslog's own
 * im-helper.h, include it after DEFobjCurrIf(datetime), (glbl) and
 * (statsobj): it uses the including module's interfaces. */
#ifndef IM_GLUE_H
#define IM_GLUE_H

#include <stdarg.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "jemit.h"
#include "netns.h"
#include "nlmsg.h"
#include "spool.h"

/* a message's text: the kernel line, or a JSON document of any size */
#define IM_MSG_MAX JE_RENDER_MAX

struct im_msgspec {
	const struct timeval *tv; /* message time */
	const char *text;	  /* msg */
	size_t len;
	prop_t *input;
	ruleset_t *ruleset;
	const char *tag;
	int pri;		   /* facility (LOG_* value, already shifted) | severity */
	struct fjson_object *json; /* the $! tree; ownership passes, may be NULL */
	const char *msgid;	   /* RFC 5424 MSGID ($msgid), may be NULL */
};

static inline char *im_estr_dup(struct cnfparamvals *v)
{
	return es_str2cstr(v->val.d.estr, NULL);
}

/* The index of w in the NULL-terminated list allowed, else a parse error
 * that names the module and the parameter. */
static inline rsRetVal im_parse_choice(const char *module, const char *param, const char *w,
				       const char *const *allowed, int *idx)
{
	for (int i = 0; allowed[i]; i++)
		if (strcmp(w, allowed[i]) == 0) {
			*idx = i;
			return RS_RET_OK;
		}
	char use[128] = "";
	size_t n = 0;

	for (int i = 0; allowed[i] && n < sizeof(use); i++)
		n += (size_t)snprintf(use + n, sizeof(use) - n, "%s%s",
				      i == 0	       ? ""
				      : allowed[i + 1] ? ", "
						       : " or ",
				      allowed[i]);
	parser_errmsg("%s: %s=\"%s\" is not valid; use %s", module, param, w, use);
	return RS_RET_PARAM_ERROR;
}

/* The words of an array parameter: ["new","destroy"], "new,destroy" and
 * "new, destroy" alike. Calls fn for each word and stops at its first
 * error. */
static inline rsRetVal im_array_words(struct cnfarray *ar, rsRetVal (*fn)(void *ctx, const char *w),
				      void *ctx)
{
	for (int i = 0; i < ar->nmemb; i++) {
		char *s = es_str2cstr(ar->arr[i], NULL), *save = NULL;
		rsRetVal r = RS_RET_OK;

		if (s == NULL)
			return RS_RET_OUT_OF_MEMORY;
		for (char *w = strtok_r(s, ", \t", &save); w && r == RS_RET_OK;
		     w = strtok_r(NULL, ", \t", &save))
			r = fn(ctx, w);
		free(s);
		if (r != RS_RET_OK)
			return r;
	}
	return RS_RET_OK;
}

static inline rsRetVal im_fields_word(void *ctx, const char *w)
{
	return je_fields_word(ctx, w) == 0 ? RS_RET_OK : RS_RET_OUT_OF_MEMORY;
}

static inline rsRetVal im_fields_resolve(const char *module, struct je_fields *f,
					 struct field_table *t, enum nf_schema schema)
{
	const char *bad = je_fields_resolve(f, t, schema);

	if (bad == NULL)
		return RS_RET_OK;
	if (bad[0] == '\0')
		parser_errmsg("%s: fields is \"on\", \"off\" or a list of field names, not both",
			      module);
	else
		parser_errmsg("%s: fields: '%s' is no field of schema %s (doc/fields.md)", module,
			      bad, schema == NF_SCHEMA_ECS ? "ecs" : "ulogd");
	return RS_RET_PARAM_ERROR;
}

static inline rsRetVal im_add_counter(statsobj_t *stats, const char *name, intctr_t *ctr)
{
	return statsobj.AddCounter(stats, (uchar *)name, ctrType_IntCtr, CTR_FLAG_RESETTABLE, ctr);
}

static inline rsRetVal im_build_msg(const struct im_msgspec *s, smsg_t **ppMsg)
{
	struct syslogTime st;
	struct timeval tv = *s->tv;
	struct fjson_object *json = s->json;
	smsg_t *pMsg = NULL;
	DEFiRet;

	datetime.timeval2syslogTime(&tv, &st, TIME_IN_LOCALTIME);
	CHKiRet(msgConstructWithTime(&pMsg, &st, tv.tv_sec));
	MsgSetRawMsg(pMsg, s->text, s->len);
	MsgSetMSGoffs(pMsg, 0);
	MsgSetInputName(pMsg, s->input);
	/* netlink sources cannot be slowed down: never block the reader */
	MsgSetFlowControlType(pMsg, eFLOWCTL_NO_DELAY);
	MsgSetRuleset(pMsg, s->ruleset);
	MsgSetHOSTNAME(pMsg, glblGetLocalHostName(), (int)ustrlen(glblGetLocalHostName()));
	MsgSetRcvFrom(pMsg, glbl.GetLocalHostNameProp());
	MsgSetRcvFromIP(pMsg, glbl.GetLocalHostIP());
	MsgSetTAG(pMsg, (const uchar *)s->tag, strlen(s->tag));
	msgSetPRI(pMsg, (syslog_pri_t)s->pri);
	if (s->msgid != NULL)
		CHKiRet(MsgSetMSGID(pMsg, s->msgid));
	if (json != NULL) {
		json = NULL; /* msgAddJSON owns it from here, even on failure */
		CHKiRet(msgAddJSON(pMsg, (uchar *)"!", s->json, 0, 0));
	}
	*ppMsg = pMsg;
	pMsg = NULL;
finalize_it:
	if (json != NULL)
		json_object_put(json);
	if (pMsg)
		msgDestruct(&pMsg);
	RETiRet;
}

/* Rate limiting without rsyslog's repeated-message reduction: a packet or
 * flow record is never "the same message again", and ratelimitAddMsg()
 * would fold identical ones into "message repeated N times" under
 * $RepeatedMsgReduction. Returns false when the message must be dropped. */
static inline bool im_within_ratelimit(ratelimit_t *rl, bool limited, const char *name)
{
	return !limited || ratelimitMsgCount(rl, time(NULL), name) == RS_RET_OK;
}

/* Hands the batch to rsyslog's queue. eFLOWCTL_NO_DELAY spares the reader
 * the queue's delay marks, but a full queue still holds each message up to
 * queue.timeoutEnqueue (main queue: 2000 ms) and then discards it
 * (runtime/queue.c doEnqSingleObj; counted there as discarded.full).
 * Returns how long that held the reader, in ms, when it did (10 ms or
 * more: a normal hand-over takes microseconds), else 0. */
static inline uint64_t im_submit(multi_submit_t *ms)
{
	struct timespec a, b;
	int64_t ms_waited;

	if (ms->nElem == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &a);
	multiSubmitFlush(ms);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms_waited =
		((int64_t)(b.tv_sec - a.tv_sec) * 1000000000 + (b.tv_nsec - a.tv_nsec)) / 1000000;
	return ms_waited >= 10 ? (uint64_t)ms_waited : 0;
}

/* Back in rsyslogd's own network namespace, or rsyslogd stops: a thread
 * left in an input's namespace would open every later socket there, a
 * container's among them. */
static inline void im_netns_leave(const char *module, struct netns_guard *g)
{
	int err = netns_leave(g);

	if (err == 0)
		return;
	LogError(-err, RS_RET_ERR,
		 "%s: cannot return to rsyslogd's own network namespace: rsyslogd stops, as "
		 "every later socket would open inside the input's namespace",
		 module);
	fprintf(stderr, "%s: cannot return to rsyslogd's own network namespace (%s): stopping\n",
		module, strerror(-err));
	exit(EXIT_FAILURE);
}

/* How long rsyslogd waits for an input thread to return once it asks it to
 * stop (inputs.timeout.shutdown, default 1000 ms), before it cancels the
 * thread (threads.c: thrdTerminateNonCancel). It asks in turn, after
 * setting the termination flag, so a thread that sees the flag has at
 * least this long. */
static inline int im_stop_timeout_ms(void)
{
	return runConf->globals.inputTimeoutShutdown;
}

/* A stop's two deadlines, from now: until the first (3/4 of the timeout)
 * the sockets are read into their spools (spool.h), until the second
 * (9/10) what is left is read and counted only; the last tenth is the
 * margin before rsyslogd cancels the thread, for a loaded machine's
 * scheduling. The spools are logged afterwards, in afterRun. */
static inline void im_stop_deadlines(int timeout, int64_t *log_until, int64_t *count_until)
{
	int64_t now = nl_mono_ms();

	*log_until = now + timeout * 3 / 4;
	*count_until = now + timeout * 9 / 10;
}

/* A warning while rsyslogd stops its inputs. LogMsg would only print it to
 * stderr then (rsyslogd.c: rsyslogd_submitErrMsg); an internal message
 * queued now is still written, after the inputs end (processImInternal),
 * as immark and imklog submit theirs. */
static inline void im_stop_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void im_stop_warning(const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	logmsgInternal(NO_ERRCODE, LOG_SYSLOG | LOG_WARNING, (const uchar *)text, 0);
}

/* The one warning of a stop that left some unread. name: the input
 * ("imnflog: group 61"); unit: what it reads ("packets"). */
static inline void im_stop_report(const char *name, const char *unit, const struct im_stop *st)
{
	int timeout = im_stop_timeout_ms();

	if (st->end == SPOOL_CANCELLED)
		im_stop_warning("%s: rsyslogd cancelled the input thread at the stop, when "
				"inputs.timeout.shutdown (%d ms) had passed: the %s still unread "
				"are lost, and were not counted",
				name, timeout, unit);
	else
		im_stop_warning("%s: %s%llu %s were still unread at the stop when %d ms of "
				"inputs.timeout.shutdown (%d ms) had passed, and are lost: %s",
				name, st->all ? "" : "at least ", (unsigned long long)st->left,
				unit, timeout * 3 / 4, timeout, im_stop_why(st));
}

#endif
