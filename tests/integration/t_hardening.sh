#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Hostile and unusual input on the real kernel: forged netlink datagrams
# sent by a process to our sockets (rsyslogd once died of one), control
# characters in a prefix, snaplen 64 of a long UDP datagram, an ICMP error
# quoting 8 bytes of TCP, an MLD report behind a hop-by-hop header, and
# identical packets under $RepeatedMsgReduction. Exact lines and counters.
. "$(dirname "$0")/lib.sh"
require_root
RS_MODS="imnflog imnfct"
two_hosts A B
cc -O2 -o "$W/nlsend" "$TOP/tests/tools/nlsend.c" || { notok "build nlsend"; exit 1; }
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook input priority 0;
		udp dport 9001 log group 41 snaplen 64
		icmp type time-exceeded log group 43
		udp dport 9005 log group 45
		ct state new counter
	}
	chain pre {
		type filter hook prerouting priority 0;
		icmpv6 type mld2-listener-report log group 44
	}
}
NFT
# a prefix with a newline and a control character: nft takes them in JSON
echo '{"nftables":[{"add":{"rule":{"family":"inet","table":"t","chain":"in","expr":[
  {"match":{"op":"==","left":{"payload":{"protocol":"udp","field":"dport"}},"right":9002}},
  {"log":{"prefix":"a\nb\u0001c ","group":42}}]}}}]}' | nsx B nft -j -f - || notok "JSON rule"
# a prefix of 127 control bytes, 508 characters escaped
P127=$(python3 -c "print('\\\\u0001' * 127)")
echo '{"nftables":[{"add":{"rule":{"family":"inet","table":"t","chain":"in","expr":[
  {"match":{"op":"==","left":{"payload":{"protocol":"udp","field":"dport"}},"right":9006}},
  {"log":{"prefix":"'"$P127"'","group":46}}]}}}]}' | nsx B nft -j -f - || notok "JSON rule, 127 control bytes"
rs_conf "
\$RepeatedMsgReduction on
ruleset(name=\"g41\") { action(type=\"omfile\" file=\"$W/g41.msg\" template=\"msgline\")
	action(type=\"omfile\" file=\"$W/g41.json\" template=\"jsonline\") }
ruleset(name=\"g42\") { action(type=\"omfile\" file=\"$W/g42.msg\" template=\"msgline\") }
ruleset(name=\"g43\") { action(type=\"omfile\" file=\"$W/g43.msg\" template=\"msgline\")
	action(type=\"omfile\" file=\"$W/g43.json\" template=\"jsonline\") }
ruleset(name=\"g44\") { action(type=\"omfile\" file=\"$W/g44.msg\" template=\"msgline\") }
ruleset(name=\"g45\") { action(type=\"omfile\" file=\"$W/g45.msg\" template=\"msgline\") }
ruleset(name=\"ct\") { action(type=\"omfile\" file=\"$W/ct.msg\" template=\"msgline\") }
input(type=\"imnflog\" group=\"41\" netns=\"${NSP}B\" ruleset=\"g41\")
input(type=\"imnflog\" group=\"42\" netns=\"${NSP}B\" ruleset=\"g42\")
input(type=\"imnflog\" group=\"43\" netns=\"${NSP}B\" ruleset=\"g43\")
input(type=\"imnflog\" group=\"44\" netns=\"${NSP}B\" ruleset=\"g44\" text.flags=\"ipopt\")
input(type=\"imnflog\" group=\"45\" netns=\"${NSP}B\" ruleset=\"g45\")
ruleset(name=\"g46\") { action(type=\"omfile\" file=\"$W/g46.msg\" template=\"msgline\") }
input(type=\"imnflog\" group=\"46\" netns=\"${NSP}B\" ruleset=\"g46\" text.flags=\"all\")
input(type=\"imnfct\" netns=\"${NSP}B\" ruleset=\"ct\" dump=\"on\")
"
rs_start
E="e = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b'); ip = IP(src='10.200.0.1', dst='10.200.0.2', id=1)"
M='IN=b0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.200.0.1 DST=10.200.0.2'

# Forged datagrams first: an NFLOG packet message whose timestamp is 2^62
# seconds, and a conntrack event libnetfilter_conntrack would exit on.
FORGED_NFLOG=$(python3 -c "
import struct
def attr(t, v):
    a = struct.pack('<HH', 4 + len(v), t) + v
    return a + b'\0' * (-len(a) % 4)
payload = bytes.fromhex('450000200001000040117c2c0ac800010ac80002138823290008000000000000')
body = struct.pack('<BBH', 2, 0, 45 << 8) + attr(1, bytes.fromhex('08000100')) \
     + attr(3, struct.pack('>QQ', 1 << 62, 0)) + attr(9, payload)
print((struct.pack('<IHHII', 16 + len(body), 0x0400, 0, 0, 0) + body).hex())")
FORGED_CT=20000000000100000000000000000000020000000c0001800800030000000000
sleep 0.5
expect_eq "forged datagrams reach every netfilter socket of rsyslogd" "8 8" \
  "$(nsx B "$W/nlsend" "$RS_PID" 12 "$FORGED_NFLOG") $(nsx B "$W/nlsend" "$RS_PID" 12 "$FORGED_CT")"
sleep 0.3
expect_eq "rsyslogd survives forged datagrams" alive "$(kill -0 "$RS_PID" 2>/dev/null && echo alive)"

scapy A "$E
sendp(e/ip/UDP(sport=5000, dport=9001)/(b'x' * 1400), iface='a0')
sendp(e/ip/UDP(sport=5000, dport=9002)/b'p', iface='a0')
sendp(e/ip/UDP(sport=5000, dport=9006)/b'p', iface='a0')
q = bytes(IP(src='10.200.0.2', dst='198.51.100.9', ttl=1, id=1)/TCP(sport=40000, dport=80, flags='S'))[:28]
sendp(e/ip/ICMP(type=11, code=0)/q, iface='a0')
for _ in range(3):
    sendp(e/ip/UDP(sport=5000, dport=9005)/b'same', iface='a0')
"
# MLD: joining a group makes A's kernel send a report, hop-by-hop first
nsx A python3 -c "
import socket, struct, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
             socket.inet_pton(socket.AF_INET6, 'ff12::1234') + struct.pack('@I', socket.if_nametoindex('a0')))
time.sleep(1.5)"
wait_lines "$W/g41.msg" 1 && wait_lines "$W/g42.msg" 1 && wait_lines "$W/g43.msg" 1 &&
	wait_lines "$W/g44.msg" 1 && wait_lines "$W/g45.msg" 3 && wait_lines "$W/g46.msg" 1
quiesce "$W"/g4*.msg "$W"/g4*.json "$W/ct.msg"
rs_stop

expect_eq "snaplen 64: the UDP length is the IP header's, no anomaly" \
  "$M LEN=1428 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=5000 DPT=9001 LEN=1408  | no decode status" \
  "$(cat "$W/g41.msg") | $(grep -q '"decode"' "$W/g41.json" && echo decode status || echo no decode status)"
expect_eq "prefix control characters escaped, as rsyslog escapes received ones" \
  "a#012b#001c $M LEN=29 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=5000 DPT=9002 LEN=9 " \
  "$(cat "$W/g42.msg")"
expect_eq "a prefix of 127 control bytes, every text flag on: 31 whole escapes, then the packet" \
  "$(printf '#001%.0s' $(seq 31))IN=b0 OUT= MACSRC=02:00:00:00:00:0a MACDST=02:00:00:00:00:0b MACPROTO=0800 SRC=10.200.0.1 DST=10.200.0.2 LEN=29 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=5000 DPT=9006 LEN=9 " \
  "$(cat "$W/g46.msg")"
expect_eq "ICMP error quoting 8 bytes of TCP: the kernel's line" \
  "$M LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=11 CODE=0 [SRC=10.200.0.2 DST=198.51.100.9 LEN=40 TOS=0x00 PREC=0x00 TTL=1 ID=1 PROTO=TCP INCOMPLETE [8 bytes] ] " \
  "$(cat "$W/g43.msg")"
expect_eq "ICMP error: the quote's truncation is its own, its ports are kept" \
  '{"source": {"ip": "10.200.0.2", "port": 40000}, "destination": {"ip": "198.51.100.9", "port": 80}, "iana_number": 6, "truncated": "tcp"} no decode status' \
  "$(python3 -c "
import json
d = json.loads(open('$W/g43.json').readline())
print(json.dumps(d['netfilter']['icmp']['inner']), 'decode status' if 'decode' in d['netfilter'] else 'no decode status')")"
LL=fe80:0000:0000:0000:0000:00ff:fe00:000a
# the first report holds one or two group records (20 bytes each),
# depending on which report the kernel sends first (seen both ways):
# LEN=76 or LEN=96, the rest exact
expect_eq "MLD report with ipopt: the hop-by-hop header wrapped in OPT ( )" \
  "IN=b0 OUT= MAC=33:33:00:00:00:16:02:00:00:00:00:0a:86:dd SRC=$LL DST=ff02:0000:0000:0000:0000:0000:0000:0016 LEN=76|96 TC=0 HOPLIMIT=1 FLOWLBL=0 OPT ( ) PROTO=ICMPv6 TYPE=143 CODE=0 " \
  "$(head -n1 "$W/g44.msg" | sed -E 's/ LEN=(76|96) / LEN=76|96 /')"
L="$M LEN=32 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=5000 DPT=9005 LEN=12 "
expect_eq "identical packets under \$RepeatedMsgReduction: three full messages" \
  "$L|$L|$L" "$(paste -sd'|' "$W/g45.msg")"
stats() { grep "\"name\": \"$1" "$W/stats" | tail -1 | grep -o "\"$2\": [0-9]*"; }
expect_eq "forged datagrams counted per socket, not logged" \
  '"netlink.foreign": 2 "netlink.foreign": 2 "received": 3' \
  "$(stats 'imnflog(group 45' netlink.foreign) $(stats 'imnfct(' netlink.foreign) $(stats 'imnflog(group 45' received)"
expect_eq "no decode errors counted (snaplen, ICMP quote)" '"decode.errors": 0 "decode.errors": 0' \
  "$(stats 'imnflog(group 41' decode.errors) $(stats 'imnflog(group 43' decode.errors)"
