#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# One group flooded past what the input can take (four log statements per
# packet, a sender that does not pace) for up to 30 s; a second group gets 300
# packets during the flood. All 300 are logged while the flood lasts, the
# flooded group's losses are counted, and SIGTERM in the middle of it ends
# rsyslogd within 2 s, cooperatively (no cancellation of the input thread).
. "$(dirname "$0")/lib.sh"
require_root
two_hosts A B
cc -O2 -o "$W/flood" "$TOP/bench/nflog/flood.c" || { notok "build flood"; exit 1; }
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook input priority 0;
		udp dport 9 log group 51 log group 51 log group 51 log group 51 drop
		udp dport 7001 log group 52 drop
	}
}
NFT
rs_conf "
ruleset(name=\"flood\" queue.type=\"Direct\") {
	action(type=\"omfile\" file=\"$W/flood.json\" template=\"jsonline\") }
ruleset(name=\"probe\" queue.type=\"Direct\") {
	action(type=\"omfile\" file=\"$W/probe.msg\" template=\"msgline\") }
input(type=\"imnflog\" group=\"51\" netns=\"${NSP}B\" ruleset=\"flood\")
input(type=\"imnflog\" group=\"52\" netns=\"${NSP}B\" ruleset=\"probe\")
"
RSYSLOG_DEBUG_TIMEOUTS_TO_STDERR=on rs_start env RSYSLOG_DEBUG_TIMEOUTS_TO_STDERR=on
{ nsx A "$W/flood" 10.200.0.2 9 10000000 30 > "$W/sent" 2> "$W/flood.err"; } 2> /dev/null &
FLOOD=$!
sleep 0.5
# 300 probes over 6 s, while the flood runs
nsx A python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(300):
    s.sendto(b'probe %d' % i, ('10.200.0.2', 7001))
    time.sleep(0.02)"
wait_lines "$W/probe.msg" 300
expect_eq "flood still running" running "$(kill -0 $FLOOD 2>/dev/null && echo running)"
expect_eq "all 300 probes logged while the flood lasts" 300 "$(wc -l < "$W/probe.msg")"
# SIGTERM in the middle of the flood
T0=$(date +%s%N)
kill -TERM "$RS_PID"
for _ in $(seq 100); do kill -0 "$RS_PID" 2>/dev/null || break; sleep 0.05; done
T1=$(date +%s%N)
echo "# SIGTERM during the flood: rsyslogd ended after $(( (T1 - T0) / 1000000 )) ms"
expect_eq "SIGTERM during the flood: rsyslogd ends within 2 s" yes \
  "$([ $(( (T1 - T0) / 1000000 )) -lt 2000 ] && ! kill -0 "$RS_PID" 2>/dev/null && echo yes)"
expect_eq "the input thread was not cancelled" "" "$(grep -i "cancel" "$W/rs.stdout")"
pkill -f "^$W/flood "
wait $FLOOD 2> /dev/null
expect_eq "the flooded group's losses are counted" yes "$(python3 -c "
import json, sys
rows = [json.loads(l[l.index('{'):]) for l in open('$W/stats') if 'imnflog(group 51' in l]
last = rows[-1]
print('# flooded group: received', last['received'], 'submitted', last['submitted'], 'seq.gaps', last['seq.gaps'], 'kernel.drops', last['kernel.drops'], file=sys.stderr)
print('yes' if last['seq.gaps'] > 0 or last['kernel.drops'] > 0 else 'no: ' + json.dumps(last))")"
