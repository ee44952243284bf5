#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Every drop is counted: a flood into a tiny socket buffer overruns it; the
# kernel's sequence numbers then count exactly the packets lost
# (seq.gaps = sent - received); ENOBUFS shows in overruns, the datagrams the
# socket dropped in kernel.drops. Rate
# limiting counts its discards.
. "$(dirname "$0")/lib.sh"
require_root
two_hosts A B
cc -O2 -o "$W/flood" "$TOP/bench/nflog/flood.c" || { notok "build flood"; exit 1; }
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook input priority 0;
		ip saddr 10.200.0.1 udp dport 9 log group 1 drop
		ip saddr 10.200.0.1 udp dport 10 log group 2 drop
	}
}
NFT
rs_conf "
ruleset(name=\"flood\") { action(type=\"omfile\" file=\"$W/flood.msg\" template=\"msgline\") }
ruleset(name=\"rl\") { action(type=\"omfile\" file=\"$W/rl.msg\" template=\"msgline\") }
input(type=\"imnflog\" group=\"1\" netns=\"${NSP}B\" rcvbuf=\"1\" ruleset=\"flood\")
input(type=\"imnflog\" group=\"2\" netns=\"${NSP}B\" ruleset=\"rl\" ratelimit.interval=\"60\" ratelimit.burst=\"5\")
"
rs_start
SENT=$(nsx A "$W/flood" 10.200.0.2 9 200000 1)
nsx A "$W/flood" 10.200.0.2 10 20000 0.005 > "$W/rl.sent"
quiesce "$W/flood.msg" "$W/rl.msg"
rs_stop
GOT=$(wc -l < "$W/flood.msg")
stats() { grep "imnflog(group $1 " "$W/stats" | tail -1; }
num() { stats "$1" | grep -o "\"$2\": [0-9]*" | grep -o '[0-9]*$'; }
expect_eq "overrun happened (overruns and kernel.drops > 0)" "yes yes" \
  "$([ "$(num 1 overruns)" -gt 0 ] && echo yes) $([ "$(num 1 kernel.drops)" -gt 0 ] && echo yes)"
expect_eq "seq.gaps counts exactly the packets lost" "$((SENT - GOT))" "$(num 1 seq.gaps)"
expect_eq "received and submitted agree with the output" "$GOT $GOT" "$(num 1 received) $(num 1 submitted)"
expect_eq "rate limiting: 5 pass, the rest counted" "5 $(($(cat "$W/rl.sent") - 5))" \
  "$(grep -c 'PROTO=UDP' "$W/rl.msg") $(num 2 ratelimit.discarded)"

# A full queue: eFLOWCTL_NO_DELAY spares the reader the delay marks, not
# queue.timeoutEnqueue. The action blocks on a FIFO nobody reads, the
# ruleset queue (10 messages) fills, each further message waits 200 ms and
# is discarded: the reader's wait shows in submit.blocked.ms, the discards
# in the queue's discarded.full.
mkfifo "$W/fifo"
rs_conf "
ruleset(name=\"stuck\" queue.type=\"LinkedList\" queue.size=\"10\" queue.timeoutEnqueue=\"200\"
	queue.timeoutShutdown=\"100\" queue.timeoutActionCompletion=\"100\") {
	action(type=\"omfile\" file=\"$W/fifo\" template=\"msgline\") }
input(type=\"imnflog\" group=\"2\" netns=\"${NSP}B\" ruleset=\"stuck\")
"
rs_start
nsx A "$W/flood" 10.200.0.2 10 2000 0.5 > /dev/null
blocked_and_discarded() {
	[ "$(num 2 submit.blocked.ms)" -ge 1000 ] 2> /dev/null &&
		grep '"name": "stuck' "$W/stats" | tail -1 | grep -q '"discarded.full": [1-9]'
}
wait_for 30 blocked_and_discarded
cat "$W/fifo" > /dev/null & # unblock the action so rsyslogd can stop
rs_stop
expect_eq "waits on a full queue counted" yes \
  "$([ "$(num 2 submit.blocked.ms)" -ge 1000 ] && echo yes)"
expect_eq "the queue counted its discards" yes \
  "$([ "$(grep '"name": "stuck' "$W/stats" | tail -1 | grep -o '"discarded.full": [0-9]*' | grep -o '[0-9]*$')" -gt 0 ] && echo yes)"
