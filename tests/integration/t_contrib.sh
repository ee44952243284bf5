#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The layout of contrib/ as a user meets it, checked with rsyslogd -N1:
# - contrib/rsyslog.d/ is safe to copy as a whole: every snippet passes
#   alone (with its module file) and all together;
# - each example of contrib/examples/ names what to fill in: left as
#   shipped, -N1 fails and names every placeholder; filled in, it passes
#   together with all of contrib/rsyslog.d (with the `call` its header
#   asks for);
# - every file starts with a comment saying what it does.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/contrib.sh"
require_root
need rsyslog-elasticsearch rsyslog-pgsql rsyslog-relp
n1() { rsyslogd -N1 -f "$1" -M "$MODDIR" > "$W/n1.out" 2>&1; }

for f in "$TOP"/contrib/rsyslog.d/*.conf "$TOP"/contrib/examples/*.conf "$TOP"/contrib/fail2ban/*/*.conf \
	 "$TOP"/contrib/logrotate.d/* "$TOP"/contrib/sql/* "$TOP"/contrib/elasticsearch/setup; do
	case $(sed -n '1{/^#!/n;p}' "$f") in
	"# "* | "-- "*) ;;
	*) notok "${f#"$TOP"/} starts with a comment" ;;
	esac
done
ok "every snippet, example and script starts with a comment"

mkdir -p "$W/rs.d"
cp "$TOP"/contrib/rsyslog.d/*.conf "$W/rs.d/"
for f in "$W"/rs.d/*.conf; do
	n=$(basename "$f")
	case $n in
	00-*) continue ;;
	*imnfct*) mod=00-imnfct-module.conf ;;
	*imnflog*) mod=00-imnflog-module.conf ;;
	*) mod= ;;
	esac
	{
		printf 'global(workDirectory="%s")\n' "$W"
		[ -n "$mod" ] && printf 'include(file="%s/rs.d/%s")\n' "$W" "$mod"
		printf 'include(file="%s")\n' "$f"
	} > "$W/one.conf"
	if n1 "$W/one.conf"; then ok "rsyslog.d/$n passes -N1"; else notok "rsyslog.d/$n passes -N1"; sed 's/^/#  /' "$W/n1.out"; fi
done
printf 'global(workDirectory="%s")\ninclude(file="%s/rs.d/*.conf")\n' "$W" "$W" > "$W/all.conf"
if n1 "$W/all.conf"; then ok "all of rsyslog.d passes -N1 together"; else
	notok "all of rsyslog.d passes -N1 together"; sed 's/^/#  /' "$W/n1.out"; fi

# the files a filled-in example points at must exist (omrelp, imrelp and
# omelasticsearch open certificates at -N1)
touch "$W/cert.pem"
for f in "$TOP"/contrib/examples/*.conf; do
	n=$(basename "$f")
	cp "$f" "$W/ex.conf"
	places=$(grep -v '^#' "$f" | grep -o '`FILL-IN [^`]*`' | sort -u)
	if [ -n "$places" ]; then
		printf 'global(workDirectory="%s")\ninclude(file="%s/rs.d/00-*.conf")\ninclude(file="%s/ex.conf")\n' "$W" "$W" "$W" > "$W/ex-only.conf"
		n1 "$W/ex-only.conf"
		expect_eq "examples/$n as shipped: -N1 names every placeholder" "$places" \
		  "$(sed -n "s/.*error during parsing file .*ex.conf, on or before line [0-9]*: invalid backtick parameter \(\`FILL-IN [^\`]*\`\).*/\1/p" "$W/n1.out" | sort -u)"
		while read -r p; do
			case $p in
			*file*) v=$W/cert.pem ;;
			*) v=placeholder.example.net ;;
			esac
			fill "$W/ex.conf" "$(echo "$p" | sed 's/^`FILL-IN //; s/`$//')" "$v"
		done <<< "$places"
	fi
	# the call the header asks to add to the ruleset of the conntrack input
	callee=$(sed -n 's/.*call \([a-z-]*\)  *to the ruleset "nfct".*/\1/p' "$f")
	sed "s/^ruleset(name=\"nfct\" queue.type=\"Direct\") {$/&${callee:+\\n\\tcall $callee}/" "$W/rs.d/50-imnfct.conf" > "$W/50.conf"
	# the variant replaces 20-imnflog-kernlog.conf; plain TCP and RELP both use group 5
	skip=
	case $n in 20-*) skip=20-imnflog-kernlog.conf ;; esac
	{
		printf 'global(workDirectory="%s")\n' "$W"
		for s in "$W"/rs.d/*.conf; do
			case $(basename "$s") in 50-imnfct.conf | "$skip") continue ;; esac
			printf 'include(file="%s")\n' "$s"
		done
		printf 'include(file="%s/50.conf")\ninclude(file="%s/ex.conf")\n' "$W" "$W"
	} > "$W/ex-all.conf"
	if n1 "$W/ex-all.conf"; then ok "examples/$n filled in passes -N1 with all of rsyslog.d"; else
		notok "examples/$n filled in passes -N1 with all of rsyslog.d"; sed 's/^/#  /' "$W/n1.out"; fi
done
