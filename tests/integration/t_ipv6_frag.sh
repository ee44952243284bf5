#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# IPv6 TCP SYN with options and ICMPv6 echo; an IPv4 UDP datagram in three
# fragments, logged at prerouting (no conntrack in the namespace, and
# local delivery reassembles only after that hook): L4 fields only from the
# first fragment.
. "$(dirname "$0")/lib.sh"
require_root
two_hosts A B
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook prerouting priority 0;
		ip saddr 10.200.0.1 log group 1 log group 2
		ip6 saddr fd00:200::1 log group 1 log group 2
		drop
	}
}
NFT
rs_conf "
ruleset(name=\"ecs\") { action(type=\"omfile\" file=\"$W/ecs.msg\" template=\"msgline\")
	action(type=\"omfile\" file=\"$W/ecs.json\" template=\"jsonline\") }
ruleset(name=\"ulogd\") { action(type=\"omfile\" file=\"$W/ulogd.json\" template=\"jsonline\") }
input(type=\"imnflog\" group=\"1\" netns=\"${NSP}B\" ruleset=\"ecs\" community_id=\"on\")
input(type=\"imnflog\" group=\"2\" netns=\"${NSP}B\" ruleset=\"ulogd\" schema=\"ulogd\" seq=\"none\")
"
rs_start
scapy A "
e = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')
v6 = IPv6(src='fd00:200::1', dst='fd00:200::2', hlim=64, tc=0x10, fl=0x12345)
sendp(e/v6/TCP(sport=40001, dport=443, seq=7, flags='S', window=65535,
	options=[('MSS', 1440), ('SAckOK', b''), ('Timestamp', (9, 0)), ('NOP', None), ('WScale', 8)]), iface='a0')
sendp(e/v6/ICMPv6EchoRequest(id=5, seq=6)/b'hi', iface='a0')
for f in fragment(IP(src='10.200.0.1', dst='10.200.0.2', id=777)/UDP(sport=6000, dport=7000)/(b'x' * 3000), fragsize=1480):
	sendp(e/f, iface='a0')
"
wait_lines "$W/ulogd.json" 5 && wait_lines "$W/ecs.json" 5
rs_stop
IFB=$(ifindex B b0)
M='IN=b0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:86:dd'
expect_eq "IPv6 SYN kernel line" \
  "$M SRC=fd00:0200:0000:0000:0000:0000:0000:0001 DST=fd00:0200:0000:0000:0000:0000:0000:0002 LEN=80 TC=16 HOPLIMIT=64 FLOWLBL=74565 PROTO=TCP SPT=40001 DPT=443 WINDOW=65535 RES=0x00 SYN URGP=0 " \
  "$(sed -n 1p "$W/ecs.msg")"
expect_eq "ICMPv6 echo kernel line" \
  "$M SRC=fd00:0200:0000:0000:0000:0000:0000:0001 DST=fd00:0200:0000:0000:0000:0000:0000:0002 LEN=50 TC=16 HOPLIMIT=64 FLOWLBL=74565 PROTO=ICMPv6 TYPE=128 CODE=0 ID=5 SEQ=6 " \
  "$(sed -n 2p "$W/ecs.msg")"
M='IN=b0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00'
expect_eq "first fragment kernel line" \
  "$M SRC=10.200.0.1 DST=10.200.0.2 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=777 MF PROTO=UDP SPT=6000 DPT=7000 LEN=3008 " \
  "$(sed -n 3p "$W/ecs.msg")"
expect_eq "second fragment kernel line" \
  "$M SRC=10.200.0.1 DST=10.200.0.2 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=777 MF FRAG:185 PROTO=UDP " \
  "$(sed -n 4p "$W/ecs.msg")"
expect_eq "last fragment kernel line" \
  "$M SRC=10.200.0.1 DST=10.200.0.2 LEN=68 TOS=0x00 PREC=0x00 TTL=64 ID=777 FRAG:370 PROTO=UDP " \
  "$(sed -n 5p "$W/ecs.msg")"
expect_json "IPv6 SYN ulogd schema" "$W/ulogd.json" 1 '{"dvc":"Netfilter","raw.pktlen":80,"raw.pktcount":1,"oob.prefix":"","oob.mark":0,"oob.ifindex_in":'$IFB',"oob.hook":0,"raw.mac_len":14,"oob.family":10,"oob.protocol":34525,"raw.label":0,"raw.type":1,"raw.mac.addrlen":6,"ip.protocol":6,"ip6.payloadlen":40,"ip6.priority":16,"ip6.flowlabel":74565,"ip6.hoplimit":64,"ip6.nexthdr":6,"src_port":40001,"dest_port":443,"tcp.seq":7,"tcp.ackseq":0,"tcp.window":65535,"tcp.offset":10,"tcp.reserved":0,"tcp.urg":0,"tcp.ack":0,"tcp.psh":0,"tcp.rst":0,"tcp.syn":1,"tcp.fin":0,"tcp.res1":0,"tcp.res2":0,"tcp.csum":44034,"oob.in":"b0","oob.out":"","src_ip":"fd00:200::1","dest_ip":"fd00:200::2","mac.saddr.str":"02:00:00:00:00:0a","mac.daddr.str":"02:00:00:00:00:0b","mac.str":"02:00:00:00:00:0b:02:00:00:00:00:0a:86:dd"}'
expect_json "ICMPv6 ulogd schema" "$W/ulogd.json" 2 '{"dvc":"Netfilter","raw.pktlen":50,"raw.pktcount":1,"oob.prefix":"","oob.mark":0,"oob.ifindex_in":'$IFB',"oob.hook":0,"raw.mac_len":14,"oob.family":10,"oob.protocol":34525,"raw.label":0,"raw.type":1,"raw.mac.addrlen":6,"ip.protocol":58,"ip6.payloadlen":10,"ip6.priority":16,"ip6.flowlabel":74565,"ip6.hoplimit":64,"ip6.nexthdr":58,"icmpv6.type":128,"icmpv6.code":0,"icmpv6.echoid":5,"icmpv6.echoseq":6,"icmpv6.csum":6466,"oob.in":"b0","oob.out":"","src_ip":"fd00:200::1","dest_ip":"fd00:200::2","mac.saddr.str":"02:00:00:00:00:0a","mac.daddr.str":"02:00:00:00:00:0b","mac.str":"02:00:00:00:00:0b:02:00:00:00:00:0a:86:dd"}'
expect_json "first fragment ulogd schema" "$W/ulogd.json" 3 '{"dvc":"Netfilter","raw.pktlen":1500,"raw.pktcount":1,"oob.prefix":"","oob.mark":0,"oob.ifindex_in":'$IFB',"oob.hook":0,"raw.mac_len":14,"oob.family":2,"oob.protocol":2048,"raw.label":0,"raw.type":1,"raw.mac.addrlen":6,"ip.protocol":17,"ip.tos":0,"ip.ttl":64,"ip.totlen":1500,"ip.ihl":5,"ip.csum":15478,"ip.id":777,"ip.fragoff":8192,"src_port":6000,"dest_port":7000,"udp.len":3008,"udp.csum":48689,"oob.in":"b0","oob.out":"","src_ip":"10.200.0.1","dest_ip":"10.200.0.2","mac.saddr.str":"02:00:00:00:00:0a","mac.daddr.str":"02:00:00:00:00:0b","mac.str":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}'
expect_json "second fragment ulogd schema" "$W/ulogd.json" 4 '{"dvc":"Netfilter","raw.pktlen":1500,"raw.pktcount":1,"oob.prefix":"","oob.mark":0,"oob.ifindex_in":'$IFB',"oob.hook":0,"raw.mac_len":14,"oob.family":2,"oob.protocol":2048,"raw.label":0,"raw.type":1,"raw.mac.addrlen":6,"ip.protocol":17,"ip.tos":0,"ip.ttl":64,"ip.totlen":1500,"ip.ihl":5,"ip.csum":15293,"ip.id":777,"ip.fragoff":8377,"oob.in":"b0","oob.out":"","src_ip":"10.200.0.1","dest_ip":"10.200.0.2","mac.saddr.str":"02:00:00:00:00:0a","mac.daddr.str":"02:00:00:00:00:0b","mac.str":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}'
expect_json "last fragment ulogd schema" "$W/ulogd.json" 5 '{"dvc":"Netfilter","raw.pktlen":68,"raw.pktcount":1,"oob.prefix":"","oob.mark":0,"oob.ifindex_in":'$IFB',"oob.hook":0,"raw.mac_len":14,"oob.family":2,"oob.protocol":2048,"raw.label":0,"raw.type":1,"raw.mac.addrlen":6,"ip.protocol":17,"ip.tos":0,"ip.ttl":64,"ip.totlen":68,"ip.ihl":5,"ip.csum":24732,"ip.id":777,"ip.fragoff":370,"oob.in":"b0","oob.out":"","src_ip":"10.200.0.1","dest_ip":"10.200.0.2","mac.saddr.str":"02:00:00:00:00:0a","mac.daddr.str":"02:00:00:00:00:0b","mac.str":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}'
expect_json "IPv6 SYN ECS schema" "$W/ecs.json" 1 '{"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection"],"module":"netfilter","dataset":"netfilter.nflog"},"netfilter":{"caplen":80,"mark":0,"hook":"prerouting","seq":{"local":0},"family":10,"hw_protocol":34525,"hw_type":1,"group":1,"ip6":{"payload_len":40,"tclass":16,"flowlabel":74565,"hoplimit":64,"nexthdr":6},"tcp":{"seq":7,"ack":0,"window":65535,"doff":10,"reserved":0,"urgp":0,"checksum":44034,"flags":["SYN"],"options":{"mss":1440,"wscale":8,"sack_permitted":true,"tsval":9,"tsecr":0}},"mac":{"header":"02:00:00:00:00:0b:02:00:00:00:00:0a:86:dd"}},"network":{"packets":1,"type":"ipv6","iana_number":"6","transport":"tcp","bytes":80,"community_id":"1:RIKeLuvs7w+vX0eXOAUfRoFQ0jE="},"observer":{"ingress":{"interface":{"id":"'$IFB'","name":"b0"}}},"source":{"port":40001,"ip":"fd00:200::1","mac":"02-00-00-00-00-0A"},"destination":{"port":443,"ip":"fd00:200::2","mac":"02-00-00-00-00-0B"}}'
expect_json "ICMPv6 ECS schema" "$W/ecs.json" 2 '{"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection"],"module":"netfilter","dataset":"netfilter.nflog"},"netfilter":{"caplen":50,"mark":0,"hook":"prerouting","seq":{"local":1},"family":10,"hw_protocol":34525,"hw_type":1,"group":1,"ip6":{"payload_len":10,"tclass":16,"flowlabel":74565,"hoplimit":64,"nexthdr":58},"icmpv6":{"type":128,"code":0,"id":5,"seq":6,"checksum":6466},"mac":{"header":"02:00:00:00:00:0b:02:00:00:00:00:0a:86:dd"}},"network":{"packets":1,"type":"ipv6","iana_number":"58","transport":"ipv6-icmp","bytes":50,"community_id":"1:pTnuAIvwXJcClTraSrQGpXhTO/g="},"observer":{"ingress":{"interface":{"id":"'$IFB'","name":"b0"}}},"source":{"ip":"fd00:200::1","mac":"02-00-00-00-00-0A"},"destination":{"ip":"fd00:200::2","mac":"02-00-00-00-00-0B"}}'
expect_json "first fragment ECS schema" "$W/ecs.json" 3 '{"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection"],"module":"netfilter","dataset":"netfilter.nflog"},"netfilter":{"caplen":1500,"mark":0,"hook":"prerouting","seq":{"local":2},"family":2,"hw_protocol":2048,"hw_type":1,"group":1,"ip":{"tos":0,"ttl":64,"len":1500,"ihl":5,"checksum":15478,"id":777,"frag":8192,"flags":["MF"]},"udp":{"len":3008,"checksum":48689},"mac":{"header":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}},"network":{"packets":1,"type":"ipv4","iana_number":"17","transport":"udp","bytes":1500,"community_id":"1:Tj2QY1Jgokka3Uf0ob+c0TBXbUY="},"observer":{"ingress":{"interface":{"id":"'$IFB'","name":"b0"}}},"source":{"port":6000,"ip":"10.200.0.1","mac":"02-00-00-00-00-0A"},"destination":{"port":7000,"ip":"10.200.0.2","mac":"02-00-00-00-00-0B"}}'
expect_json "second fragment ECS schema" "$W/ecs.json" 4 '{"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection"],"module":"netfilter","dataset":"netfilter.nflog"},"netfilter":{"caplen":1500,"mark":0,"hook":"prerouting","seq":{"local":3},"family":2,"hw_protocol":2048,"hw_type":1,"group":1,"ip":{"tos":0,"ttl":64,"len":1500,"ihl":5,"checksum":15293,"id":777,"frag":8377,"flags":["MF"],"fragoff":1480},"mac":{"header":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}},"network":{"packets":1,"type":"ipv4","iana_number":"17","transport":"udp","bytes":1500,"community_id":"1:gYksZ6dE1+spSIUFD6OgHPNgspw="},"observer":{"ingress":{"interface":{"id":"'$IFB'","name":"b0"}}},"source":{"ip":"10.200.0.1","mac":"02-00-00-00-00-0A"},"destination":{"ip":"10.200.0.2","mac":"02-00-00-00-00-0B"}}'
expect_json "last fragment ECS schema" "$W/ecs.json" 5 '{"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection"],"module":"netfilter","dataset":"netfilter.nflog"},"netfilter":{"caplen":68,"mark":0,"hook":"prerouting","seq":{"local":4},"family":2,"hw_protocol":2048,"hw_type":1,"group":1,"ip":{"tos":0,"ttl":64,"len":68,"ihl":5,"checksum":24732,"id":777,"frag":370,"fragoff":2960},"mac":{"header":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}},"network":{"packets":1,"type":"ipv4","iana_number":"17","transport":"udp","bytes":68,"community_id":"1:gYksZ6dE1+spSIUFD6OgHPNgspw="},"observer":{"ingress":{"interface":{"id":"'$IFB'","name":"b0"}}},"source":{"ip":"10.200.0.1","mac":"02-00-00-00-00-0A"},"destination":{"ip":"10.200.0.2","mac":"02-00-00-00-00-0B"}}'
