/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "rsyslog-guard.h"

#include <link.h>
#include <stdio.h>
#include <string.h>

#define BANNER	    "rsyslogd  "
#define BANNER_TAIL " (aka "

/* rsyslog VERSION characters: digits and dots, and the letters, "~", "+"
 * and "-" of a distribution's or a snapshot's release. */
static bool is_release_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '.' || c == '~' || c == '+' || c == '-';
}

/* The release that starts at p, when "p[0..n) (aka " follows. */
static size_t release_at(const char *p, const char *end, char *out, size_t size)
{
	size_t n = 0;

	while (p + n < end && is_release_char(p[n]))
		n++;
	if (n == 0 || n >= size || (size_t)(end - (p + n)) < sizeof(BANNER_TAIL) - 1 ||
	    memcmp(p + n, BANNER_TAIL, sizeof(BANNER_TAIL) - 1) != 0)
		return 0;
	memcpy(out, p, n);
	out[n] = '\0';
	return n;
}

size_t rsg_release_in(const char *image, size_t len, char *out, size_t size)
{
	const char *end = image + len, *p = image;

	while (p < end && (p = memmem(p, end - p, BANNER, sizeof(BANNER) - 1)) != NULL) {
		size_t n;

		p += sizeof(BANNER) - 1;
		if ((n = release_at(p, end, out, size)) > 0)
			return n;
	}
	return 0;
}

/* A banner starting in one chunk ends in the chunk and the overlap after */
#define CHUNK	4096
#define OVERLAP (sizeof(BANNER) + RSG_RELEASE_MAX + sizeof(BANNER_TAIL))

/* Under ASan the loaded image holds the redzones of other objects' data:
 * it is read uninstrumented, a byte at a time (no memcpy, which ASan
 * checks), into a buffer that is searched as any other. */
__attribute__((no_sanitize("address"))) static void copy_loaded(char *dst, const char *src,
								size_t n)
{
	const volatile char *v = src;

	for (size_t i = 0; i < n; i++)
		dst[i] = v[i];
}

static size_t release_in_loaded(const char *seg, size_t len, char *out)
{
	char buf[CHUNK + OVERLAP];
	size_t found = 0;

	for (size_t off = 0; off < len && found == 0; off += CHUNK) {
		size_t n = len - off < sizeof(buf) ? len - off : sizeof(buf);

		copy_loaded(buf, seg + off, n);
		found = rsg_release_in(buf, n, out, RSG_RELEASE_MAX);
	}
	return found;
}

struct search {
	char *out;
	size_t found;
};

/* dl_iterate_phdr reports the main program first: only its readable
 * segments are searched, so no string of a loaded module can answer. */
static int search_main_program(struct dl_phdr_info *info, size_t info_size, void *arg)
{
	struct search *s = arg;

	(void)info_size;
	for (int i = 0; i < info->dlpi_phnum && s->found == 0; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_R))
			s->found = release_in_loaded((const char *)(info->dlpi_addr + ph->p_vaddr),
						     ph->p_memsz, s->out);
	}
	return 1;
}

size_t rsg_running_release(char out[RSG_RELEASE_MAX])
{
	struct search s = {out, 0};

	dl_iterate_phdr(search_main_program, &s);
	return s.found;
}

bool rsg_mismatch(char *msg, size_t size, const char *module, const char *built_for,
		  const char *running)
{
	if (strcmp(built_for, running) == 0)
		return false;
	snprintf(msg, size,
		 "%s: built for rsyslog %s, but this rsyslogd is %s: module not loaded, its "
		 "inputs do not start. Install the rsyslog-netfilter package built for rsyslog "
		 "%s, or rebuild the module against it (scripts/build-deb)",
		 module, built_for, running, running);
	return true;
}
