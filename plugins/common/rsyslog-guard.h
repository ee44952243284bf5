/* SPDX-License-Identifier: Apache-2.0 */
/* The load-time guard: a module compiled against the headers of one rsyslog
 * release must not run in another. rsyslog checks interface versions, not
 * releases, and interfaces have grown between releases without a new
 * version number, so a module built for another release can load and then
 * corrupt memory. rsyslogd exports no version symbol, but its -v banner,
 * "rsyslogd  VERSION (aka ...", is a string in its image, the same in
 * every release since v8. Pure C: no rsyslog types. */
#ifndef RSYSLOG_GUARD_H
#define RSYSLOG_GUARD_H

#include <stdbool.h>
#include <stddef.h>

/* longer than any rsyslog VERSION ("8.2504.0") with room to spare */
#define RSG_RELEASE_MAX 32

/* The release named by the first banner in image[0..len): copied to out
 * (NUL-terminated), its length returned; 0 when there is none. */
size_t rsg_release_in(const char *image, size_t len, char *out, size_t size);

/* The release of the program this process runs, read from its loaded
 * segments (no file, no /proc: works in a chroot and after the binary was
 * replaced on disk); 0 when its image holds no banner. */
size_t rsg_running_release(char out[RSG_RELEASE_MAX]);

/* The one error when running differs from built_for: module, both releases
 * and what to do. false (msg untouched) when they are the same. */
bool rsg_mismatch(char *msg, size_t size, const char *module, const char *built_for,
		  const char *running);

/* For the modules' modInit, before any objUse(): 0 when the running
 * rsyslogd is the release the module was built for, else the error above
 * logged through rsyslog and an rsyslog error code returned
 * (rsyslog-guard-im.c, compiled with the module). */
int rsg_refuse_other_release(const char *module);

#endif
