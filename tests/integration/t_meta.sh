#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A prefix with quotes and spaces, uid/gid of a local socket on the output
# hook, a packet mark; two groups routed to two rulesets with verdict labels.
. "$(dirname "$0")/lib.sh"
require_root
two_hosts A B
# nft's own syntax cannot quote a double quote; its JSON syntax can
nsx B nft -j -f - <<'NFT'
{"nftables": [{"add": {"table": {"family": "inet", "name": "q"}}},
 {"add": {"chain": {"family": "inet", "table": "q", "name": "out", "type": "filter", "hook": "output", "prio": 0, "policy": "accept"}}},
 {"add": {"rule": {"family": "inet", "table": "q", "chain": "out", "expr": [
   {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 9999}},
   {"mangle": {"key": {"meta": {"key": "mark"}}, "value": 42}},
   {"log": {"prefix": "it's \"quoted\" and spaced: ", "group": 7}}]}}}]}
NFT
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook input priority 0;
		ip saddr 10.200.0.1 tcp dport 22 log prefix "ssh " group 8 accept
		ip saddr 10.200.0.1 meta l4proto tcp log prefix "drop " group 9 drop
	}
}
NFT
rs_conf "
ruleset(name=\"local\") { action(type=\"omfile\" file=\"$W/local.msg\" template=\"msgline\")
	action(type=\"omfile\" file=\"$W/local.json\" template=\"jsonline\") }
ruleset(name=\"accepted\") { action(type=\"omfile\" file=\"$W/acc.json\" template=\"jsonline\")
	action(type=\"omfile\" file=\"$W/acc.hdr\" template=\"full\") }
ruleset(name=\"blocked\") { action(type=\"omfile\" file=\"$W/blk.json\" template=\"jsonline\") }
input(type=\"imnflog\" group=\"7\" netns=\"${NSP}B\" ruleset=\"local\" text.flags=\"uid\" schema=\"ulogd\" seq=\"none\")
input(type=\"imnflog\" group=\"8\" netns=\"${NSP}B\" ruleset=\"accepted\" verdict=\"accept\" tag=\"fw-accept:\" facility=\"local3\" severity=\"info\")
input(type=\"imnflog\" group=\"9\" netns=\"${NSP}B\" ruleset=\"blocked\" verdict=\"drop\" schema=\"ulogd\" seq=\"none\")
"
rs_start
nsx B setpriv --reuid=1234 --regid=4321 --clear-groups /usr/bin/python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('10.200.0.2', 7777))
s.sendto(b'x', ('10.200.0.1', 9999))"
scapy A "
e = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2', id=1)/TCP(sport=1000, dport=22, flags='S', seq=1), iface='a0')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2', id=2)/TCP(sport=1000, dport=23, flags='S', seq=1), iface='a0')
"
wait_lines "$W/local.msg" 1 && wait_lines "$W/acc.json" 1 && wait_lines "$W/blk.json" 1
rs_stop
ID=$(python3 -c "import json; print(json.loads(open('$W/local.json').readline())['ip.id'])")
expect_eq "prefix, uid, gid and mark in the kernel line" \
  "it's \"quoted\" and spaced: IN= OUT=b0 SRC=10.200.0.2 DST=10.200.0.1 LEN=29 TOS=0x00 PREC=0x00 TTL=64 ID=$ID DF PROTO=UDP SPT=7777 DPT=9999 LEN=9 UID=1234 GID=4321 MARK=0x2a " \
  "$(cat "$W/local.msg")"
expect_eq "one message per rule, each in its ruleset" "1 1 1" \
  "$(cat "$W/local.json" | wc -l) $(cat "$W/acc.json" | wc -l) $(cat "$W/blk.json" | wc -l)"
python3 - "$W" > "$W/fields" <<'PY'
import json, sys
w = sys.argv[1]
loc = json.loads(open(w + "/local.json").readline())
acc = json.loads(open(w + "/acc.json").readline())
blk = json.loads(open(w + "/blk.json").readline())
print(loc["oob.prefix"], loc["oob.uid"], loc["oob.gid"], loc["oob.mark"], loc["oob.hook"], loc["oob.out"], "oob.in" in loc, loc["oob.ifindex_out"] > 0)
print(acc["event"]["action"], acc["event"]["type"], acc["rule"]["name"], acc["destination"]["port"])
print(blk["action"], blk["oob.prefix"], blk["dest_port"])
PY
expect_eq "local packet fields" "it's \"quoted\" and spaced:  1234 4321 42 3 b0 True True" "$(sed -n 1p "$W/fields")"
expect_eq "accepted: ECS verdict" "accept ['connection', 'allowed'] ssh  22" "$(sed -n 2p "$W/fields")"
expect_eq "blocked: ulogd boolean label" "blocked drop  23" "$(sed -n 3p "$W/fields")"
expect_eq "tag, facility and severity" "local3.info fw-accept: " \
  "$(cut -d' ' -f1,2 "$W/acc.hdr") "
