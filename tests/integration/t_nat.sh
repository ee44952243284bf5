#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# attach_conntrack: a router masquerades a client; the packet logged after
# NAT (postrouting, after srcnat) carries its conntrack state, id, status
# and the translated source.
. "$(dirname "$0")/lib.sh"
require_root
ns_add C; ns_add R; ns_add S
ip link add c0 netns "${NSP}C" type veth peer name r0 netns "${NSP}R"
ip link add r1 netns "${NSP}R" type veth peer name s0 netns "${NSP}S"
ip -n "${NSP}C" addr add 192.168.50.2/24 dev c0
ip -n "${NSP}R" addr add 192.168.50.1/24 dev r0
ip -n "${NSP}R" addr add 203.0.113.1/24 dev r1
ip -n "${NSP}S" addr add 203.0.113.9/24 dev s0
for l in "C c0" "R r0" "R r1" "S s0"; do set -- $l; ip -n "$NSP$1" link set "$2" up; done
ip -n "${NSP}C" route add default via 192.168.50.1
nsx R sysctl -qw net.ipv4.ip_forward=1
nsx R nft -f - <<'NFT'
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "r1" masquerade
	}
}
table inet logging {
	chain after_nat {
		type filter hook postrouting priority 200;
		oifname "r1" udp dport 5000 log prefix "fwd " group 1
	}
}
NFT
rs_conf "
action(type=\"omfile\" file=\"$W/out.json\" template=\"jsonline\")
input(type=\"imnflog\" group=\"1\" netns=\"${NSP}R\" attach_conntrack=\"on\")
"
rs_start
nsx C /usr/bin/python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('192.168.50.2', 4444))
s.sendto(b'x', ('203.0.113.9', 5000))"
wait_lines "$W/out.json" 1
rs_stop
# Kernels without CONFIG_NETFILTER_NETLINK_GLUE_CT cannot attach conntrack
# to a logged packet: the input says so once and logs the packets anyway.
if (zcat /proc/config.gz 2>/dev/null || cat "/boot/config-$(uname -r)" 2>/dev/null) |
	grep -q '^CONFIG_NETFILTER_NETLINK_GLUE_CT=y'; then
	CT=$(nsx R conntrack -L -p udp --orig-src 192.168.50.2 -o id 2>/dev/null | grep -o 'id=[0-9]*' | cut -d= -f2)
	expect_eq "conntrack fields of the packet after NAT" \
	  "new $CT [\"SRC_NAT\",\"SRC_NAT_DONE\",\"DST_NAT_DONE\"] 203.0.113.1 4444 192.168.50.2 r1" \
	  "$(python3 -c "
import json
d = json.loads(open('$W/out.json').readline())
ct = d['netfilter']['ct']
print(ct['state'], ct['id'], json.dumps(ct['status'], separators=(',', ':')), d['source']['nat']['ip'], d['source']['nat']['port'], d['source']['ip'], d['observer']['egress']['interface']['name'])")"
else
	expect_eq "kernel without conntrack glue: a clear warning" \
	  "imnflog: group 1: attach_conntrack is not supported by this kernel (CONFIG_NETFILTER_NETLINK_GLUE_CT is not set); packets are logged without conntrack fields" \
	  "$(grep -m1 -o 'imnflog: group 1: attach_conntrack[^[]*fields' "$W/internal")"
	expect_eq "kernel without conntrack glue: packets still logged, post-NAT" \
	  "203.0.113.1 4444 r1 False" \
	  "$(python3 -c "
import json
d = json.loads(open('$W/out.json').readline())
print(d['source']['ip'], d['source']['port'], d['observer']['egress']['interface']['name'], 'ct' in d['netfilter'])")"
fi
