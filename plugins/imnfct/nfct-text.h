/* The line `conntrack -E -o extended,id` prints for an event, without its
 * leading alignment: the same library call (nfct_snprintf) and the same
 * USERSPACE suffix as conntrack-tools' event_cb. */
#ifndef NFCT_TEXT_H
#define NFCT_TEXT_H

#include <stddef.h>

struct nlmsghdr;

#define NFCT_TEXT_MAX 1024

/* type: NFCT_T_NEW, _UPDATE or _DESTROY. Returns the length, 0 if the
 * message could not be parsed. */
size_t nfct_text(const struct nlmsghdr *nlh, int type, char *buf, size_t size);

#endif
