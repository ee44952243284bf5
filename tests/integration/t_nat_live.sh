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
require_root
need postgresql-common rsyslog-pgsql conntrack
PGVER=$(ls /usr/lib/postgresql 2> /dev/null | sort -n | tail -n1)
[ -n "$PGVER" ] || { notok "needs package postgresql"; exit 1; }
RS_MODS=
NATWHO=$TOP/contrib/nat/nat-who
FLOWS=$TOP/tests/tools/natflows.py
SCORE=$TOP/tests/tools/natscore.py
ns_add C
ns_add R
ns_add S
ip link add c0 netns "${NSP}C" type veth peer name r0 netns "${NSP}R"
ip link add r1 netns "${NSP}R" type veth peer name s0 netns "${NSP}S"
INSIDE="192.168.71.2 192.168.71.3 192.168.71.4 192.168.71.5 192.168.71.6 192.168.71.7 192.168.71.8 192.168.71.9"
for a in $INSIDE; do ip -n "${NSP}C" addr add "$a/24" dev c0; done
ip -n "${NSP}R" addr add 192.168.71.1/24 dev r0
ip -n "${NSP}R" addr add 198.51.100.1/24 dev r1
ip -n "${NSP}S" addr add 198.51.100.9/24 dev s0
for l in "C c0" "R r0" "R r1" "S s0"; do set -- $l; ip -n "$NSP$1" link set "$2" up; done
ip -n "${NSP}C" route add default via 192.168.71.1
ip -n "${NSP}S" route add default via 198.51.100.1
nsx R sysctl -qw net.ipv4.ip_forward=1
for s in udp_timeout udp_timeout_stream tcp_timeout_time_wait tcp_timeout_close \
	tcp_timeout_fin_wait tcp_timeout_last_ack tcp_timeout_close_wait; do
	nsx R sysctl -qw "net.netfilter.nf_conntrack_$s=1"
done
nsx R nft -f - << 'NFT' || notok "router rules"
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "r1" meta l4proto { tcp, udp } masquerade to :40000-40003
	}
}
NFT
PGPORT=$(free_port)
CLUSTER=rnflive$$
pg_createcluster -p "$PGPORT" -d "$W/pgdata" "$PGVER" "$CLUSTER" > "$W/pgcreate.log" 2>&1 ||
	{ notok "pg_createcluster"; cat "$W/pgcreate.log"; exit 1; }
ON_EXIT="pg_dropcluster --stop $PGVER $CLUSTER; rm -f /var/log/postgresql/postgresql-$PGVER-$CLUSTER.log"
pg_ctlcluster "$PGVER" "$CLUSTER" start || { notok "cluster started"; exit 1; }
owner() { runuser -u postgres -- psql -X -q -At -p "$PGPORT" -d netfilter "$@"; }
"$TOP/contrib/sql/setup-pgsql" -p "$PGPORT" -f "$W/pgpass" > /dev/null
mkdir -p "$W/rs.d" "$W/log/netfilter"
install_snippet rsyslog.d/00-imnfct-module.conf "$W/rs.d/00.conf"
install_snippet rsyslog.d/50-imnfct.conf "$W/rs.d/50.conf" "${NSP}R"
sed -i 's/^ruleset(name="nfct-nat" queue.type="Direct") {$/&\n\tcall nat-pgsql/' "$W/rs.d/50.conf"
install_snippet examples/75-nat-pgsql.conf "$W/rs.d/75.conf"
sed -i "s|127.0.0.1:5432/|127.0.0.1:$PGPORT/|; s|passfile=/etc/rsyslog-netfilter/pgpass|passfile=$W/pgpass|" "$W/rs.d/75.conf"
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
