# Debian roots for the distro test, sourced after tests/integration/lib.sh.
# A minbase root per release comes from debootstrap and Debian's mirror
# only, and is cached as a tarball under build/distro/ (refreshed after
# CACHE_DAYS); downloaded packages are kept there too. Every command in a
# root runs in a mount namespace of its own, so nothing stays mounted.
DISTRO=$TOP/build/distro
MIRROR=http://deb.debian.org/debian
CACHE_DAYS=7
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
	cat > "$root/etc/apt/sources.list" <<SRC
deb $MIRROR $rel main
deb $MIRROR $rel-updates main
deb http://deb.debian.org/debian-security $rel-security main
SRC
	printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	echo "$rel" > "$root/.release"
	rm -f "$root"/var/cache/apt/archives/*.deb
}

# minbase_tarball RELEASE: the cached minbase root of RELEASE, debootstrapped
# when missing or older than CACHE_DAYS. Prints its path.
minbase_tarball() {
	local rel=$1 tarball=$DISTRO/$1-minbase.tar root=$DISTRO/$1-minbase.new
	if [ -z "$(find "$tarball" -mtime -"$CACHE_DAYS" 2> /dev/null)" ]; then
		rm -rf "$root"
		mkdir -p "$DISTRO"
		debootstrap --variant=minbase "$rel" "$root" "$MIRROR" > "$DISTRO/debootstrap-$rel.log" 2>&1 ||
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
