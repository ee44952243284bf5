#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A stop with a backlog loses nothing uncounted. rsyslogd is frozen
# (SIGSTOP) while UDP packets pass a logging rule, so that they wait in its
# NFLOG socket and in the kernel's batch; then it gets SIGCONT and SIGTERM
# at once. Every packet the rule's nft counter counted is a line or counted
# as lost (the stop's message): with the default inputs.timeout.shutdown
# (1 s) 150,000 packets are all lines (the stop reads them into memory
# within the timeout and logs them after); when the stop's memory
# (stop.maxmemory="1m") holds only some, the rest is counted, the sum exact,
# and the loss named with its cause.
. "$(dirname "$0")/lib.sh"
require_root
two_hosts A B
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook input priority 0;
		udp dport 9 counter log group 61 drop
	}
}
NFT

counted() { nsx B nft list table inet t | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p'; }

# stop_with_backlog NAME PACKETS [INPUT_PARAMETERS]: sets SENT, COUNTED, LINES, LOST
stop_with_backlog() {
	rs_conf "
ruleset(name=\"out\") { action(type=\"omfile\" file=\"$W/lines-$1\" template=\"msgline\") }
input(type=\"imnflog\" group=\"61\" netns=\"${NSP}B\" ruleset=\"out\" rcvbuf=\"256m\" ${3:-})
"
	rs_start env RSYSLOG_DEBUG_TIMEOUTS_TO_STDERR=on # prints a cancellation
	local before
	before=$(counted)
	kill -STOP "$RS_PID"
	SENT=$(nsx A python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range($2):
    s.sendto(b'%d' % i, ('10.200.0.2', 9))
print($2)")
	kill -CONT "$RS_PID"
	kill -TERM "$RS_PID"
	for _ in $(seq 600); do kill -0 "$RS_PID" 2> /dev/null || break; sleep 0.1; done
	COUNTED=$(($(counted) - before))
	LINES=$(cat "$W/lines-$1" 2> /dev/null | wc -l)
	LOST=$(sed -n 's/.*imnflog: group 61: \(at least \)\{0,1\}\([0-9]*\) packets were still unread at the stop.*/\2/p' "$W/internal")
	echo "# $1: sent $SENT, counted by nft $COUNTED, lines $LINES, counted as lost ${LOST:-0}"
}

stop_with_backlog default 150000
expect_eq "default timeout: every counted packet of a 150,000 backlog is a line" "150000 150000 -" \
	"$COUNTED $LINES ${LOST:--}"
expect_eq "default timeout: the input thread was not cancelled" "" "$(grep -i "cancel" "$W/rs.stdout")"

stop_with_backlog memory 150000 'stop.maxmemory="1m"'
expect_eq "1 MiB: lines and counted losses add up to what nft counted" "150000 150000" \
	"$COUNTED $((LINES + ${LOST:-0}))"
expect_eq "1 MiB: the loss is named, exactly, with its cause" yes "$([ "${LOST:-0}" -gt 0 ] &&
	grep -q "imnflog: group 61: $LOST packets were still unread at the stop when 750 ms of inputs.timeout.shutdown (1000 ms) had passed, and are lost: the stop's memory, stop.maxmemory, was used up: a larger one lets it hold more$" "$W/internal" && echo yes)"
exit $FAILED
