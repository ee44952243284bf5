#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A crash while a gap is open leaves it marked. An input with a 16 KiB
# buffer is overrun by a conntrack churn, so that each look at its socket
# finds drops and the gap stays open; the state file says so at once
# (workDirectory/imnfct-nat.RULESET.NETNS.ZONE.state). rsyslogd is killed
# (SIGKILL: no stop, no E), the churn stops, and the next start writes B
# from the time the records were complete until, then a G for the gap the
# crash left open, within that span.
. "$(dirname "$0")/lib.sh"
require_root
RS_MODS=imnfct
ns_add F
cc -O2 -o "$W/ctinsert" "$TOP/tests/tools/ctinsert.c" -lmnl -lnetfilter_conntrack ||
	{ notok "build ctinsert"; exit 1; }
nsx F nft add table ip t # conntrack active in the namespace
rs_conf "
ruleset(name=\"drop\") { stop }
ruleset(name=\"nat\" queue.type=\"Direct\") { action(type=\"omfile\" file=\"$W/nat.log\" template=\"msgline\") }
input(type=\"imnfct\" netns=\"${NSP}F\" ruleset=\"drop\" fields=\"off\" rcvbuf=\"16k\" rcvbuf.max=\"16k\" nat.ruleset=\"nat\")
"
STATE="$W/imnfct-nat.nat.${NSP}F.any.state"
rs_start
wait_for 10 grep -q "^B " "$W/nat.log" || notok "the stream began"
nsx F "$W/ctinsert" 2000000 50000 > /dev/null &
CHURN=$!
wait_for 30 grep -q " gap " "$STATE" || notok "the state file holds the open gap"
kill -KILL "$RS_PID"
wait "$RS_PID" 2> /dev/null
kill "$CHURN" 2> /dev/null
wait "$CHURN" 2> /dev/null
SAVED=$(tr -s ' ' < "$STATE")
echo "# state at the crash: $SAVED"
nsx F conntrack -F 2> /dev/null
rs_start
wait_for 10 test "$(grep -c '^B ' "$W/nat.log")" = 2 || notok "the stream began again"
rs_stop
read -r COMPLETE _ GFROM GTO GLOST <<< "$SAVED"
# the new start's first two lines
AFTER=$(awk '/^B / {n++} n == 2' "$W/nat.log" | head -n2 | sed 's/ seq=[0-9]*$//')
read -r _ BPREV BNOW _ <<< "$(echo "$AFTER" | head -n1)"
expect_eq "the next start: B from the last complete time, then the crash's G" \
	"B $COMPLETE $BNOW start
G $GFROM $GTO lost=>$GLOST crash" "$AFTER"
expect_eq "the gap lies within B's span, and events were lost in it" "yes" \
	"$([ "$COMPLETE" -le "$GFROM" ] && [ "$GFROM" -le "$GTO" ] && [ "$GTO" -le "$BNOW" ] &&
		[ "$GLOST" -gt 0 ] && echo yes || echo "no: $SAVED / $AFTER")"
expect_eq "no E for the crashed run" 0 "$(awk '/^B / {n++} n == 1 && /^E /' "$W/nat.log" | wc -l)"
exit $FAILED
