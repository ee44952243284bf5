/* SPDX-License-Identifier: Apache-2.0 */
/* The stop's spool (plugins/common/spool.h): order, receive times, chunk
 * boundaries, its memory limit, and spool_read on a real kernel socket. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "nlmsg.h"
#include "spool.h"
#include "unit.h"

struct seen {
	uint64_t n, bytes, bad;
};

/* Datagram i is i % 251 + 1 bytes, each byte (uint8_t)i, received at i s. */
static size_t len_of(uint64_t i)
{
	return (size_t)(i % 251) + 1;
}

static void check_one(const uint8_t *buf, size_t len, const struct timeval *tv, void *ctx)
{
	struct seen *s = ctx;
	bool ok = len == len_of(s->n) && tv->tv_sec == (time_t)s->n && tv->tv_usec == 7;

	for (size_t k = 0; ok && k < len; k++)
		ok = buf[k] == (uint8_t)s->n;
	s->bad += !ok;
	s->n++;
	s->bytes += len;
}

static bool put(struct spool *sp, uint64_t i, size_t reserve)
{
	uint8_t *p = spool_reserve(sp, reserve);
	struct timeval tv = {(time_t)i, 7};

	if (p == NULL)
		return false;
	memset(p, (uint8_t)i, len_of(i));
	spool_commit(sp, len_of(i), &tv);
	return true;
}

/* 100,000 datagrams, each reserved as 64 KiB as the modules do: many
 * chunks, each record whole, in order, with its time. */
static void test_order_and_chunks(void)
{
	struct spool sp = {0};
	struct seen s = {0};
	uint64_t bytes = 0;

	for (uint64_t i = 0; i < 100000; i++) {
		CHECK("reserve", put(&sp, i, 65536));
		bytes += len_of(i);
	}
	CHECK_EQ("committed", 100000, sp.datagrams);
	CHECK_EQ("bytes", bytes, sp.bytes);
	CHECK("several chunks", sp.allocated > SPOOL_CHUNK);
	spool_replay(&sp, check_one, &s);
	CHECK_EQ("replayed", 100000, s.n);
	CHECK_EQ("every datagram as committed", 0, s.bad);
	CHECK_EQ("bytes replayed", bytes, s.bytes);
	CHECK("empty after", sp.head == NULL && sp.datagrams == 0 && sp.allocated == 0);
	spool_replay(&sp, check_one, &s);
	CHECK_EQ("an empty spool replays nothing", 100000, s.n);
}

/* A reserve larger than a chunk gets a chunk of its own. */
static void test_large_datagram(void)
{
	struct spool sp = {0};
	uint8_t *p = spool_reserve(&sp, SPOOL_CHUNK + 1000);
	struct timeval tv = {1, 2};

	CHECK("large reserve", p != NULL);
	if (p == NULL)
		return;
	memset(p, 0xab, SPOOL_CHUNK + 1000);
	spool_commit(&sp, SPOOL_CHUNK + 1000, &tv);
	CHECK_EQ("one", 1, sp.datagrams);
	spool_free(&sp);
	CHECK("freed", sp.head == NULL);
}

/* The limit: reserves stop before it, the spool says it is full, what was
 * committed stays, and the limit survives a replay. */
static void test_limit(void)
{
	struct spool sp = {.limit = 1 << 20};
	struct seen s = {0};
	uint64_t n = 0;

	while (put(&sp, n, 65536))
		n++;
	CHECK("full", sp.full);
	CHECK("some held", n > 1000);
	CHECK("allocated within the limit", sp.allocated <= sp.limit);
	CHECK("a reserve above the limit is refused", spool_reserve(&sp, 2 << 20) == NULL);
	spool_replay(&sp, check_one, &s);
	CHECK_EQ("all held replayed", n, s.n);
	CHECK_EQ("intact", 0, s.bad);
	CHECK_EQ("limit kept", 1 << 20, sp.limit);
	CHECK("a limit below one datagram holds none", spool_reserve(&sp, 2 << 20) == NULL);
	spool_free(&sp);
}

/* A dump of the links from the kernel's routing socket, read whole: the
 * datagrams in order, the last one NLMSG_DONE; then the socket is empty. */
struct dump {
	int datagrams, done, links;
};

static void count_dump(const uint8_t *buf, size_t len, const struct timeval *tv, void *ctx)
{
	struct dump *d = ctx;
	const struct nlmsghdr *h = (const void *)buf;

	(void)tv;
	d->datagrams++;
	for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		d->links += h->nlmsg_type == RTM_NEWLINK;
		d->done += h->nlmsg_type == NLMSG_DONE;
	}
}

static void test_read_kernel_socket(void)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {{sizeof(req), RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, 0}, {0}};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct sockaddr_nl k = {.nl_family = AF_NETLINK};
	struct nl_rx_drops drops = {0};
	struct spool sp = {0};
	struct dump d = {0};
	uint64_t overruns = 0;
	enum spool_end end = SPOOL_CANCELLED;

	CHECK("socket", fd >= 0);
	if (fd < 0)
		return;
	CHECK("request", sendto(fd, &req, sizeof(req), 0, (void *)&k, sizeof(k)) == sizeof(req));
	usleep(100000); /* the dump is made as it is read; what is there now */
	for (int i = 0; i < 100 && d.done == 0; i++) {
		end = spool_read(&sp, fd, 65536, nl_mono_ms() + 1000, &drops, &overruns);
		spool_replay(&sp, count_dump, &d);
	}
	CHECK_EQ("read to its end", SPOOL_EMPTY, end);
	CHECK_EQ("the dump ends once", 1, d.done);
	CHECK("links", d.links >= 1);
	CHECK_EQ("no overrun", 0, overruns);
	CHECK_EQ("nothing foreign", 0, drops.foreign);
	CHECK_EQ("a deadline already passed reads nothing", SPOOL_DEADLINE,
		 spool_read(&sp, fd, 65536, nl_mono_ms() - 1, &drops, &overruns));
	CHECK_EQ("and holds nothing", 0, sp.datagrams);
	close(fd);
}

static void test_why(void)
{
	struct im_stop st = {.end = SPOOL_LIMIT};

	CHECK_STR("limit",
		  "the stop's memory, stop.maxmemory, was used up: a larger one lets it "
		  "hold more",
		  im_stop_why(&st));
	st.end = SPOOL_DEADLINE;
	CHECK_STR("deadline",
		  "reading them would have taken longer: a longer inputs.timeout.shutdown gives "
		  "the stop more time",
		  im_stop_why(&st));
}

int main(void)
{
	RUN(test_order_and_chunks);
	RUN(test_large_datagram);
	RUN(test_limit);
	RUN(test_read_kernel_socket);
	RUN(test_why);
	UNIT_EXIT();
}
