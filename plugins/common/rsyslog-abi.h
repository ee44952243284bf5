/* SPDX-License-Identifier: Apache-2.0 */
/* rsyslog's configuration macros change its struct layouts (NDEBUG adds or
 * removes the obj_t cookie), so a module must see the values the installed
 * rsyslogd was built with. rsyslog installs no config.h: configure derives
 * them from the rsyslog build in hand (rsyslogd -v, the libraries rsyslogd
 * links, the platform, the source's debian/rules) and passes them as -D
 * flags with RSYSLOG_BUILT_FOR, the release of the headers (see
 * doc/building.md). Include before any rsyslog header. */
#ifndef RSYSLOG_ABI_H
#define RSYSLOG_ABI_H

#ifndef RSYSLOG_BUILT_FOR
#error "rsyslog's configuration macros are missing: build with configure (RSYSLOG_ABI_CPPFLAGS)"
#endif

/* rsyslog's configure uses AC_USE_SYSTEM_EXTENSIONS */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#endif
