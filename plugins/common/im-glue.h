/* Glue both input modules share: configuration values, counters, and
 * turning one event into an rsyslog message. Like rsyslog's own
 * im-helper.h, include it after DEFobjCurrIf(datetime), (glbl) and
 * (statsobj): it uses the including module's interfaces. */
#ifndef IM_GLUE_H
#define IM_GLUE_H

#include <string.h>
#include <sys/time.h>

struct im_msgspec {
	const struct timeval *tv; /* message time */
	const char *text;	  /* msg */
	size_t len;
	prop_t *input;
	ruleset_t *ruleset;
	const char *tag;
	int pri;		   /* facility (LOG_* value, already shifted) | severity */
	struct fjson_object *json; /* the $! tree; ownership passes, may be NULL */
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
	parser_errmsg("%s: %s=\"%s\" is not valid", module, param, w);
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

#endif
