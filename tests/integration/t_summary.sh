#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Flood summaries (imnflog summary.*), live: a flood of 20,000 TCP SYNs at
# 5,000 a second to one port, each numbered by its sequence, and beside it a
# quiet key of 150 at 50 a second to another port, both through one log
# rule's group, summary.threshold 100, summary.interval 2. Every packet the
# nft counters counted is a line or inside a summary, exactly; the flood's
# lines are its first packets, in a row; the quiet key is all lines. Then
# rsyslogd gets SIGTERM during a second flood: the open summary is written
# before it exits.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/contrib.sh"
require_root
two_hosts A B
nsx B nft add table inet t
nsx B nft add chain inet t in '{ type filter hook input priority 0; }'
nsx B nft add rule inet t in tcp dport 9 counter log prefix '"to sum "' group 6 drop
nsx B nft add rule inet t in tcp dport 8 counter log prefix '"to sum "' group 6 drop
rs_conf "template(name=\"line\" type=\"string\" string=\"%msgid% %msg%\\n\")
template(name=\"tree\" type=\"list\") { property(name=\"\$!all-json-plain\") constant(value=\"\\n\") }
ruleset(name=\"out\" queue.type=\"Direct\") {
	action(type=\"omfile\" file=\"$W/lines\" template=\"line\")
	if \$msgid == \"nflog-summary\" then action(type=\"omfile\" file=\"$W/summaries.json\" template=\"tree\")
}
input(type=\"imnflog\" group=\"6\" netns=\"${NSP}B\" ruleset=\"out\" verdict=\"drop\" text.flags=[\"tcpseq\"]
      summary.threshold=\"100\" summary.interval=\"2\")"
# counted PORT: the nft counter of the rule for PORT
counted() {
	nsx B nft list chain inet t in | awk -v p="dport $1 " 'index($0, p) {
		for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}
last_stats() { grep '"name": "imnflog(group 6' "$W/stats" | tail -1; }

rs_start
send_numbered 0 150 "$W/quiet" 50 8 &
QUIET=$!
send_numbered 0 20000 "$W/flood" 5000 9
wait "$QUIET"
# the flood's last interval ends, then one without packets: the key leaves
# summary mode, and impstats (each second) has the final counters
wait_for 15 sh -c "grep '\"name\": \"imnflog(group 6' '$W/stats' | tail -1 | grep -q '\"summary.keys\": 0,'"
sleep 1.2
STATS1=$(last_stats)
rs_stop
C9=$(counted 9) C8=$(counted 8)

python3 - "$W/lines" "$W/summaries.json" "$STATS1" <<'PY' > "$W/result"
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
docs = [json.loads(l) for l in open(sys.argv[2])]
stats = json.loads(sys.argv[3][sys.argv[3].index("{"):])
seq = {8: [], 9: []}
summ = re.compile(r"^nflog-summary to sum SUMMARY PACKETS=(\d+) BYTES=(\d+) SRC=10\.200\.0\.1 "
                  r"DST=10\.200\.0\.2 PROTO=TCP DPT=(\d+) FIRST=(\S+)Z LAST=(\S+)Z $")
packets, bad, n_summ = {8: 0, 9: 0}, 0, 0
for l in lines:
    m = summ.match(l)
    if m:
        n_summ += 1
        p, b, port = int(m[1]), int(m[2]), int(m[3])
        packets[port] += p
        bad += b != 40 * p or m[4] > m[5]
        continue
    m = re.search(r" DPT=(\d+) SEQ=(\d+) ", l)
    if l.startswith("- to sum IN=b0 ") and m:
        seq[int(m[1])].append(int(m[2]))
    else:
        bad += 1
flood = sorted(seq[9])
print(len(flood), flood == list(range(len(flood))), packets[9])
print(len(seq[8]), sorted(seq[8]) == list(range(150)), packets[8])
print(n_summ, len(docs), bad)
print(stats["received"], stats["submitted"], stats["summary.packets"], stats["summary.emitted"],
      stats["summary.overflow"], stats["kernel.drops"], stats["seq.gaps"])
d = docs[0]
s = d["netfilter"]["summary"]
print(d["event"]["action"], d["rule"]["name"], d["destination"]["port"], d["network"]["transport"],
      s["interval"], s["overflow"], s["source_ports"], s["source_ports_exact"], s["tcp"]["flags"],
      s["tcp"]["window"], s["ttl"], d["network"]["bytes"] == 40 * d["network"]["packets"])
print(sum(d["network"]["packets"] for d in docs))
PY
{ read -r n_lines9 contiguous sum9; read -r n_lines8 all8 sum8; read -r n_summ n_docs bad
  read -r received submitted s_packets s_emitted s_overflow drops gaps; read -r doc; read -r doc_packets; } < "$W/result"
expect_eq "the flood: every packet the counter counted is a line or in a summary ($n_lines9 lines, $sum9 summarized)" \
	"$C9" "$((n_lines9 + sum9))"
expect_eq "the flood's lines are its first packets, in a row, between the threshold and twice it" \
	"True yes" "$contiguous $([ "$n_lines9" -ge 100 ] && [ "$n_lines9" -le 200 ] && echo yes)"
expect_eq "the quiet key beside it: 150 of 150 as lines, none summarized" "150 150 True 0" \
	"$C8 $n_lines8 $all8 $sum8"
expect_eq "every other line a summary line as specified (PACKETS, BYTES = 40 x PACKETS, key, FIRST <= LAST)" \
	"0 $n_summ" "$bad $n_docs"
expect_eq "impstats: received = lines + summarized; summaries emitted; no overflow, drop or gap" \
	"$((C8 + C9)) $((n_lines8 + n_lines9)) $sum9 $n_summ 0 0 0" \
	"$received $submitted $s_packets $s_emitted $s_overflow $drops $gaps"
expect_eq "a summary's fields (ECS): verdict, rule, key, distinct source ports, flags, windows, TTLs" \
	"drop to sum  9 tcp 2 False 1 True ['SYN'] {'min': 1024, 'max': 1024} {'min': 64, 'max': 64} True" "$doc"
expect_eq "the summaries' fields hold what their lines do" "$sum9" "$doc_packets"
echo "# t_summary: flood of 20000 at 5000/s: $n_lines9 lines, $sum9 in $n_summ summaries; quiet key $n_lines8 lines"

# SIGTERM during a flood: the open summary is written before the exit
: > "$W/lines"
rs_start
send_numbered 20000 40000 "$W/flood" 5000 9 &
FLOOD=$!
sleep 2
before=$(($(counted 9) - C9))
rs_stop
after=$(($(counted 9) - C9))
wait "$FLOOD"
read -r lines2 summarized2 <<< "$(python3 -c '
import re, sys
lines = open(sys.argv[1]).read().splitlines()
print(sum(1 for l in lines if " DPT=9 SEQ=" in l),
      sum(int(m[1]) for l in lines if (m := re.match(r"^nflog-summary to sum SUMMARY PACKETS=(\d+) ", l))))' "$W/lines")"
expect_eq "stopped during a flood: its summary written at the stop, lines + summarized between the counter before the SIGTERM and after the exit" \
	"yes" "$([ "$summarized2" -gt 0 ] && [ $((lines2 + summarized2)) -ge "$before" ] && [ $((lines2 + summarized2)) -le "$after" ] && echo yes)"
echo "# t_summary: SIGTERM during a flood: $lines2 lines + $summarized2 summarized; the counter said $before at the SIGTERM, $after after the exit"
exit $FAILED
