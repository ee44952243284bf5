/* SPDX-License-Identifier: Apache-2.0 */
/* The guard's rsyslog side, compiled with each module: RSYSLOG_BUILT_FOR is
 * the release of the rsyslog source the module was compiled against (from
 * configure). Only LogError and LogMsg are called, both unchanged since
 * v8, so that a module of another release can still say so. */
#include "rsyslog-abi.h"

#include "rsyslog.h"

#include <syslog.h>

#include "errmsg.h"
#include "rsyslog-guard.h"

int rsg_refuse_other_release(const char *module)
{
	char running[RSG_RELEASE_MAX], msg[512];

	if (rsg_running_release(running) == 0) {
		/* objUse() still checks the interface versions */
		LogMsg(0, NO_ERRCODE, LOG_WARNING,
		       "%s: no rsyslog release found in this rsyslogd's image; the module built "
		       "for rsyslog %s is loaded unchecked",
		       module, RSYSLOG_BUILT_FOR);
		return RS_RET_OK;
	}
	if (!rsg_mismatch(msg, sizeof(msg), module, RSYSLOG_BUILT_FOR, running))
		return RS_RET_OK;
	LogError(0, NO_ERRCODE, "%s", msg);
	return RS_RET_MODULE_LOAD_ERR_INIT_FAILED;
}
