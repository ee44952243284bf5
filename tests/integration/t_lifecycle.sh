#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Shutdown and memory: the input thread ends cooperatively on SIGTERM
# (not cancelled), and a valgrind run of rsyslogd shows no leak and no
# invalid access from our code while packets flow.
. "$(dirname "$0")/lib.sh"
require_root
two_hosts A B
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook prerouting priority 0;
		ip saddr 10.200.0.1 log group 1 log group 2
		ip6 saddr fd00:200::1 log group 1 log group 2
	}
}
NFT
RS_GLOBAL=$VALGRIND_GLOBAL
rs_conf "
action(type=\"omfile\" file=\"$W/out.json\" template=\"jsonline\")
input(type=\"imnflog\" group=\"1\" netns=\"${NSP}B\")
input(type=\"imnflog\" group=\"2\" netns=\"${NSP}B\" schema=\"ulogd\" attach_conntrack=\"on\")
"
rs_start "${UNDER_VALGRIND[@]}"
scapy A "
e = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')
for i in range(20):
	sendp(e/IP(src='10.200.0.1', dst='10.200.0.2', id=i)/TCP(sport=1000 + i, dport=22, flags='S', options=[('MSS', 1460)]), iface='a0')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2')/ICMP(type=3, code=3)/IP(src='10.200.0.2', dst='10.200.0.1')/UDP(sport=1, dport=2), iface='a0')
sendp(e/IPv6(src='fd00:200::1', dst='fd00:200::2')/IPv6ExtHdrFragment(offset=0, m=1)/UDP(sport=3, dport=4), iface='a0')
"
wait_lines "$W/out.json" 44
ip -n "${NSP}B" link add tmp7 type veth peer name tmp8 # interfaces come and go meanwhile
ip -n "${NSP}B" link del tmp7
rs_stop
expect_eq "all 44 messages written" 44 "$(wc -l < "$W/out.json")"
valgrind_checks imnflog
