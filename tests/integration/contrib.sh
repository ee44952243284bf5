# SPDX-License-Identifier: Apache-2.0
# Helpers for the tests of contrib/, sourced after lib.sh: the shipped files
# are copied as a user would install them, with only their placeholders
# filled and their paths and namespaces pointed at the test's own.

# need PKG...: each Debian package installed, else one "not ok" naming it
need() {
	local p
	for p; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			{ notok "needs package $p"; exit 1; }
	done
}

# install SRC DST [NETNS]: SRC (relative to contrib/) as DST, its files
# under /var/log moved to $W/log, its imnflog/imnfct inputs put in NETNS
install_snippet() {
	sed -e "s|/var/log/|$W/log/|g" \
	    ${3:+-e "s|input(type=\"imnflog\" |input(type=\"imnflog\" netns=\"$3\" |"} \
	    ${3:+-e "s|input(type=\"imnfct\" |input(type=\"imnfct\" netns=\"$3\" |"} \
	    "$TOP/contrib/$1" > "$2"
}

# fill FILE PLACEHOLDER VALUE: `FILL-IN PLACEHOLDER` becomes "VALUE"
fill() {
	python3 - "$@" <<'PY'
import sys
path, what, value = sys.argv[1:4]
text = open(path).read()
mark = "`FILL-IN %s`" % what
if mark not in text:
    sys.exit("no placeholder %s in %s" % (mark, path))
open(path, "w").write(text.replace(mark, '"%s"' % value))
PY
}

# free_port: a TCP port nothing listens on at the moment
free_port() {
	python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
}

# stat_of NAME COUNTER: the last value impstats wrote for object NAME
stat_of() {
	python3 - "$W/stats" "$1" "$2" <<'PY'
import json, sys
v = None
for line in open(sys.argv[1]):
    o = json.loads(line[line.index("{"):])
    if o.get("name") == sys.argv[2] and sys.argv[3] in o:
        v = o[sys.argv[3]]
print(v)
PY
}
