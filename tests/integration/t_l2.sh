#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Layer 2: ARP and an 802.1Q-tagged frame through a bridge, logged by a
# bridge-family rule; ARP logged by an arp-family rule; IPv4 logged by a
# netdev-family ingress rule.
. "$(dirname "$0")/lib.sh"
require_root
ns_add H; ns_add C; ns_add D
ip -n "${NSP}H" link add br0 type bridge
ip link add bp1 netns "${NSP}H" type veth peer name c0 netns "${NSP}C" address 02:00:00:00:00:0c
ip link add bp2 netns "${NSP}H" type veth peer name d0 netns "${NSP}D" address 02:00:00:00:00:0d
for p in bp1 bp2; do ip -n "${NSP}H" link set "$p" master br0 up; done
ip -n "${NSP}H" link set br0 up
ip -n "${NSP}C" link set c0 up
ip -n "${NSP}D" link set d0 up
ip -n "${NSP}D" addr add 10.201.0.4/24 dev d0
nsx H nft -f - <<'NFT'
table bridge b {
	chain flog {
		type filter hook forward priority 0;
		ether type arp log prefix "br " group 3
		ether type vlan log prefix "vlan " group 5
	}
}
NFT
nsx D nft -f - <<'NFT'
table netdev n {
	chain ing {
		type filter hook ingress device d0 priority 0;
		ip saddr 10.201.0.3 log prefix "ingress " group 4
	}
}
table arp a {
	chain in {
		type filter hook input priority 0;
		log prefix "arp " group 6
	}
}
NFT
rs_conf "
ruleset(name=\"br\") { action(type=\"omfile\" file=\"$W/br.msg\" template=\"msgline\")
	action(type=\"omfile\" file=\"$W/br.json\" template=\"jsonline\") }
ruleset(name=\"nd\") { action(type=\"omfile\" file=\"$W/nd.msg\" template=\"msgline\")
	action(type=\"omfile\" file=\"$W/nd.json\" template=\"jsonline\") }
input(type=\"imnflog\" group=\"3\" netns=\"${NSP}H\" ruleset=\"br\")
input(type=\"imnflog\" group=\"4\" netns=\"${NSP}D\" ruleset=\"nd\" schema=\"ulogd\" seq=\"none\")
ruleset(name=\"vl\") { action(type=\"omfile\" file=\"$W/vl.msg\" template=\"msgline\")
	action(type=\"omfile\" file=\"$W/vl.json\" template=\"jsonline\") }
ruleset(name=\"arp\") { action(type=\"omfile\" file=\"$W/arp.msg\" template=\"msgline\") }
input(type=\"imnflog\" group=\"5\" netns=\"${NSP}H\" ruleset=\"vl\")
input(type=\"imnflog\" group=\"6\" netns=\"${NSP}D\" ruleset=\"arp\")
"
rs_start
scapy C "
sendp(Ether(src='02:00:00:00:00:0c', dst='ff:ff:ff:ff:ff:ff')/ARP(op=1, hwsrc='02:00:00:00:00:0c', psrc='10.201.0.3', pdst='10.201.0.4'), iface='c0')
"
wait_lines "$W/br.msg" 2
scapy C "
sendp(Ether(src='02:00:00:00:00:0c', dst='02:00:00:00:00:0d')/IP(src='10.201.0.3', dst='10.201.0.4', id=11)/UDP(sport=1111, dport=2222), iface='c0')
"
wait_lines "$W/nd.msg" 1
scapy C "
sendp(Ether(src='02:00:00:00:00:0c', dst='02:00:00:00:00:0d')/Dot1Q(vlan=100, prio=3)/IP(src='10.201.0.3', dst='10.201.0.9', id=12)/UDP(sport=3333, dport=4444), iface='c0')
"
wait_lines "$W/vl.msg" 1 && wait_lines "$W/arp.msg" 1
rs_stop
IFBR=$(ifindex H br0)
expect_eq "arp family kernel line" \
  'arp IN=d0 OUT= ARP HTYPE=1 PTYPE=0x0800 OPCODE=1 MACSRC=02:00:00:00:00:0c IPSRC=10.201.0.3 MACDST=00:00:00:00:00:00 IPDST=10.201.0.4' \
  "$(sed -n 1p "$W/arp.msg")"
expect_eq "802.1Q frame on a bridge: kernel line" \
  'vlan IN=bp1 OUT=bp2 MAC=02:00:00:00:00:0d:02:00:00:00:00:0c:08:00 SRC=10.201.0.3 DST=10.201.0.9 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=12 PROTO=UDP SPT=3333 DPT=4444 LEN=8 ' \
  "$(sed -n 1p "$W/vl.msg")"
expect_eq "802.1Q frame on a bridge: vlan id and ports" "100 3333 4444 bp1 bp2" \
  "$(python3 -c "
import json
d = json.loads(open('$W/vl.json').readline())
print(d['network']['vlan']['id'], d['source']['port'], d['destination']['port'], d['netfilter']['physin'], d['netfilter']['physout'])")"
IFD=$(ifindex D d0)
expect_eq "bridge ARP kernel line" \
  'br IN=bp1 OUT=bp2 ARP HTYPE=1 PTYPE=0x0800 OPCODE=1 MACSRC=02:00:00:00:00:0c IPSRC=10.201.0.3 MACDST=00:00:00:00:00:00 IPDST=10.201.0.4' \
  "$(sed -n 1p "$W/br.msg")"
expect_eq "bridge ARP reply kernel line" \
  'br IN=bp2 OUT=bp1 ARP HTYPE=1 PTYPE=0x0800 OPCODE=2 MACSRC=02:00:00:00:00:0d IPSRC=10.201.0.4 MACDST=02:00:00:00:00:0c IPDST=10.201.0.3' \
  "$(sed -n 2p "$W/br.msg")"
expect_eq "netdev ingress kernel line" \
  'ingress IN=d0 OUT= MAC=02:00:00:00:00:0d:02:00:00:00:00:0c:08:00 SRC=10.201.0.3 DST=10.201.0.4 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=11 PROTO=UDP SPT=1111 DPT=2222 LEN=8 ' \
  "$(sed -n 1p "$W/nd.msg")"
expect_json "bridge ARP ECS schema" "$W/br.json" 1 '{"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection"],"module":"netfilter","dataset":"netfilter.nflog"},"netfilter":{"caplen":28,"mark":0,"hook":"forward","seq":{"local":0},"family":7,"hw_protocol":2054,"hw_type":1,"group":3,"arp":{"hwtype":1,"protocoltype":2048,"operation":1,"sha":"02-00-00-00-00-0C","tha":"00-00-00-00-00-00","spa":"10.201.0.3","tpa":"10.201.0.4"},"physin":"bp1","physout":"bp2","mac":{"header":"ff:ff:ff:ff:ff:ff:02:00:00:00:00:0c:08:06"}},"network":{"packets":1,"type":"arp"},"rule":{"name":"br "},"observer":{"ingress":{"interface":{"id":"'$IFBR'","name":"br0"}},"egress":{"interface":{"id":"'$IFBR'","name":"br0"}}},"source":{"mac":"02-00-00-00-00-0C"},"destination":{"mac":"FF-FF-FF-FF-FF-FF"}}'
expect_json "netdev ulogd schema" "$W/nd.json" 1 '{"dvc":"Netfilter","raw.pktlen":28,"raw.pktcount":1,"oob.prefix":"ingress ","oob.mark":0,"oob.ifindex_in":'$IFD',"oob.hook":0,"raw.mac_len":14,"oob.family":5,"oob.protocol":2048,"raw.label":0,"raw.type":1,"raw.mac.addrlen":6,"ip.protocol":17,"ip.tos":0,"ip.ttl":64,"ip.totlen":28,"ip.ihl":5,"ip.csum":25902,"ip.id":11,"ip.fragoff":0,"src_port":1111,"dest_port":2222,"udp.len":8,"udp.csum":56640,"oob.in":"d0","oob.out":"","src_ip":"10.201.0.3","dest_ip":"10.201.0.4","mac.saddr.str":"02:00:00:00:00:0c","mac.daddr.str":"02:00:00:00:00:0d","mac.str":"02:00:00:00:00:0d:02:00:00:00:00:0c:08:00"}'
