#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The deb-src entries take their archives from the machine's own apt
# sources, never a mirror written into a script: with apt pointed (through
# APT_CONFIG, nothing under /etc touched) at two archives on loopback that
# serve the installed rsyslog release, one in a deb822 file and one in a
# one-line list, scripts/fetch-rsyslog-src --source-entry names exactly
# those archives with their Signed-By, and tests/distro's roots use the
# same archives for both releases.
. "$(dirname "$0")/lib.sh"
require_root
VER=$(dpkg-query -W -f='${Version}' rsyslog)
ARCH=$(dpkg --print-architecture)
REL=$(. /etc/os-release && echo "$VERSION_CODENAME")
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
PORT=$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
URI=http://127.0.0.1:$PORT

# archive PATH SUITE: an archive under $W/www/PATH whose SUITE serves the
# installed rsyslog (its Packages stanza; apt is never asked to download it)
archive() {
	local d=$W/www/$1/dists/$2 idx=main/binary-$ARCH/Packages
	mkdir -p "$d/main/binary-$ARCH"
	printf 'Package: rsyslog\nVersion: %s\nArchitecture: %s\nFilename: pool/main/r/rsyslog/rsyslog_%s_%s.deb\nSize: 1\nDescription: test\n' \
		"$VER" "$ARCH" "${VER#*:}" "$ARCH" > "$d/$idx"
	printf 'Suite: %s\nCodename: %s\nArchitectures: %s\nComponents: main\nSHA256:\n %s %s %s\n' "$2" "$2" "$ARCH" \
		"$(sha256sum < "$d/$idx" | cut -d' ' -f1)" "$(stat -c %s "$d/$idx")" "$idx" > "$d/Release"
}
archive mirror/debian "$REL"
archive mirror/debian-security "$REL-security"
(cd "$W/www" && exec python3 -m http.server --bind 127.0.0.1 "$PORT") > "$W/http.log" 2>&1 &
HTTP=$!
ON_EXIT="kill $HTTP"
mkdir -p "$W/sources.list.d" "$W/lists/partial" "$W/cache/archives/partial"
cat > "$W/sources.list.d/local.sources" <<SRC
Types: deb
URIs: $URI/mirror/debian
Suites: $REL
Components: main
Trusted: yes
Signed-By: $KEYRING
SRC
echo "deb [trusted=yes signed-by=$KEYRING] $URI/mirror/debian-security $REL-security main" > "$W/sources.list"
cat > "$W/apt.conf" <<CONF
Dir::Etc::SourceList "$W/sources.list";
Dir::Etc::SourceParts "$W/sources.list.d";
Dir::State::Lists "$W/lists";
Dir::Cache "$W/cache";
Acquire::http::Proxy::127.0.0.1 "DIRECT";
CONF
export APT_CONFIG=$W/apt.conf
for _ in $(seq 50); do grep -q "Serving" "$W/http.log" 2> /dev/null && break; sleep 0.1; done
if apt-get update -qq > "$W/update.log" 2>&1; then ok "apt reads the loopback archives"; else
	notok "apt reads the loopback archives"; sed 's/^/#  /' "$W/update.log"
fi

want="Types: deb-src
URIs: $URI/mirror/debian-security
Suites: $REL-security
Components: main
Signed-By: $KEYRING

Types: deb-src
URIs: $URI/mirror/debian
Suites: $REL
Components: main
Signed-By: $KEYRING"
got=$("$TOP/scripts/fetch-rsyslog-src" --source-entry 2>&1)
if [ "$got" = "$want" ]; then ok "the deb-src entry names the archives that serve rsyslog $VER"; else
	notok "the deb-src entry names the archives that serve rsyslog $VER"
	diff <(echo "$want") <(echo "$got") | sed 's/^/#  /'
fi

. "$TOP/tests/distro/roots.sh"
got=$(for r in bookworm trixie; do debian_sources "$r"; done)
want="deb $URI/mirror/debian bookworm main
deb $URI/mirror/debian bookworm-updates main
deb $URI/mirror/debian-security bookworm-security main
deb $URI/mirror/debian trixie main
deb $URI/mirror/debian trixie-updates main
deb $URI/mirror/debian-security trixie-security main"
if [ "$got" = "$want" ] && [ "$(debian_mirror)" = "$URI/mirror/debian" ]; then
	ok "tests/distro's roots use the same archives, for either release"
else
	notok "tests/distro's roots use the same archives, for either release"
	diff <(echo "$want") <(echo "$got") | sed 's/^/#  /'
	echo "# debian_mirror: $(debian_mirror)"
fi
exit $FAILED
