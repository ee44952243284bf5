/* SPDX-License-Identifier: Apache-2.0 */
/* nlsend PID PROTOCOL HEX: send one netlink datagram (hex) from a process of
 * our own, as a forger would, to every netlink socket of PROTOCOL (12
 * netfilter, 0 route) that process PID holds in the current network
 * namespace. Sockets are found by matching /proc/net/netlink inodes with
 * /proc/PID/fd. Prints how many sockets it sent to. Needs CAP_NET_ADMIN. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>

static int owns_inode(const char *pid, unsigned long inode)
{
	char dir[64], path[320], link[64], want[64];
	struct dirent *d;
	DIR *fds;
	int found = 0;

	snprintf(dir, sizeof(dir), "/proc/%s/fd", pid);
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	if ((fds = opendir(dir)) == NULL)
		return 0;
	while (!found && (d = readdir(fds)) != NULL) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			found = strcmp(link, want) == 0;
		}
	}
	closedir(fds);
	return found;
}

/* /proc/net/netlink may list a socket twice while its hash table grows */
static int seen_before(unsigned long inode)
{
	static unsigned long seen[1024];
	static size_t n;

	for (size_t i = 0; i < n; i++)
		if (seen[i] == inode)
			return 1;
	if (n < sizeof(seen) / sizeof(seen[0]))
		seen[n++] = inode;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned char msg[65536];
	char line[512];
	size_t len = 0;
	int proto, fd, sent = 0;
	FILE *f;

	if (argc != 4) {
		fprintf(stderr, "usage: nlsend PID PROTOCOL HEX\n");
		return 2;
	}
	proto = atoi(argv[2]);
	for (const char *h = argv[3]; h[0] && h[1] && len < sizeof(msg); h += 2)
		sscanf(h, "%2hhx", &msg[len++]);
	fd = socket(AF_NETLINK, SOCK_RAW, proto);
	f = fopen("/proc/net/netlink", "r");
	if (fd < 0 || f == NULL) {
		perror("nlsend");
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long sk, inode, portid, groups;
		int eth;
		struct sockaddr_nl to = {.nl_family = AF_NETLINK};

		/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
		if (sscanf(line, "%lx %d %lu %lx %*s %*s %*s %*s %*s %lu", &sk, &eth, &portid,
			   &groups, &inode) != 5 ||
		    eth != proto || !owns_inode(argv[1], inode) || seen_before(inode))
			continue;
		to.nl_pid = (unsigned)portid;
		if (sendto(fd, msg, len, 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)len)
			sent++;
	}
	fclose(f);
	printf("%d\n", sent);
	return sent ? 0 : 1;
}
