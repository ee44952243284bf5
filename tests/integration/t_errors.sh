#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Bad input: config errors seen by rsyslogd -N1, a group already bound by
# ulogd, no CAP_NET_ADMIN, a missing namespace, truncated and malformed
# packets. Each gives a clear error, nothing crashes, drops are counted.
. "$(dirname "$0")/lib.sh"
require_root
two_hosts A B

# n1 NAME WANT-EXIT WANT-ERROR INPUT-PARAMS: validate a config with one input
n1() {
	cat > "$W/n1.conf" <<CONF
module(load="imnflog")
input(type="imnflog" $4)
action(type="omfile" file="$W/n1.log")
CONF
	rsyslogd -N1 -f "$W/n1.conf" -M "$MODDIR" > "$W/n1.out" 2>&1
	local rc=$?
	local err
	err=$(grep -m1 -o "$3" "$W/n1.out")
	if [ "$rc" = "$2" ] && [ "$err" = "$3" ]; then ok "$1"; else
		notok "$1"; echo "#  exit $rc"; sed 's/^/#  /' "$W/n1.out"; fi
}
n1 "valid config passes -N1" 0 "" "group=\"1\" netns=\"${NSP}B\" schema=\"ulogd\" text.flags=[\"tcpseq\",\"uid\"]"
n1 "array values also as one comma-separated string" 0 "" "group=\"1\" text.flags=\"tcpseq, uid,macdecode\""
n1 "typo in a parameter name" 1 "parameter 'grup' not known -- typo in config file?" 'grup="1"'
n1 "group is required" 1 "parameter 'group' required but not specified" 'schema="ecs"'
n1 "group out of range" 1 "imnflog: group 70000 out of range 0..65535" 'group="70000"'
n1 "unknown schema" 1 'imnflog: schema="xml" is not valid' 'group="1" schema="xml"'
n1 "unknown seq mode" 1 'imnflog: seq="all" is not valid' 'group="1" seq="all"'
n1 "unknown text flag" 1 "imnflog: text.flags value 'tcpsq' unknown; use tcpseq, tcpopt, ipopt, uid, macdecode or all" 'group="1" text.flags="tcpsq"'
n1 "nlbufsiz above the kernel limit" 1 "imnflog: nlbufsiz 1048576 above the kernel maximum 131072" 'group="1" nlbufsiz="1m"'
n1 "summary.key: a name of the other schema" 1 "imnflog: summary.key: 'src_ip' is no key field in schema 'ecs'; use rule.name, event.action, source.ip, destination.ip, network.iana_number, network.transport, source.port, destination.port" 'group="1" summary.threshold="10" summary.key=["source.ip","src_ip"]'
n1 "summary.key in the ulogd schema" 0 "" 'group="1" schema="ulogd" summary.threshold="10" summary.key="src_ip, dest_port"'
n1 "summary.interval above a day" 1 "imnflog: summary.interval 86401 s above a day" 'group="1" summary.threshold="10" summary.interval="86401"'
n1 "missing namespace" 1 "imnflog: group 1: network namespace 'no-such-ns' not found at /run/netns/no-such-ns" 'group="1" netns="no-such-ns"'
cat > "$W/n1.conf" <<CONF
module(load="imnflog")
input(type="imnflog" group="3")
input(type="imnflog" group="3")
action(type="omfile" file="$W/n1.log")
CONF
rsyslogd -N1 -f "$W/n1.conf" -M "$MODDIR" > "$W/n1.out" 2>&1
expect_eq "same group twice" "1 imnflog: group 3 is configured twice for the same network namespace; a group has only one listener" \
  "$? $(grep -m1 -o 'imnflog: group 3 is configured twice[^[]*listener' "$W/n1.out")"

# A group already bound by ulogd: that input does not start, the other does.
cat > "$W/ulogd.conf" <<CONF
[global]
logfile="$W/ulogd.log"
plugin="/usr/lib/x86_64-linux-gnu/ulogd/ulogd_inppkt_NFLOG.so"
plugin="/usr/lib/x86_64-linux-gnu/ulogd/ulogd_raw2packet_BASE.so"
plugin="/usr/lib/x86_64-linux-gnu/ulogd/ulogd_output_OPRINT.so"
stack=log1:NFLOG,base1:BASE,op1:OPRINT
[log1]
group=20
[op1]
file="$W/ulogd.out"
sync=1
CONF
nsx B ulogd -c "$W/ulogd.conf" > /dev/null 2>&1 &
nflog_bound B 20
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook input priority 0;
		ip saddr 10.200.0.1 log group 20 log group 21 log group 22 snaplen 30
		ip saddr 10.200.0.1 drop
	}
}
NFT
rs_conf "
action(type=\"omfile\" file=\"$W/g21.msg\" template=\"msgline\")
input(type=\"imnflog\" group=\"20\" netns=\"${NSP}B\")
input(type=\"imnflog\" group=\"21\" netns=\"${NSP}B\" ruleset=\"g21\")
input(type=\"imnflog\" group=\"22\" netns=\"${NSP}B\" ruleset=\"g22\")
ruleset(name=\"g21\") { action(type=\"omfile\" file=\"$W/g21.msg\" template=\"msgline\") }
ruleset(name=\"g22\") { action(type=\"omfile\" file=\"$W/g22.msg\" template=\"msgline\")
	action(type=\"omfile\" file=\"$W/g22.json\" template=\"jsonline\") }
"
rs_start
expect_eq "busy group: clear error" \
  "imnflog: cannot bind NFLOG group 20: it is already bound by another process in this network namespace (ulogd, another rsyslogd or a second input with the same group?); only one listener can own a group; this input is not started" \
  "$(grep -m1 -o 'imnflog: cannot bind NFLOG group 20[^[]*started' "$W/internal")"
scapy A "
e = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2', id=5)/TCP(sport=1, dport=2, flags='S', seq=9, options=[('MSS', 1460)]), iface='a0')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2', id=6)/TCP(sport=1, dport=2, flags='S', dataofs=3), iface='a0')
"
wait_lines "$W/g21.msg" 2 && wait_lines "$W/g22.msg" 2
quiesce "$W/g21.msg" "$W/g22.msg" "$W/g22.json"
M='IN=b0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.200.0.1 DST=10.200.0.2'
expect_eq "other groups keep working" \
  "$M LEN=44 TOS=0x00 PREC=0x00 TTL=64 ID=5 PROTO=TCP SPT=1 DPT=2 WINDOW=8192 RES=0x00 SYN URGP=0 " \
  "$(sed -n 1p "$W/g21.msg")"
expect_eq "snaplen 30: what was captured, marked incomplete" \
  "$M LEN=44 TOS=0x00 PREC=0x00 TTL=64 ID=5 PROTO=TCP INCOMPLETE [10 bytes] " \
  "$(sed -n 1p "$W/g22.msg")"
expect_eq "data offset 3: header fields still logged" \
  "$M LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=6 PROTO=TCP INCOMPLETE [10 bytes] " \
  "$(sed -n 2p "$W/g22.msg")"
expect_eq "truncation is a field" '"tcp" "tcp"' \
  "$(python3 -c "
import json,sys
print(' '.join(json.dumps(json.loads(l)['netfilter']['decode']['truncated']) for l in open('$W/g22.json')))")"
rs_stop
expect_eq "decode errors counted in impstats" '"received": 2, "submitted": 2, "decode.errors": 2' \
  "$(grep 'imnflog(group 22' "$W/stats" | tail -1 | grep -o '"received": [0-9]*, "submitted": [0-9]*, "decode.errors": [0-9]*')"
expect_eq "ulogd still owns its group: it logged both packets" "2" "$(grep -c 'PACKET BOUNDARY' "$W/ulogd.out")"

# The malformed TCP header (data offset 3) seen in full: anomaly recorded.
nsx B nft insert rule inet t in ip saddr 10.200.0.1 log group 23
rs_conf "
input(type=\"imnflog\" group=\"23\" netns=\"${NSP}B\")
action(type=\"omfile\" file=\"$W/g23.json\" template=\"jsonline\")
"
rs_start
scapy A "
sendp(Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')/IP(src='10.200.0.1', dst='10.200.0.2', id=7)/TCP(sport=1, dport=2, flags='S', dataofs=3), iface='a0')
"
wait_lines "$W/g23.json" 1
rs_stop
expect_eq "invalid header: anomaly named, fields kept" '["tcp-doff"] 3 2' \
  "$(python3 -c "
import json
d = json.loads(open('$W/g23.json').readline())
print(json.dumps(d['netfilter']['decode']['anomalies']), d['netfilter']['tcp']['doff'], d['destination']['port'])")"

# Without CAP_NET_ADMIN binding fails with a clear message; rsyslogd runs on.
rs_conf "input(type=\"imnflog\" group=\"24\")"
rs_start "${NO_NET_ADMIN[@]}"
expect_eq "no CAP_NET_ADMIN: clear error" \
  "imnflog: cannot bind NFLOG group 24: permission denied; binding needs CAP_NET_ADMIN (run rsyslogd as root, or grant the capability); this input is not started" \
  "$(grep -m1 -o 'imnflog: cannot bind NFLOG group 24[^[]*started' "$W/internal")"
expect_eq "rsyslogd keeps running" "alive" "$(kill -0 "$RS_PID" && echo alive)"
rs_stop
