# SPDX-License-Identifier: Apache-2.0
# Debian roots for the distro test, sourced after tests/integration/lib.sh.
# A minbase root per release comes from debootstrap and the Debian archives
# of this machine's own apt sources (a local mirror or proxy stays in use),
# and is cached as a tarball under build/distro/ (refreshed after
# CACHE_DAYS); downloaded packages are kept there too. Every command in a
# root runs in a mount namespace of its own, so nothing stays mounted.
DISTRO=$TOP/build/distro
CACHE_DAYS=7

# archive_of SUITE: the URI of the archive this machine's apt sources
# name for SUITE (as written there, or the archive's codename)
archive_of() {
	apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(CODENAME)' "Identifier: Packages" 2> /dev/null |
		awk -v s="$1" '$2 == s || $3 == s { sub(/\/$/, "", $1); print $1; exit }'
}

# debian_mirror: the archive of this machine's own release
debian_mirror() { archive_of "$(. /etc/os-release && echo "$VERSION_CODENAME")"; }

# debian_sources RELEASE: sources.list lines for RELEASE, its updates and
# security suites, from the archives that serve this machine's release
debian_sources() {
	local host main security
	host=$(. /etc/os-release && echo "$VERSION_CODENAME")
	main=$(archive_of "$host") security=$(archive_of "$host-security")
	[ -n "$main" ] || { echo "# no apt source of this machine serves $host: no mirror for the roots" >&2; return 1; }
	echo "deb $main $1 main"
	echo "deb $main $1-updates main"
	[ -z "$security" ] || echo "deb $security $1-security main"
}
APT=(apt-get -qq -o APT::Sandbox::User=root)

# in_root ROOT CMD...: CMD chrooted in ROOT with /proc and the release's
# package cache mounted
in_root() {
	local root=$1 rel
	shift
	rel=$(cat "$root/.release")
	mkdir -p "$DISTRO/apt-$rel/partial"
	unshare -m --propagation private sh -c '
		mount -t proc proc "$1/proc" && mount --bind "$2" "$1/var/cache/apt/archives" || exit 1
		shift 2; exec chroot "$@"' sh "$root" "$DISTRO/apt-$rel" "$root" \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

# The release's suites, package indexes included; no service is started
# by a package (policy-rc.d): the test starts its own rsyslogd.
prepare_minbase() {
	local root=$1 rel=$2
	debian_sources "$rel" > "$root/etc/apt/sources.list" || return 1
	printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	echo "$rel" > "$root/.release"
	rm -f "$root"/var/cache/apt/archives/*.deb
}

# minbase_tarball RELEASE: the cached minbase root of RELEASE, debootstrapped
# when missing or older than CACHE_DAYS. Prints its path.
minbase_tarball() {
	local rel=$1 tarball=$DISTRO/$1-minbase.tar root=$DISTRO/$1-minbase.new mirror
	if [ -z "$(find "$tarball" -mtime -"$CACHE_DAYS" 2> /dev/null)" ]; then
		mirror=$(debian_mirror)
		[ -n "$mirror" ] || { echo "# no apt source of this machine serves its release: no mirror for debootstrap" >&2; return 1; }
		rm -rf "$root"
		mkdir -p "$DISTRO"
		debootstrap --variant=minbase "$rel" "$root" "$mirror" > "$DISTRO/debootstrap-$rel.log" 2>&1 ||
			{ echo "# debootstrap $rel failed: $DISTRO/debootstrap-$rel.log" >&2; return 1; }
		prepare_minbase "$root" "$rel"
		tar -C "$root" -cf "$tarball.new" . && mv "$tarball.new" "$tarball"
		rm -rf "$root"
	fi
	echo "$tarball"
}

# new_root RELEASE DIR: a clean minbase root of RELEASE in DIR, its package
# indexes current
new_root() {
	mkdir -p "$2"
	tar -C "$2" -xf "$DISTRO/$1-minbase.tar"
	cp /etc/resolv.conf "$2/etc/resolv.conf"
	in_root "$2" "${APT[@]}" update
}
