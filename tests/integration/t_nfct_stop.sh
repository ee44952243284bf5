#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A stop during a flush loses nothing uncounted. rsyslogd is frozen
# (SIGSTOP) while conntrack -F destroys the namespace's flows, so that their
# DESTROY events wait in imnfct's socket; then it gets SIGCONT and SIGTERM
# at once. Every flow is a DESTROY line or counted as lost in the stop's
# warning, and the NAT stream ends with E, after a G naming that loss if
# there is one: with the default inputs.timeout.shutdown (1 s) the 100,000
# DESTROY events of a flush are all lines (the stop reads them into memory
# within the timeout and logs them after); when the stop's memory
# (stop.maxmemory="1m") holds only some, the lines and the counted loss add
# up exactly.
. "$(dirname "$0")/lib.sh"
require_root
RS_MODS=imnfct
ns_add F
cc -O2 -o "$W/ctinsert" "$TOP/tests/tools/ctinsert.c" -lmnl -lnetfilter_conntrack ||
	{ notok "build ctinsert"; exit 1; }
nsx F nft add table ip t # conntrack active in the namespace

# stop_in_flush NAME FLOWS [INPUT_PARAMETERS]: sets LINES, LOST, MARKERS
stop_in_flush() {
	rs_conf "
template(name=\"id\" type=\"string\" string=\"%\$!netfilter!ct!id% %\$!source!ip%:%\$!source!port%\\n\")
ruleset(name=\"d\" queue.type=\"Direct\") { action(type=\"omfile\" file=\"$W/destroy-$1\" template=\"id\") }
ruleset(name=\"nat\" queue.type=\"Direct\") { action(type=\"omfile\" file=\"$W/nat-$1\" template=\"msgline\") }
input(type=\"imnfct\" netns=\"${NSP}F\" ruleset=\"d\" nat.ruleset=\"nat\" events=\"destroy\" sysctl=\"on\" ${3:-})
"
	rs_start env RSYSLOG_DEBUG_TIMEOUTS_TO_STDERR=on # prints a cancellation
	expect_eq "$1: flows created" "$2" "$(nsx F "$W/ctinsert" "$2")"
	wait_for 30 grep -q "^B " "$W/nat-$1"
	kill -STOP "$RS_PID"
	nsx F conntrack -F 2> /dev/null
	kill -CONT "$RS_PID"
	kill -TERM "$RS_PID"
	for _ in $(seq 600); do kill -0 "$RS_PID" 2> /dev/null || break; sleep 0.1; done
	LINES=$(sort -u "$W/destroy-$1" | wc -l)
	LOST=$(sed -n 's/.*imnfct: \(at least \)\{0,1\}\([0-9]*\) conntrack events were still unread at the stop.*/\2/p' "$W/internal")
	MARKERS=$(grep -v "^[OACR] " "$W/nat-$1" | sed 's/ seq=[0-9]*$//' | cut -d' ' -f1,4- | paste -sd' ')
	echo "# $1: $2 flows flushed, $LINES DESTROY lines, counted as lost ${LOST:-0}; markers: $MARKERS"
	expect_eq "$1: the input thread was not cancelled" "" "$(grep -i "cancel" "$W/rs.stdout")"
}

stop_in_flush default 100000
expect_eq "default timeout: every flow of the flush is a DESTROY line" "100000 -" "$LINES ${LOST:--}"
expect_eq "default timeout: the NAT stream starts and stops, no gap" "B start E stop" "$MARKERS"

stop_in_flush memory 100000 'stop.maxmemory="1m"'
expect_eq "1 MiB: lines and counted losses add up to the flows" 100000 "$((LINES + ${LOST:-0}))"
expect_eq "1 MiB: the loss is named with its cause, and a G marker carries it before E" \
	"yes B start G lost=$LOST stop E stop" \
	"$(grep -q "imnfct: $LOST conntrack events were still unread at the stop when 750 ms of inputs.timeout.shutdown (1000 ms) had passed, and are lost: the stop's memory, stop.maxmemory, was used up: a larger one lets it hold more$" "$W/internal" &&
		[ "${LOST:-0}" -gt 0 ] && echo yes) $MARKERS"
exit $FAILED
