#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The package on Debian 12 (bookworm) and Debian 13 (trixie), each built
# against its own rsyslog: one built on this machine, the other in a root
# of the other release; each installed with apt into a clean minbase root
# of its release. There, that release's rsyslogd, started from the
# installed package with the shipped snippets as README.Debian enables
# them, logs an NFLOG packet and a conntrack flow in a network namespace
# (exact lines), and refuses the modules built for the other release
# (the guard's message, inputs not started); apt refuses the other
# release's package; each release's lintian has nothing to say but one
# explained note.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/roots.sh"
. "$(dirname "$0")/checks.sh"
require_root
START=$(date +%s)
HOST_REL=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
case $HOST_REL in
bookworm) OTHER_REL=trixie ;;
trixie) OTHER_REL=bookworm ;;
*) echo "ok - $TNAME: skipped, runs on Debian 12 or 13 # SKIP"; exit 0 ;;
esac
MODS_IN_DEB=${SYSMODS#/}
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

# release_of DEB: the rsyslog release its version names
release_of() { dpkg-deb -f "$1" Version | sed 's/.*+rsyslog//'; }

# build_root REL: $DISTRO/REL-build, a root of REL kept between runs for
# building and REL's lintian (build dependencies and fetched rsyslog
# source stay)
build_root() {
	local root=$DISTRO/$1-build
	{
		if [ -z "$(find "$root/.release" -mtime -"$CACHE_DAYS" 2> /dev/null)" ]; then
			rm -rf "$root"
			new_root "$1" "$root" || return 1
		else
			cp /etc/resolv.conf "$root/etc/resolv.conf"
			in_root "$root" "${APT[@]}" update || return 1
		fi
		[ -x "$root/usr/bin/lintian" ] ||
			in_root "$root" "${APT[@]}" install -y --no-install-recommends lintian || return 1
	} > "$W/build-root-$1.log" 2>&1
	echo "$root"
}

# build_in_root REL OUT: scripts/build-deb in REL's build root on a copy of
# this tree (its build/ stays: the fetched rsyslog source); the package to OUT
build_in_root() {
	local root src
	root=$(build_root "$1") && [ -f "$root/.release" ] || return 1
	src=$root/root/rsyslog-netfilter
	mkdir -p "$src" "$root/root/out"
	find "$src" -mindepth 1 -maxdepth 1 ! -name build -exec rm -rf {} +
	"$TOP/scripts/source-files" | (cd "$TOP" && tar --null -T - -cf -) | tar -xf - -C "$src"
	in_root "$root" /root/rsyslog-netfilter/scripts/build-deb /root/out > "$W/build-$1.log" 2>&1 ||
		{ cat "$W/build-$1.log" "$src/build/deb/build.log" 2> /dev/null | tail -n 40 | sed 's/^/#  /'; return 1; }
	cp "$root"/root/out/rsyslog-netfilter_*.deb "$2/"
}

mkdir -p "$W/deb/$HOST_REL" "$W/deb/$OTHER_REL"
# This machine's package builds while the roots download and the other
# release's builds; scripts/check runs the unit tests here already.
DEB_BUILD_OPTIONS=nocheck "$TOP/scripts/build-deb" "$W/deb/$HOST_REL" > "$W/build-$HOST_REL.log" 2>&1 &
HOST_BUILD=$!
minbase_tarball bookworm > "$W/minbase-bookworm.log" 2>&1 &
MB1=$!
minbase_tarball trixie > "$W/minbase-trixie.log" 2>&1 &
MB2=$!
if ! wait $MB1 || ! wait $MB2; then
	notok "minbase roots"
	sed 's/^/#  /' "$W"/minbase-*.log
	wait $HOST_BUILD
	exit 1
fi
if build_in_root "$OTHER_REL" "$W/deb/$OTHER_REL"; then
	ok "package built in a $OTHER_REL root"
else
	notok "package built in a $OTHER_REL root"
fi
if wait $HOST_BUILD; then
	ok "package built on this machine ($HOST_REL)"
else
	notok "package built on this machine ($HOST_REL)"
	tail -n 40 "$W/build-$HOST_REL.log" | sed 's/^/#  /'
fi
DEB_bookworm=$(ls "$W"/deb/bookworm/rsyslog-netfilter_*.deb 2> /dev/null)
DEB_trixie=$(ls "$W"/deb/trixie/rsyslog-netfilter_*.deb 2> /dev/null)
[ -n "$DEB_bookworm" ] && [ -n "$DEB_trixie" ] || exit 1
echo "# packages: $(stat -c '%n %s bytes' "$DEB_bookworm" "$DEB_trixie" | sed "s|$W/deb/[a-z]*/||" | paste -sd,)"

for rel in bookworm trixie; do
	own=DEB_$rel
	other=DEB_$([ $rel = bookworm ] && echo trixie || echo bookworm)
	test_release "$rel" "${!own}" "${!other}"
done

# Each package, its source package too, by its own release's lintian:
# nothing, but Debian 13's notes the Standards-Version of Debian 12's policy
# that the one debian/control keeps (4.7.2 would be a warning on Debian 12).
lintian_says() {
	case $1 in
	trixie) echo "I: rsyslog-netfilter source: out-of-date-standards-version 4.6.2 (released 2022-12-17) (current is 4.7.2)" ;;
	esac
}
expect_eq "$HOST_REL package: lintian" "$(lintian_says "$HOST_REL")" \
	"$(lintian --pedantic --display-info "$TOP"/build/deb/*.changes 2> /dev/null)"
expect_eq "$OTHER_REL package: lintian of $OTHER_REL" "$(lintian_says "$OTHER_REL")" \
	"$(in_root "$DISTRO/$OTHER_REL-build" sh -c 'lintian --pedantic --display-info /root/rsyslog-netfilter/build/deb/*.changes' 2> /dev/null)"
echo "# distro test: $(($(date +%s) - START)) s"
