#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The migration templates against the real ulogd2 (Debian 12's 2.0.8) on the
# same packets and events: contrib/examples/ulogd2-logemu.conf against the
# stack NFLOG,BASE,IFINDEX,IP2STR,PRINTPKT,LOGEMU (two log statements of one
# rule), contrib/examples/ulogd2-printflow.conf against
# NFCT,IP2STR,PRINTFLOW,LOGEMU. Whole lines must be equal; the time, each
# program's own for conntrack events and for packets the kernel stamps once
# per log statement, may differ by the second it falls on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/contrib.sh"
require_root
need ulogd2 conntrack
RS_MODS=
U=/usr/lib/x86_64-linux-gnu/ulogd
two_hosts A B

# compare OURS THEIRS NAME: line by line
compare() {
	python3 - "$1" "$2" "$TNAME" "$3" <<'PY'
import datetime, sys
ours, theirs = open(sys.argv[1]).read().splitlines(), open(sys.argv[2]).read().splitlines()
t, name = sys.argv[3], sys.argv[4]
if len(ours) != len(theirs) or not ours:
    print("not ok - %s: %s: %d lines, ulogd2 %d" % (t, name, len(ours), len(theirs)))
for i, (o, u) in enumerate(zip(ours, theirs)):
    when = lambda l: datetime.datetime.strptime("2000 " + l[:15], "%Y %b %d %H:%M:%S")
    same_second = abs((when(o) - when(u)).total_seconds()) <= 1
    if o[15:] == u[15:] and same_second:
        print("ok - %s: %s: %s" % (t, name, u[16:].split(" ", 1)[1][:70]))
    else:
        print("not ok - %s: %s: line %d\n#  ours  : %r\n#  ulogd2: %r" % (t, name, i + 1, o, u))
PY
}

# --- LOGEMU: packets --------------------------------------------------------
cat > "$W/ulogd-pkt.conf" <<CONF
[global]
logfile="$W/ulogd-pkt.log"
plugin="$U/ulogd_inppkt_NFLOG.so"
plugin="$U/ulogd_raw2packet_BASE.so"
plugin="$U/ulogd_filter_IFINDEX.so"
plugin="$U/ulogd_filter_IP2STR.so"
plugin="$U/ulogd_filter_PRINTPKT.so"
plugin="$U/ulogd_output_LOGEMU.so"
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU
[log1]
group=51
[emu1]
file="$W/ulogd-logemu.log"
sync=1
CONF
nsx B ulogd -c "$W/ulogd-pkt.conf" > /dev/null 2>&1 &
nflog_bound B 51
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook input priority 0;
		ip saddr 10.200.0.1 log prefix "cmp" group 50 log prefix "cmp" group 51 drop
		ip6 saddr fd00:200::1 log group 50 log group 51 drop
	}
	chain out {
		type filter hook output priority 0;
		udp dport 9 meta mark set 0x2a log prefix "out" group 50 log prefix "out" group 51 drop
	}
}
NFT
mkdir -p "$W/rs.d"
install_snippet rsyslog.d/00-imnflog-module.conf "$W/rs.d/00.conf"
install_snippet examples/ulogd2-logemu.conf "$W/rs.d/logemu.conf"
rs_conf "
include(file=\"$W/rs.d/*.conf\")
input(type=\"imnflog\" group=\"50\" netns=\"${NSP}B\" ruleset=\"ulogd-logemu\")
"
rs_start
scapy A "
e = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')
ip = IP(src='10.200.0.1', dst='10.200.0.2', id=99)
v6 = IPv6(src='fd00:200::1', dst='fd00:200::2')
sendp([e/ip/TCP(sport=33000, dport=22, seq=42, flags='S', options=[('MSS', 1460)]),
       e/IP(src='10.200.0.1', dst='10.200.0.2', tos=0xb8, flags='DF')/TCP(sport=33000, dport=80, seq=43, ack=7, flags='FPAU', urgptr=3)/b'GET',
       e/IP(src='10.200.0.1', dst='10.200.0.2', tos=0x03)/TCP(sport=33000, dport=81, flags='R', urgptr=9),
       e/ip/UDP(sport=5353, dport=53)/b'query',
       e/ip/ICMP(type=8, id=1, seq=2),
       e/ip/ICMP(type=3, code=3)/IP(src='10.200.0.2', dst='192.0.2.9')/UDP(sport=53, dport=4444),
       e/ip/ICMP(type=3, code=4, nexthopmtu=1400)/IP(src='10.200.0.2', dst='192.0.2.9')/TCP(sport=1, dport=2),
       e/ip/ICMP(type=3, code=5)/IP(src='10.200.0.2', dst='192.0.2.9')/TCP(sport=1, dport=2),
       e/ip/ICMP(type=5, code=1, gw='10.200.0.9')/IP(src='10.200.0.2', dst='192.0.2.9')/TCP(sport=1, dport=2),
       e/ip/ICMP(type=11, code=0)/IP(src='10.200.0.2', dst='192.0.2.9')/UDP(sport=1, dport=2),
       e/ip/ICMP(type=13, code=0),
       e/ip/SCTP(sport=9, dport=10),
       e/ip/ESP(spi=0x1234, seq=1),
       e/ip/GRE()/IP(src='1.1.1.1', dst='2.2.2.2'),
       e/IP(src='10.200.0.1', dst='10.200.0.2', proto=6)/b'\x01\x02\x03\x04',
       e/IP(src='10.200.0.1', dst='10.200.0.2', proto=17)/b'\x01\x02\x03\x04',
       e/IP(src='10.200.0.1', dst='10.200.0.2', proto=1)/b'\x08\x00\x00\x00',
       e/IP(src='10.200.0.1', dst='10.200.0.2', proto=132)/b'\x01\x02\x03\x04',
       e/IPv6(src='fd00:200::1', dst='fd00:200::2', nh=58)/b'\x80\x00',
       e/v6/TCP(sport=33001, dport=443, flags='S'),
       e/IPv6(src='fd00:200::1', dst='fd00:200::2', tc=0x28, fl=12345)/UDP(sport=5000, dport=5001),
       e/v6/ICMPv6EchoRequest(id=3, seq=4),
       e/v6/ICMPv6DestUnreach(code=1)/IPv6(src='fd00:200::2', dst='2001:db8::1')/UDP(sport=1, dport=2),
       e/v6/IPv6ExtHdrDestOpt()/UDP(sport=7, dport=8)], iface='a0')
"
# a local packet: no MAC, uid and gid (the rule drops it: EPERM)
nsx B python3 -c "
import socket
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('10.200.0.1', 9))
except PermissionError:
    pass"
wait_lines "$W/log/netfilter/ulogd-syslogemu.log" 25 && wait_lines "$W/ulogd-logemu.log" 25
rs_stop
compare "$W/log/netfilter/ulogd-syslogemu.log" "$W/ulogd-logemu.log" LOGEMU

# --- PRINTFLOW: conntrack events --------------------------------------------
ns_add F
# a rule that needs conntrack, so the namespace tracks its own packets
nsx F nft add table ip t
nsx F nft add chain ip t out '{ type filter hook output priority 0; }'
nsx F nft add rule ip t out ct state new counter
nsx F sysctl -qw net.netfilter.nf_conntrack_acct=1 net.netfilter.nf_conntrack_events=1
cat > "$W/ulogd-ct.conf" <<CONF
[global]
logfile="$W/ulogd-ct.log"
plugin="$U/ulogd_inpflow_NFCT.so"
plugin="$U/ulogd_filter_IP2STR.so"
plugin="$U/ulogd_filter_PRINTFLOW.so"
plugin="$U/ulogd_output_LOGEMU.so"
stack=ct1:NFCT,ip2str1:IP2STR,print1:PRINTFLOW,emu1:LOGEMU
[ct1]
hash_enable=0
[emu1]
file="$W/ulogd-printflow.log"
sync=1
CONF
nsx F ulogd -c "$W/ulogd-ct.conf" > /dev/null 2>&1 &
ct_listening F 1
rm -rf "$W/rs.d"
mkdir -p "$W/rs.d"
install_snippet rsyslog.d/00-imnfct-module.conf "$W/rs.d/00.conf"
install_snippet rsyslog.d/50-imnfct.conf "$W/rs.d/50.conf" "${NSP}F"
sed -i 's/^ruleset(name="nfct" queue.type="Direct") {$/&\n\tcall ulogd-printflow/' "$W/rs.d/50.conf"
install_snippet examples/ulogd2-printflow.conf "$W/rs.d/printflow.conf"
rs_conf "include(file=\"$W/rs.d/*.conf\")"
rs_start
ct() { nsx F conntrack "$@" > /dev/null 2>&1; }
ct -I -p udp -s 10.1.0.1 -d 10.1.0.2 --sport 1000 --dport 53 -t 60
ct -I -p tcp -s 10.1.0.1 -d 10.1.0.3 --sport 1001 --dport 443 --state ESTABLISHED -t 60 --src-nat 203.0.113.5
ct -I -p icmp -s 10.1.0.1 -d 10.1.0.4 --icmp-type 8 --icmp-code 0 --icmp-id 7 -t 30
ct -I -p udp -s fd01::1 -d fd01::2 --sport 2000 --dport 53 -t 60
ct -I -p icmpv6 -s fd01::1 -d fd01::2 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 9 -t 30
# a real flow, with packets and bytes counted both ways
nsx F ping -c1 -W1 127.0.0.1 > /dev/null
sleep 0.5
ct -F
wait_lines "$W/log/netfilter/ulogd-printflow.log" 12 && wait_lines "$W/ulogd-printflow.log" 12
rs_stop
compare "$W/log/netfilter/ulogd-printflow.log" "$W/ulogd-printflow.log" PRINTFLOW
