#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A host's own multicast, looped back to its input (224.0.0.1 and ff02::1,
# the way the host's own MLD reports come back): the packet has no
# link-layer header, and the kernel's LOG line has an empty MAC=
# (nf_log_syslog.c dump_mac_header prints the header only when the MAC
# header offset is not the network header's). No MAC address is invented
# from the IP header's bytes, in msg or in the fields. The IP ID of a
# kernel-built datagram is not the test's to choose: it is the one part of
# the line compared as ID=N.
. "$(dirname "$0")/lib.sh"
require_root
two_hosts A B
ip -n "${NSP}A" route add 224.0.0.0/4 dev a0
nsx A nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook input priority 0;
		ip daddr 224.0.0.1 udp dport 9999 log prefix "mc " group 7
		ip6 daddr ff02::1 udp dport 9999 log prefix "mc6 " group 7
	}
}
NFT
rs_conf "
ruleset(name=\"out\") { action(type=\"omfile\" file=\"$W/mc.msg\" template=\"msgline\")
	action(type=\"omfile\" file=\"$W/mc.json\" template=\"jsonline\") }
input(type=\"imnflog\" group=\"7\" netns=\"${NSP}A\" ruleset=\"out\")
"
rs_start
nsx A python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('10.200.0.1', 40000))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('10.200.0.1'))
s.sendto(b'x', ('224.0.0.1', 9999))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.bind(('fd00:200::1', 40001))
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, socket.if_nametoindex('a0'))
s6.sendto(b'x', ('ff02::1', 9999, 0, socket.if_nametoindex('a0')))
"
wait_lines "$W/mc.msg" 2
rs_stop
expect_eq "IPv4 multicast looped back: the kernel's line, MAC= empty" \
	"mc IN=a0 OUT= MAC= SRC=10.200.0.1 DST=224.0.0.1 LEN=29 TOS=0x00 PREC=0x00 TTL=1 ID=N DF PROTO=UDP SPT=40000 DPT=9999 LEN=9 " \
	"$(sed -n 1p "$W/mc.msg" | sed -E 's/ ID=[0-9]+ / ID=N /')"
expect_eq "IPv6 multicast looped back: the kernel's line, MAC= empty" \
	"mc6 IN=a0 OUT= MAC= SRC=fd00:0200:0000:0000:0000:0000:0000:0001 DST=ff02:0000:0000:0000:0000:0000:0000:0001 LEN=49 TC=0 HOPLIMIT=1 FLOWLBL=N PROTO=UDP SPT=40001 DPT=9999 LEN=9 " \
	"$(sed -n 2p "$W/mc.msg" | sed -E 's/ FLOWLBL=[0-9]+ / FLOWLBL=N /')"
expect_eq "no MAC address in the fields of either" "0 2" \
	"$(grep -c '"mac"' "$W/mc.json") $(grep -c '"transport":"udp"' "$W/mc.json")"
exit $FAILED
