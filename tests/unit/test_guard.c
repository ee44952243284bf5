/* SPDX-License-Identifier: Apache-2.0 */
/* The load-time guard's pure part: finding the release in an rsyslogd
 * image (here: crafted buffers, and this program's own image, which holds a
 * banner as rsyslogd's does) and the error it gives. */
#include <stdlib.h>

#include "rsyslog-guard.h"
#include "unit.h"

/* What rsyslogd's -v prints first, as its image holds it; the only banner
 * in this program (the buffers below are built at run time). */
__attribute__((used)) static const char own_banner[] =
	"rsyslogd  8.2999.0 (aka %4d.%2.2d) compiled with:\n";

/* "rsyslogd  " + release + tail, with junk before: an image in small */
static size_t image(char *buf, size_t size, const char *release, const char *tail)
{
	return (size_t)snprintf(buf, size,
				"\x7f"
				"ELF\x01junk rsyslogd%s%s%s",
				"  ", release, tail);
}

static void test_release_in_image(void)
{
	char img[256], out[RSG_RELEASE_MAX];
	size_t n = image(img, sizeof(img), "8.2302.0", " (aka %4d.%2.2d) compiled with:\n");

	CHECK_EQ("length", 8, rsg_release_in(img, n, out, sizeof(out)));
	CHECK_STR("8.2302.0", "8.2302.0", out);
	n = image(img, sizeof(img), "8.2504.0", " (aka %4d.%2.2d) compiled with:\n");
	CHECK_EQ("length", 8, rsg_release_in(img, n, out, sizeof(out)));
	CHECK_STR("8.2504.0", "8.2504.0", out);
	n = image(img, sizeof(img), "8.2410.0.master", " (aka ");
	CHECK_EQ("snapshot release", 15, rsg_release_in(img, n, out, sizeof(out)));
	CHECK_STR("snapshot release", "8.2410.0.master", out);
}

/* "rsyslogd  " also starts other strings: only the banner counts */
static void test_other_strings_skipped(void)
{
	char img[256], out[RSG_RELEASE_MAX];
	size_t n = (size_t)snprintf(img, sizeof(img),
				    "rsyslogd  %s: %s%crsyslogd  was HUPed%c"
				    "rsyslogd%s8.2302.0 (aka 2023.02)",
				    "x", "y", 0, 0, "  ");

	CHECK_EQ("banner after look-alikes", 8, rsg_release_in(img, n, out, sizeof(out)));
	CHECK_STR("banner after look-alikes", "8.2302.0", out);
}

static void test_no_banner(void)
{
	char img[256], out[RSG_RELEASE_MAX] = "untouched";
	size_t n;

	n = image(img, sizeof(img), "8.2302.0", " compiled with:");
	CHECK_EQ("no (aka", 0, rsg_release_in(img, n, out, sizeof(out)));
	n = image(img, sizeof(img), "", " (aka ");
	CHECK_EQ("no release", 0, rsg_release_in(img, n, out, sizeof(out)));
	n = image(img, sizeof(img), "8.2302.0 ", " (aka ");
	CHECK_EQ("release then two spaces", 0, rsg_release_in(img, n, out, sizeof(out)));
	CHECK_EQ("empty image", 0, rsg_release_in(img, 0, out, sizeof(out)));
	CHECK_STR("out untouched", "untouched", out);
}

/* the image ends inside the banner: nothing read past its end */
static void test_truncated_banner(void)
{
	char full[64], out[RSG_RELEASE_MAX];
	size_t whole = image(full, sizeof(full), "8.2302.0", " (aka 2023.02)");

	for (size_t len = 0; len < whole - strlen("2023.02)"); len++) {
		char *img = malloc(len ? len : 1);

		memcpy(img, full, len);
		CHECK_EQ("truncated", 0, rsg_release_in(img, len, out, sizeof(out)));
		free(img);
	}
}

static void test_release_longer_than_out(void)
{
	char img[256], out[8];
	size_t n = image(img, sizeof(img), "8.2302.0", " (aka ");

	CHECK_EQ("does not fit 8 bytes", 0, rsg_release_in(img, n, out, sizeof(out)));
}

/* The running program's own image, as the modules search rsyslogd's */
static void test_running_release(void)
{
	char out[RSG_RELEASE_MAX];

	CHECK_EQ("own image", 8, rsg_running_release(out));
	CHECK_STR("own image", "8.2999.0", out);
}

static void test_mismatch_message(void)
{
	char msg[512] = "untouched";

	CHECK("same release", !rsg_mismatch(msg, sizeof(msg), "imnflog", "8.2302.0", "8.2302.0"));
	CHECK_STR("no message", "untouched", msg);
	CHECK("other release", rsg_mismatch(msg, sizeof(msg), "imnflog", "8.2302.0", "8.2504.0"));
	CHECK_STR("message",
		  "imnflog: built for rsyslog 8.2302.0, but this rsyslogd is 8.2504.0: module not "
		  "loaded, its inputs do not start. Install the rsyslog-netfilter package built "
		  "for rsyslog 8.2504.0, or rebuild the module against it (scripts/build-deb)",
		  msg);
}

int main(void)
{
	RUN(test_release_in_image);
	RUN(test_other_strings_skipped);
	RUN(test_no_banner);
	RUN(test_truncated_banner);
	RUN(test_release_longer_than_out);
	RUN(test_running_release);
	RUN(test_mismatch_message);
	UNIT_EXIT();
}
