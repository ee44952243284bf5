#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# imnfct bad input and kernel traps: config errors seen by -N1 (a NAT
# stream without a work directory or with two inputs too), missing
# privileges, the nf_conntrack_events=2 / acct / timestamp warnings, an
# overrun counted, reported and followed by a resync, and reliable mode.
. "$(dirname "$0")/lib.sh"
require_root
RS_MODS=imnfct
ns_add F
nsx F nft add table ip t
cc -O2 -o "$W/ctinsert" "$TOP/tests/tools/ctinsert.c" -lmnl -lnetfilter_conntrack || exit 1

n1() {
	printf 'module(load="imnfct")\ninput(type="imnfct" %s)\naction(type="omfile" file="%s/n1.log")\n' "$3" "$W" > "$W/n1.conf"
	rsyslogd -N1 -f "$W/n1.conf" -M "$MODDIR" > "$W/n1.out" 2>&1
	local rc=$?
	if [ "$rc" = 1 ] && [ "$(grep -m1 -o "$2" "$W/n1.out")" = "$2" ]; then ok "$1"; else
		notok "$1"; echo "#  exit $rc"; sed 's/^/#  /' "$W/n1.out"; fi
}
n1 "unknown event name" "imnfct: events value 'delete' unknown; use new, update or destroy" 'events=["new","delete"]'
n1 "bad CIDR" "imnfct: src value '10.0.0.0/33' is not an address or CIDR (10.0.0.0/8, fd00::/8), or more than 16" 'src="10.0.0.0/33"'
n1 "bad mark" 'imnfct: mark="0x10/zz" is not VALUE or VALUE/MASK' 'mark="0x10/zz"'
n1 "unknown protocol" "imnfct: protocols value 'tpc' unknown (icmp, tcp, udp, dccp, gre, icmpv6, sctp, udplite), or more than 8" 'protocols="tpc"'
n1 "missing namespace" "imnfct: network namespace 'nope' not found at /run/netns/nope" 'netns="nope"'
n1 "typo in a parameter" "parameter 'evnts' not known -- typo in config file?" 'evnts="new"'
n1 "an unknown word in a comma-separated list" "imnfct: events value 'delete' unknown; use new, update or destroy" 'events="new,delete"'
n1 "a zone above 65535" "imnfct: zone 70000 is out of range: 0 to 65535" 'zone="70000"'
n1 "a Community ID seed above 65535" "imnfct: community_id.seed 65536 is out of range: 0 to 65535" 'community_id.seed="65536"'
n1 "nat.ruleset without the destroy events" "imnfct: nat.ruleset 'nat' needs the destroy events: a mapping's end and its kernel times come with its DESTROY (add \"destroy\" to events)" 'events=["new"] nat.ruleset="nat"'
# whole configurations: a NAT record stream needs its state kept, and is
# one input's
n1conf() {
	printf '%s\n' "$3" > "$W/n1.conf"
	rsyslogd -N1 -f "$W/n1.conf" -M "$MODDIR" > "$W/n1.out" 2>&1
	local rc=$?
	if [ "$rc" = 1 ] && [ "$(grep -m1 -o "$2" "$W/n1.out")" = "$2" ]; then ok "$1"; else
		notok "$1"; echo "#  exit $rc"; sed 's/^/#  /' "$W/n1.out"; fi
}
n1conf "nat.ruleset without a work directory" "imnfct: nat.ruleset 'nat' needs a work directory (global(workDirectory=...)) to keep its stream's state across restarts" 'module(load="imnfct")
ruleset(name="nat") { action(type="omfile" file="/dev/null") }
input(type="imnfct" nat.ruleset="nat")'
n1conf "one nat.ruleset for two inputs" "imnfct: nat.ruleset 'nat' is given to two inputs: each input's NAT records need a ruleset of their own (a record stream's markers speak for one input's events only)" "global(workDirectory=\"$W\")
module(load=\"imnfct\")
ruleset(name=\"nat\") { action(type=\"omfile\" file=\"/dev/null\") }
input(type=\"imnfct\" nat.ruleset=\"nat\")
input(type=\"imnfct\" nat.ruleset=\"nat\" zone=\"1\")"

# Kernel traps, reported in plain words for the input's namespace.
nsx F sysctl -qw net.netfilter.nf_conntrack_events=2 net.netfilter.nf_conntrack_acct=0 net.netfilter.nf_conntrack_timestamp=0
rs_conf "
input(type=\"imnfct\" netns=\"${NSP}F\" rcvbuf=\"64k\" rcvbuf.max=\"256k\" events=\"new\")
action(type=\"omfile\" file=\"$W/new.json\" template=\"jsonline\")
"
rs_start
expect_eq "events=2 trap explained" \
  "imnfct: namespace ${NSP}F: nf_conntrack_events=2, so connections created while no listener existed will never report DESTROY; set it to 1 (or sysctl=\"on\")" \
  "$(grep -m1 -o 'imnfct: namespace [^ ]*: nf_conntrack_events=2[^[]*)' "$W/internal")"
expect_eq "acct=0 explained" \
  "imnfct: namespace ${NSP}F: nf_conntrack_acct=0, packet and byte counters will be 0; set it to 1 (or sysctl=\"on\")" \
  "$(grep -m1 -o 'imnfct: namespace [^ ]*: nf_conntrack_acct=0[^[]*)' "$W/internal")"
expect_eq "timestamp=0 explained" \
  "imnfct: namespace ${NSP}F: nf_conntrack_timestamp=0, flow start times come from NEW events seen by this input" \
  "$(grep -m1 -o 'imnfct: namespace [^ ]*: nf_conntrack_timestamp=0[^[]*input' "$W/internal")"
# 20,000 NEW events into a 128 KiB buffer: an overrun, counted, reported, resynced
nsx F "$W/ctinsert" 20000 > /dev/null
quiesce "$W/new.json"
rs_stop
stat() { grep 'imnfct(' "$W/stats" | tail -1 | grep -o "\"$1\": [0-9]*" | grep -o '[0-9]*$'; }
echo "# one burst: $(stat overruns) overruns, $(stat resyncs) resync dumps"
expect_eq "overrun counted, and one resync once the burst is over (not one per overrun)" "yes 1" \
  "$([ "$(stat overruns)" -gt 0 ] && echo yes) $(stat resyncs)"
expect_eq "every event is received or counted lost (kernel.drops, the socket's own count)" 20000 \
  "$(( $(stat received) + $(stat kernel.drops) ))"
expect_eq "overrun reported with its count and the new buffer size" \
  "imnfct: conntrack events lost (socket buffer overrun 1, N events lost so far); receive buffer grown from 131072 to 262144 bytes (rcvbuf.max 262144)" \
  "$(grep -m1 -o 'imnfct: conntrack events lost[^[]*)' "$W/internal" | sed -E 's/overrun 1, [0-9]+ events/overrun 1, N events/')"
expect_eq "received + lost adds up: every event read became a message" "$(stat received)" "$(wc -l < "$W/new.json")"
nsx F conntrack -F 2> /dev/null

# Reliable mode: NETLINK_BROADCAST_ERROR; the kernel keeps DESTROY events
# until delivered, so a flush into a small buffer still loses none.
rs_conf "
template(name=\"flow\" type=\"string\" string=\"%\$!source!ip%:%\$!source!port%\\n\")
ruleset(name=\"d\" queue.type=\"Direct\") { action(type=\"omfile\" file=\"$W/rel.out\" template=\"flow\") }
input(type=\"imnfct\" netns=\"${NSP}F\" events=\"destroy\" reliable=\"on\" rcvbuf=\"256k\" rcvbuf.max=\"256k\" ruleset=\"d\" sysctl=\"on\")
"
rs_start
nsx F "$W/ctinsert" 5000 > /dev/null
nsx F conntrack -F 2> /dev/null
for _ in $(seq 150); do [ "$(wc -l < "$W/rel.out" 2>/dev/null || echo 0)" -ge 5000 ] && break; sleep 0.2; done
rs_stop
expect_eq "reliable: every DESTROY delivered through a 256k buffer" 5000 \
  "$(sort -u "$W/rel.out" | wc -l)"

# Without CAP_NET_ADMIN the subscription fails with a clear message.
rs_conf "input(type=\"imnfct\")"
rs_start "${NO_NET_ADMIN[@]}"
expect_eq "no CAP_NET_ADMIN: clear error" \
  "imnfct: cannot subscribe to conntrack events (needs CAP_NET_ADMIN: run rsyslogd as root): Operation not permitted; this input is not started" \
  "$(grep -m1 -o 'imnfct: cannot subscribe[^[]*started' "$W/internal")"
rs_stop

# A namespace where no rule uses conntrack tracks nothing: said once
ns_add E
rs_conf "
input(type=\"imnfct\" netns=\"${NSP}E\")
action(type=\"omfile\" file=\"$W/e.json\" template=\"jsonline\")
"
rs_start
wait_for 30 grep -q "no conntrack event in" "$W/internal"
rs_stop
expect_eq "no rule uses conntrack: the hint, once" \
  "1 imnfct: namespace ${NSP}E: no conntrack event in 10 s, and the table was empty at start: the kernel tracks connections in a namespace only once a rule uses conntrack (nftables: a ct expression or a NAT chain; iptables: conntrack, state or NAT), so with none there is nothing to report" \
  "$(grep -c "no conntrack event in" "$W/internal") $(grep -o 'imnfct: namespace [^ ]*: no conntrack event in[^[]*report' "$W/internal")"
exit $FAILED
