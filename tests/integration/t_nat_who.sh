#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# nat-who's decisions on a crafted record stream, each case with the exact
# answer and exit status: found, none, unknown in a gap, concurrent remotes
# told apart by --remote, a port handed over within a second or at one ms,
# neighbours within --window, an open mapping after lost records, a dump
# that did not list a mapping, a life shorter than the NEW's read, a
# restart and a clean stop, DNAT, time formats.
. "$(dirname "$0")/lib.sh"
NATWHO=$TOP/contrib/nat/nat-who
# times in ms since 2026-11-30T03:00:00Z
T0=1764471600000
t() { echo $((T0 + $1)); }
cat > "$W/nat.log" << EOF
B - $(t 0) start
S $(t 0) $(t 20) dump
O $(t 1000) - udp s 10.0.0.2:5000 198.51.100.1:61000 203.0.113.9:53 11
C $(t 999) $(t 2000) udp s 10.0.0.2:5000 198.51.100.1:61000 203.0.113.9:53 11
O $(t 2600) - udp s 10.0.0.3:5001 198.51.100.1:61000 203.0.113.9:53 12
C $(t 2500) $(t 3500) udp s 10.0.0.3:5001 198.51.100.1:61000 203.0.113.9:53 12
O $(t 1500) - udp s 10.0.0.4:5002 198.51.100.1:61000 203.0.113.7:53 13
C $(t 1500) $(t 2500) udp s 10.0.0.4:5002 198.51.100.1:61000 203.0.113.7:53 13
C $(t 4000) $(t 4100) tcp s 10.0.0.5:6000 198.51.100.1:61001 203.0.113.9:80 14
O $(t 4100) - tcp s 10.0.0.6:6001 198.51.100.1:61001 203.0.113.9:80 15
C $(t 4100) $(t 5000) tcp s 10.0.0.6:6001 198.51.100.1:61001 203.0.113.9:80 15
O $(t 5600) - tcp s 10.0.0.7:6002 198.51.100.1:61002 203.0.113.9:80 16
C $(t 5500) $(t 5550) tcp s 10.0.0.7:6002 198.51.100.1:61002 203.0.113.9:80 16
O $(t 6000) - tcp d 10.0.0.80:80 198.51.100.1:8080 203.0.113.50:40000 17
G $(t 7000) $(t 7500) lost=3
O $(t 8000) - tcp s 10.0.0.8:6003 198.51.100.1:61003 203.0.113.9:80 18
G $(t 9000) $(t 9500) lost=1
O $(t 10000) - udp s 10.0.0.9:6004 198.51.100.1:61004 203.0.113.9:53 19
S $(t 11000) $(t 11020) dump
E $(t 12000) - stop
B $(t 12000) $(t 15000) start
EOF
# ask NAME WANT-EXIT WANT-ANSWER ARGS...: the answer and the definite inside
# hosts, from $FILES (default: $W/nat.log)
ask() {
	local name=$1 want_rc=$2 want=$3 out rc
	shift 3
	out=$("$NATWHO" "$@" --files ${FILES:-"$W/nat.log"} --json)
	rc=$?
	expect_eq "$name" "$want_rc $want" "$rc $(python3 -c "
import json, sys
r = json.loads(sys.argv[1])
print(r['answer'], ','.join(sorted(m['inside'] for m in r['mappings'])) or '-',
      ','.join(sorted(m['inside'] for m in r['possible'])) or '-')" "$out")"
}
iso() { python3 -c "import datetime, sys; print(datetime.datetime.fromtimestamp(int(sys.argv[1]) / 1000, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z')" "$1"; }
ask "a closed mapping covers the time" 0 "found 10.0.0.2:5000 -" 198.51.100.1:61000 "$(iso "$(t 1200)")" --remote 203.0.113.9:53
ask "port reused: the later host" 0 "found 10.0.0.3:5001 -" 198.51.100.1:61000 "$(iso "$(t 3000)")" --remote 203.0.113.9
ask "between two mappings: nobody" 1 "none - -" 198.51.100.1:61000 "$(iso "$(t 2200)")" --remote 203.0.113.9:53
ask "two remotes at once: ambiguous without --remote" 3 "ambiguous 10.0.0.2:5000,10.0.0.4:5002 -" 198.51.100.1:61000 "$(iso "$(t 1800)")"
ask "--remote tells them apart" 0 "found 10.0.0.4:5002 -" 198.51.100.1:61000 "$(iso "$(t 1800)")" --remote 203.0.113.7:53
ask "--window shows a neighbour of another host" 3 "ambiguous 10.0.0.2:5000 -" 198.51.100.1:61000 "$(iso "$(t 1900)")" --remote 203.0.113.9:53 --window 1
ask "a time to the second covers the hand-over" 3 "ambiguous 10.0.0.5:6000,10.0.0.6:6001 -" 198.51.100.1:61001 "2025-11-30T03:00:04Z"
ask "handed over within that ms: both, a packet of that ms may be either's" 3 "ambiguous 10.0.0.5:6000,10.0.0.6:6001 -" 198.51.100.1:61001 "$(iso "$(t 4100)")"
ask "a NEW read after its DESTROY's kernel stop leaves no open mapping" 1 "none - -" 198.51.100.1:61002 "$(iso "$(t 5800)")"
ask "DNAT: the forwarded-to server" 0 "found 10.0.0.80:80 -" 198.51.100.1:8080 "$(iso "$(t 6500)")" --remote 203.0.113.50:40000
ask "inside a gap, no mapping known: unknown" 2 "unknown - -" 198.51.100.1:61009 "$(iso "$(t 7200)")"
ask "open mapping before lost records: found before them" 0 "found 10.0.0.8:6003 -" 198.51.100.1:61003 "$(iso "$(t 8500)")"
ask "open mapping after lost records: maybe" 3 "ambiguous - 10.0.0.8:6003" 198.51.100.1:61003 "$(iso "$(t 9800)")"
ask "a dump that did not list it: it ended before the dump, when is unknown" 3 "ambiguous - 10.0.0.9:6004" 198.51.100.1:61004 "$(iso "$(t 10500)")"
ask "after that dump: nobody" 1 "none - -" 198.51.100.1:61004 "$(iso "$(t 11500)")"
ask "between a clean stop and the restart: unknown" 2 "unknown - -" 198.51.100.1:61000 "$(iso "$(t 13000)")"
ask "before the first record: unknown" 2 "unknown - -" 198.51.100.1:61000 "$(iso "$(t -5000)")"
ask "a time with an offset" 0 "found 10.0.0.2:5000 -" 198.51.100.1:61000 "2025-11-30T04:00:01.200+01:00" --remote 203.0.113.9:53
ask "seconds since the epoch" 0 "found 10.0.0.2:5000 -" 198.51.100.1:61000 "$(((T0 + 1200) / 1000)).200" --remote 203.0.113.9:53
expect_eq "the text answer" "198.51.100.1:61000 any protocol at 2025-11-30T03:00:01.200Z towards 203.0.113.9:53:
  inside 10.0.0.2:5000 (masquerade/SNAT, udp) towards 203.0.113.9:53: 2025-11-30T03:00:00.999Z .. 2025-11-30T03:00:02.000Z, conntrack id 11" \
	"$("$NATWHO" 198.51.100.1:61000 "2025-11-30 03:00:01.200" --remote 203.0.113.9:53 --files "$W/nat.log")"
gzip -c "$W/nat.log" > "$W/nat.log.1.gz"
expect_eq "a gzipped file" "found" "$("$NATWHO" 198.51.100.1:61000 "$(iso "$(t 1200)")" --remote 203.0.113.9:53 --files "$W/nat.log.1.gz" --json | python3 -c "import json, sys; print(json.load(sys.stdin)['answer'])")"
expect_eq "usage errors exit 64, a missing file or a directory 66" "64 64 66 66" "$("$NATWHO" 198.51.100.1 now --files "$W/nat.log" > /dev/null 2>&1; echo -n "$? ")$("$NATWHO" 198.51.100.1:1 yesterday --files "$W/nat.log" > /dev/null 2>&1; echo -n "$? ")$("$NATWHO" 198.51.100.1:1 2025-11-30 --files "$W/missing" > /dev/null 2>&1; echo -n "$? ")$("$NATWHO" 198.51.100.1:1 2025-11-30 --files "$W" > /dev/null 2>&1; echo $?)"

# Stream order, not times, pairs the records (one conntrack socket delivers
# events in kernel order); what the files do not cover is unknown; damage
# and odd arguments never give "no mapping". Times from T1 = T0 + 1 day.
T1=$((T0 + 86400000))
u() { echo $((T1 + $1)); }
cat > "$W/day2.log" << EOF
B $(u 0) $(u 10) start
O $(u 143500) - udp s 10.0.1.2:5000 198.51.100.2:62000 203.0.113.9:53 21
C $(u 140000) $(u 141000) udp s 10.0.1.2:5000 198.51.100.2:62000 203.0.113.9:53 21
O $(u 200000) - tcp s 10.0.1.3:7000 198.51.100.2:62001 203.0.113.9:80 22
C $(u 200000) $(u 200009) tcp s 10.0.1.3:7000 198.51.100.2:62001 203.0.113.9:80 22
O $(u 200010) - tcp s 10.0.1.3:7000 198.51.100.2:62001 203.0.113.9:80 22
O $(u 300000) - udp s 10.0.1.4:5004 198.51.100.2:62004 203.0.113.9:53 24
C $(u 300000) $(u 310000) udp s 10.0.1.4:5004 198.51.100.2:62004 203.0.113.9:53 24
O $(u 400000) - udp s 10.0.1.5:5005 198.51.100.2:62005 203.0.113.9:53 25
C $(u 400000) $(u 410000) udp s 10.0.1.5:5005 198.51.100.2:62005 203.0.113.9:53 25
B - $(u 500000) start
O $(u 600000) - udp s 10.0.1.6:5006 198.51.100.2:62006 203.0.113.9:53 26
C $(u 600000) $(u 86000000) udp s 10.0.1.6:5006 198.51.100.2:62006 203.0.113.9:53 26
EOF
FILES=$W/day2.log
ask "a NEW read late, after a mass DESTROY: the DESTROY's kernel times, no phantom" 1 "none - -" 198.51.100.2:62000 "$(iso "$(u 150000)")"
ask "... and a day later, inside the records: still nobody" 1 "none - -" 198.51.100.2:62000 "$(iso "$(u 85000000)")"
ask "the late NEW's own life: its kernel start" 0 "found 10.0.1.2:5000 -" 198.51.100.2:62000 "$(iso "$(u 140500)")" --remote 203.0.113.9:53
ask "same id and tuple re-created after its DESTROY: a new life" 0 "found 10.0.1.3:7000 -" 198.51.100.2:62001 "$(iso "$(u 250000)")" --remote 203.0.113.9:80
ask "a first start (B -) after a crash does not reach back past the last record" 0 "found 10.0.1.4:5004 -" 198.51.100.2:62004 "$(iso "$(u 305000)")"
ask "... but covers the time since" 2 "unknown - -" 198.51.100.2:62004 "$(iso "$(u 450000)")"
ask "--proto UDP" 0 "found 10.0.1.4:5004 -" 198.51.100.2:62004 "$(iso "$(u 305000)")" --proto UDP
ask "--proto 17" 0 "found 10.0.1.4:5004 -" 198.51.100.2:62004 "$(iso "$(u 305000)")" --proto 17
ask "--proto 6 is not udp" 1 "none - -" 198.51.100.2:62004 "$(iso "$(u 305000)")" --proto 6
ask "after the last record (the future): unknown" 2 "unknown - -" 198.51.100.2:62004 "$(iso "$(u 90000000)")"
ask "before the first record: unknown" 2 "unknown - -" 198.51.100.2:62004 "$(iso "$(u -1000)")"
expect_eq "an unknown protocol is a usage error" 64 "$("$NATWHO" 198.51.100.2:62004 "$(iso "$(u 305000)")" --proto nosuch --files "$FILES" > /dev/null 2>&1; echo $?)"

# a NUL block where a power loss cut the file (the record of id 24 cut,
# the next one after the NULs), and a time in another notation
python3 - "$W/day2.log" "$W/nul.log" << 'PY'
import sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
lines[7] = lines[7][:20] + b"\0" * 300 + lines[8]
del lines[8]
open(sys.argv[2], "wb").write(b"\n".join(lines))
PY
FILES=$W/nul.log
ask "NUL bytes in the file: the records before them still count" 0 "found 10.0.1.3:7000 -" 198.51.100.2:62001 "$(iso "$(u 250000)")" --remote 203.0.113.9:80
ask "NUL bytes: the record after them is read" 0 "found 10.0.1.5:5005 -" 198.51.100.2:62005 "$(iso "$(u 405000)")" --remote 203.0.113.9:53
ask "NUL bytes: the time they hide is not 'nobody'" 3 "ambiguous - 10.0.1.4:5004" 198.51.100.2:62004 "$(iso "$(u 305000)")"
sed "s/^C $(u 300000) /C 1.79659e+12 /" "$W/day2.log" > "$W/bad.log"
FILES=$W/bad.log
ask "a malformed record: the time it may cover is not 'nobody'" 3 "ambiguous - 10.0.1.4:5004" 198.51.100.2:62004 "$(iso "$(u 305000)")"
ask "a malformed record: the records after it still count" 0 "found 10.0.1.5:5005 -" 198.51.100.2:62005 "$(iso "$(u 405000)")" --remote 203.0.113.9:53

{ sed -n 1,9p "$W/day2.log"; echo "K $(u 350000) $(u 350000) a record type of a later version"; sed -n '10,$p' "$W/day2.log"; } > "$W/later.log"
FILES=$W/later.log
ask "a record type of a later version is not damage" 0 "found 10.0.1.4:5004 -" 198.51.100.2:62004 "$(iso "$(u 305000)")"

# a file list that misses a day: that day is unknown
sed -n 1,2p "$W/nat.log" > "$W/dayA.log"
echo "C $(t 1000) $(t 3000) udp s 10.0.2.1:1 198.51.100.3:63000 203.0.113.9:53 31" >> "$W/dayA.log"
echo "C $((T1 + 86400000)) $((T1 + 86400500)) udp s 10.0.2.2:1 198.51.100.3:63000 203.0.113.9:53 32" > "$W/dayC.log"
FILES="$W/dayC.log $W/dayA.log"
ask "files in any order: the first day" 0 "found 10.0.2.1:1 -" 198.51.100.3:63000 "$(iso "$(t 2000)")"
ask "a day the files miss: unknown" 2 "unknown - -" 198.51.100.3:63000 "$(iso "$(u 5000)")"
gzip -c "$W/dayA.log" > "$W/dayA.log.gz"
FILES="$W/dayC.log $W/dayA.log.gz"
ask "a day the files miss, after a gzipped one: unknown" 2 "unknown - -" 198.51.100.3:63000 "$(iso "$(u 5000)")"
unset FILES

# What an O says of its start (imnfct writes " ts=kernel" when the kernel
# sent its event time, else " after=MS": the socket was seen empty then),
# and R markers: a stream still running is known only until its last R.
# Times from T2 = T0 + 3 days.
T2=$((T0 + 3 * 86400000))
v() { echo $((T2 + $1)); }
cat > "$W/live.log" << EOF
B - $(v 0) start
C $(v 1000) $(v 5000) udp s 10.0.3.1:1 198.51.100.4:64000 203.0.113.9:53 41
O $(v 9000) - udp s 10.0.3.2:2 198.51.100.4:64000 203.0.113.9:53 42 after=$(v 5500)
O $(v 20000) - udp s 10.0.3.3:3 198.51.100.4:64001 203.0.113.9:53 43 ts=kernel
R $(v 30000) - read
O $(v 31000) - udp s 10.0.3.4:4 198.51.100.4:64002 203.0.113.9:53 44 after=$(v 30500)
EOF
FILES=$W/live.log
ask "an O read late: a time between its after= and its receive time is ambiguous" 3 "ambiguous - 10.0.3.2:2" 198.51.100.4:64000 "$(iso "$(v 7000)")" --remote 203.0.113.9:53
ask "... before its after=, the previous holder's end: nobody" 1 "none - -" 198.51.100.4:64000 "$(iso "$(v 5200)")" --remote 203.0.113.9:53
ask "... from its receive time on: found" 0 "found 10.0.3.2:2 -" 198.51.100.4:64000 "$(iso "$(v 9500)")" --remote 203.0.113.9:53
ask "ts=kernel: the start is the kernel's, nobody just before it" 1 "none - -" 198.51.100.4:64001 "$(iso "$(v 19900)")" --remote 203.0.113.9:53
ask "ts=kernel: found from its start" 0 "found 10.0.3.3:3 -" 198.51.100.4:64001 "$(iso "$(v 20000)")" --remote 203.0.113.9:53
ask "after the last R of a running stream: not yet known, though a record is later" 2 "unknown - -" 198.51.100.4:64003 "$(iso "$(v 30800)")"
ask "... a mapping read after the last R: only maybe, it may have ended unread" 3 "ambiguous - 10.0.3.4:4" 198.51.100.4:64002 "$(iso "$(v 31500)")"
echo "E $(v 32000) - stop" >> "$W/live.log"
ask "the same stream stopped cleanly: known until the stop" 0 "found 10.0.3.4:4 -" 198.51.100.4:64002 "$(iso "$(v 31500)")"
unset FILES

# time arguments
q() { "$NATWHO" 198.51.100.2:62004 "$1" --files "$W/day2.log" --json | python3 -c "import json, sys; q = json.load(sys.stdin)['query']; print(q['time'], q['until'])"; }
expect_eq "20251201 is a date, the whole day" "2025-12-01T00:00:00.000Z 2025-12-01T23:59:59.999Z" "$(q 20251201)"
expect_eq "a comma decimal: that millisecond" "2025-12-01T00:05:05.250Z 2025-12-01T00:05:05.250Z" "$(q "2025-12-01T00:05:05,250")"
expect_eq ".25 stands for 10 ms" "2025-12-01T00:05:05.250Z 2025-12-01T00:05:05.259Z" "$(q "2025-12-01T00:05:05.25")"
expect_eq "seven digits are neither a date nor epoch seconds" 64 "$("$NATWHO" 198.51.100.2:62004 1234567 --files "$W/day2.log" > /dev/null 2>&1; echo $?)"
exit $FAILED
