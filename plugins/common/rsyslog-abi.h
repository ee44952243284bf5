/* The configuration macros rsyslog's own config.h sets for Debian's
 * rsyslogd 8.2302.0 (non-debug build, atomics). rsyslog installs no SDK, and
 * these change struct layouts (NDEBUG adds or removes the obj_t cookie), so
 * they must match the daemon exactly. Include before any rsyslog header. */
#ifndef RSYSLOG_ABI_H
#define RSYSLOG_ABI_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#define NDEBUG			   1
#define OS_LINUX		   1
#define HAVE_ATOMIC_BUILTINS	   1
#define HAVE_ATOMIC_BUILTINS64	   1
#define HAVE_STRNDUP		   1
#define HAVE_PTHREAD_SETSCHEDPARAM 1
#define HAVE_LSEEK64		   1
#define HAVE_OFF64_T		   1
#define FEATURE_REGEXP		   1
#define SYSLOG_INET		   1
#define USE_LIBUUID		   1
#define HAVE_SYS_EPOLL_H	   1

#endif
