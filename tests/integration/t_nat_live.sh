#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# nat-who asked live, while the records are being written, and afterwards:
# 250 flows from eight inside hosts behind a masquerade narrowed to four
# outside ports (1 s conntrack timeouts, so a port passes to another host
# within a second), every TCP flow opened twice from the same port (the
# router's conntrack re-created with the same tuple and, as a rule, the
# same id). imnfct runs the shipped 50-imnfct.conf and 75-nat-pgsql.conf.
# Each flow the server saw is asked 1.2 s after it saw it, from the files
# and from PostgreSQL, with --remote and without, and again after the
# traffic: no answer may be wrong, and none may be "no mapping".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/contrib.sh"
. "$(dirname "$0")/natlab.sh"
require_root
need postgresql-common rsyslog-pgsql conntrack
RS_MODS=
# nat-who where the postgres user can run it (the clone may be in /root)
cp "$TOP/contrib/nat/nat-who" "$W/nat-who"
NATWHO=$W/nat-who
FLOWS=$TOP/tests/tools/natflows.py
SCORE=$TOP/tests/tools/natscore.py
natlab 71 40000-40003
natlab_store
rs_conf "include(file=\"$W/rs.d/*.conf\")"
NAT=$W/log/netfilter/nat.log
PG="pg:host=/var/run/postgresql port=$PGPORT dbname=netfilter"
nsx S python3 "$FLOWS" serve "$W/server.log" 198.51.100.9 udp:53 udp:5353 tcp:80 &
sleep 0.5
rs_start
wait_for 10 grep -q "^S " "$NAT" || notok "the start-up dump ended"
# 25 flows a second for 10 s, asked live 1.2 s after the server saw each
python3 "$SCORE" "$NATWHO" "$W/server.log" "$W/live.answers" --live "$W/sent.done" 1200 \
	"files:$NAT" "$PG" > "$W/live.score" 2>&1 &
SCORER=$!
nsx C python3 "$FLOWS" send "$W/sent.log" 10 25 198.51.100.9 udp:53 udp:5353 tcp:80 --twice --from $INSIDE
touch "$W/sent.done"
wait $SCORER
sleep 2
nsx R conntrack -F 2> /dev/null
FLUSHED=$(date +%s%3N)
wait_read "$NAT" "$FLUSHED" || notok "an R marker after the flush"
wait_for 30 test "$(owner -c "SELECT count(*) FROM nat_read WHERE read_ms > $FLUSHED")" = 1 ||
	notok "PostgreSQL caught up"
python3 "$SCORE" "$NATWHO" "$W/server.log" "$W/after.answers" "files:$NAT" "$PG" > "$W/after.score" 2>&1
rs_stop

NSEEN=$(wc -l < "$W/server.log")
[ "$NSEEN" -ge 200 ] && ok "traffic: $NSEEN flows seen by the server" || notok "traffic: only $NSEEN flows seen"
# the hard cases happened: a port passed to another inside host within a
# second, and a conntrack re-created with the same id and tuple
read -r QUICK SAMEID <<< "$(python3 - "$NAT" << 'PY'
import sys
lives, ids = {}, {}
for l in open(sys.argv[1]):
    f = l.split()
    if f[0] == "C" and f[1] != "-":
        lives.setdefault(f[6], []).append((int(f[1]), int(f[2]), f[5].split(":")[0]))
        k = tuple(f[3:9])
        ids[k] = ids.get(k, 0) + 1
quick = 0
for v in lives.values():
    v.sort()
    quick += sum(1 for a, b in zip(v, v[1:]) if a[2] != b[2] and b[0] - a[1] < 1000)
print(quick, sum(1 for n in ids.values() if n > 1))
PY
)"
echo "# outside ports passed to another inside host within 1 s: $QUICK; conntracks re-created with the same id and tuple: $SAMEID"
expect_eq "an outside port passed to another inside host within a second" yes "$([ "$QUICK" -gt 0 ] && echo yes || echo no)"
expect_eq "a conntrack re-created with the same id and tuple" yes "$([ "$SAMEID" -gt 0 ] && echo yes || echo no)"
report() {
	local when=$1 file=$2 store mode c a u wr
	while read -r store mode c a u wr; do
		case $store in files | pg) ;; *) continue ;; esac
		echo "# $when, $store, $mode: $c correct, $a ambiguous, $u unknown, $wr wrong of $NSEEN"
		expect_eq "$when, $store, $mode: every flow asked, none wrong or 'no mapping'" "$NSEEN 0" "$((c + a + u + wr)) $wr"
	done < "$file"
	grep '^#  wrong' "$file"
}
report live "$W/live.score"
report afterwards "$W/after.score"
exit $FAILED
