#!/bin/bash
# The shipped contrib/rsyslog.d snippets pass rsyslogd -N1, together, as a
# user would install them.
. "$(dirname "$0")/lib.sh"
require_root
mkdir -p "$W/rsyslog.d"
cp "$TOP"/contrib/rsyslog.d/*.conf "$W/rsyslog.d/"
cat > "$W/main.conf" <<CONF
global(workDirectory="$W")
include(file="$W/rsyslog.d/*.conf")
CONF
for f in "$W"/rsyslog.d/*.conf; do
	n=$(basename "$f")
	case $n in
	00-*) continue ;;
	30-*elasticsearch*) [ -f "$SYSMODS/omelasticsearch.so" ] || { ok "$n skipped: rsyslog-elasticsearch not installed # SKIP"; continue; } ;;
	70-*pgsql*) [ -f "$SYSMODS/ompgsql.so" ] || { ok "$n skipped: rsyslog-pgsql not installed # SKIP"; continue; } ;;
	esac
	case $n in *imnfct*) mod=00-imnfct-module.conf ;; *) mod=00-imnflog-module.conf ;; esac
	printf 'global(workDirectory="%s")\ninclude(file="%s/rsyslog.d/%s")\ninclude(file="%s")\n' "$W" "$W" "$mod" "$f" > "$W/one.conf"
	if rsyslogd -N1 -f "$W/one.conf" -M "$MODDIR" > "$W/n1.out" 2>&1; then ok "$n passes -N1"; else
		notok "$n passes -N1"; sed 's/^/#  /' "$W/n1.out"; fi
done
if rsyslogd -N1 -f "$W/main.conf" -M "$MODDIR" > "$W/n1.out" 2>&1; then ok "all snippets together pass -N1"; else
	notok "all snippets together pass -N1"; sed 's/^/#  /' "$W/n1.out"; fi
