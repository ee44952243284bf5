#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# IPv4 TCP SYN with options, UDP, ICMP echo and port unreachable, crafted
# with scapy so every header field is known: full field set in both schemas
# and the exact kernel LOG line.
. "$(dirname "$0")/lib.sh"
require_root
two_hosts A B
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook input priority 0;
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
input(type=\"imnflog\" group=\"1\" netns=\"${NSP}B\" ruleset=\"ecs\" verdict=\"drop\" community_id=\"on\")
input(type=\"imnflog\" group=\"2\" netns=\"${NSP}B\" ruleset=\"ulogd\" schema=\"ulogd\" seq=\"none\")
"
rs_start
scapy A "
e = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')
ip = IP(src='10.200.0.1', dst='10.200.0.2', id=4660, ttl=64, tos=0xb8, flags='DF')
sendp(e/ip/TCP(sport=40000, dport=22, seq=1000, flags='S', window=64240,
	options=[('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1, 0)), ('NOP', None), ('WScale', 7)]), iface='a0')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2', id=2, flags=0)/UDP(sport=5000, dport=53)/b'abcd', iface='a0')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2', id=3)/ICMP(type=8, id=77, seq=3)/b'ping', iface='a0')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2', id=4)/ICMP(type=3, code=3)/IP(src='10.200.0.2', dst='10.200.0.1', id=9, flags='DF')/UDP(sport=5353, dport=9), iface='a0')
"
wait_lines "$W/ulogd.json" 4 && wait_lines "$W/ecs.json" 4
rs_stop
IFB=$(ifindex B b0)

expect_eq "SYN kernel line" \
  'IN=b0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.200.0.1 DST=10.200.0.2 LEN=60 TOS=0x18 PREC=0xA0 TTL=64 ID=4660 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ' \
  "$(sed -n 1p "$W/ecs.msg")"
expect_eq "UDP kernel line" \
  'IN=b0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.200.0.1 DST=10.200.0.2 LEN=32 TOS=0x00 PREC=0x00 TTL=64 ID=2 PROTO=UDP SPT=5000 DPT=53 LEN=12 ' \
  "$(sed -n 2p "$W/ecs.msg")"
expect_eq "ICMP echo kernel line" \
  'IN=b0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.200.0.1 DST=10.200.0.2 LEN=32 TOS=0x00 PREC=0x00 TTL=64 ID=3 PROTO=ICMP TYPE=8 CODE=0 ID=77 SEQ=3 ' \
  "$(sed -n 3p "$W/ecs.msg")"
expect_eq "ICMP port unreachable kernel line" \
  'IN=b0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.200.0.1 DST=10.200.0.2 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=4 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.200.0.2 DST=10.200.0.1 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=9 DF PROTO=UDP SPT=5353 DPT=9 LEN=8 ] ' \
  "$(sed -n 4p "$W/ecs.msg")"

expect_json "SYN ulogd schema" "$W/ulogd.json" 1 '{"dvc":"Netfilter","raw.pktlen":60,"raw.pktcount":1,"oob.prefix":"","oob.mark":0,"oob.ifindex_in":'$IFB',"oob.hook":1,"raw.mac_len":14,"oob.family":2,"oob.protocol":2048,"raw.label":0,"raw.type":1,"raw.mac.addrlen":6,"ip.protocol":6,"ip.tos":184,"ip.ttl":64,"ip.totlen":60,"ip.ihl":5,"ip.csum":4670,"ip.id":4660,"ip.fragoff":16384,"src_port":40000,"dest_port":22,"tcp.seq":1000,"tcp.ackseq":0,"tcp.window":64240,"tcp.offset":10,"tcp.reserved":0,"tcp.urg":0,"tcp.ack":0,"tcp.psh":0,"tcp.rst":0,"tcp.syn":1,"tcp.fin":0,"tcp.res1":0,"tcp.res2":0,"tcp.csum":38717,"oob.in":"b0","oob.out":"","src_ip":"10.200.0.1","dest_ip":"10.200.0.2","mac.saddr.str":"02:00:00:00:00:0a","mac.daddr.str":"02:00:00:00:00:0b","mac.str":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}'
expect_json "UDP ulogd schema" "$W/ulogd.json" 2 '{"dvc":"Netfilter","raw.pktlen":32,"raw.pktcount":1,"oob.prefix":"","oob.mark":0,"oob.ifindex_in":'$IFB',"oob.hook":1,"raw.mac_len":14,"oob.family":2,"oob.protocol":2048,"raw.label":0,"raw.type":1,"raw.mac.addrlen":6,"ip.protocol":17,"ip.tos":0,"ip.ttl":64,"ip.totlen":32,"ip.ihl":5,"ip.csum":25913,"ip.id":2,"ip.fragoff":0,"src_port":5000,"dest_port":53,"udp.len":12,"udp.csum":4544,"oob.in":"b0","oob.out":"","src_ip":"10.200.0.1","dest_ip":"10.200.0.2","mac.saddr.str":"02:00:00:00:00:0a","mac.daddr.str":"02:00:00:00:00:0b","mac.str":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}'
expect_json "ICMP echo ulogd schema" "$W/ulogd.json" 3 '{"dvc":"Netfilter","raw.pktlen":32,"raw.pktcount":1,"oob.prefix":"","oob.mark":0,"oob.ifindex_in":'$IFB',"oob.hook":1,"raw.mac_len":14,"oob.family":2,"oob.protocol":2048,"raw.label":0,"raw.type":1,"raw.mac.addrlen":6,"ip.protocol":1,"ip.tos":0,"ip.ttl":64,"ip.totlen":32,"ip.ihl":5,"ip.csum":25928,"ip.id":3,"ip.fragoff":0,"icmp.type":8,"icmp.code":0,"icmp.echoid":77,"icmp.echoseq":3,"icmp.csum":6367,"oob.in":"b0","oob.out":"","src_ip":"10.200.0.1","dest_ip":"10.200.0.2","mac.saddr.str":"02:00:00:00:00:0a","mac.daddr.str":"02:00:00:00:00:0b","mac.str":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}'
expect_json "ICMP unreachable ulogd schema" "$W/ulogd.json" 4 '{"dvc":"Netfilter","raw.pktlen":56,"raw.pktcount":1,"oob.prefix":"","oob.mark":0,"oob.ifindex_in":'$IFB',"oob.hook":1,"raw.mac_len":14,"oob.family":2,"oob.protocol":2048,"raw.label":0,"raw.type":1,"raw.mac.addrlen":6,"ip.protocol":1,"ip.tos":0,"ip.ttl":64,"ip.totlen":56,"ip.ihl":5,"ip.csum":25903,"ip.id":4,"ip.fragoff":0,"icmp.type":3,"icmp.code":3,"icmp.csum":4777,"oob.in":"b0","oob.out":"","src_ip":"10.200.0.1","dest_ip":"10.200.0.2","mac.saddr.str":"02:00:00:00:00:0a","mac.daddr.str":"02:00:00:00:00:0b","mac.str":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}'
expect_json "SYN ECS schema" "$W/ecs.json" 1 '{"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection","denied"],"module":"netfilter","dataset":"netfilter.nflog","action":"drop"},"netfilter":{"caplen":60,"mark":0,"hook":"input","seq":{"local":0},"family":2,"hw_protocol":2048,"hw_type":1,"group":1,"ip":{"tos":184,"ttl":64,"len":60,"ihl":5,"checksum":4670,"id":4660,"frag":16384,"flags":["DF"]},"tcp":{"seq":1000,"ack":0,"window":64240,"doff":10,"reserved":0,"urgp":0,"checksum":38717,"flags":["SYN"],"options":{"mss":1460,"wscale":7,"sack_permitted":true,"tsval":1,"tsecr":0}},"mac":{"header":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}},"network":{"packets":1,"type":"ipv4","iana_number":"6","transport":"tcp","bytes":60,"community_id":"1:0bwCKK3KPlQVZbRbllynzQAZGSQ="},"observer":{"ingress":{"interface":{"id":"'$IFB'","name":"b0"}}},"source":{"port":40000,"ip":"10.200.0.1","mac":"02-00-00-00-00-0A"},"destination":{"port":22,"ip":"10.200.0.2","mac":"02-00-00-00-00-0B"}}'
expect_json "UDP ECS schema" "$W/ecs.json" 2 '{"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection","denied"],"module":"netfilter","dataset":"netfilter.nflog","action":"drop"},"netfilter":{"caplen":32,"mark":0,"hook":"input","seq":{"local":1},"family":2,"hw_protocol":2048,"hw_type":1,"group":1,"ip":{"tos":0,"ttl":64,"len":32,"ihl":5,"checksum":25913,"id":2,"frag":0},"udp":{"len":12,"checksum":4544},"mac":{"header":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}},"network":{"packets":1,"type":"ipv4","iana_number":"17","transport":"udp","bytes":32,"community_id":"1:cP6jsXWp+2I3OGdw3+iBcB8uqLg="},"observer":{"ingress":{"interface":{"id":"'$IFB'","name":"b0"}}},"source":{"port":5000,"ip":"10.200.0.1","mac":"02-00-00-00-00-0A"},"destination":{"port":53,"ip":"10.200.0.2","mac":"02-00-00-00-00-0B"}}'
expect_json "ICMP echo ECS schema" "$W/ecs.json" 3 '{"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection","denied"],"module":"netfilter","dataset":"netfilter.nflog","action":"drop"},"netfilter":{"caplen":32,"mark":0,"hook":"input","seq":{"local":2},"family":2,"hw_protocol":2048,"hw_type":1,"group":1,"ip":{"tos":0,"ttl":64,"len":32,"ihl":5,"checksum":25928,"id":3,"frag":0},"icmp":{"type":8,"code":0,"id":77,"seq":3,"checksum":6367},"mac":{"header":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}},"network":{"packets":1,"type":"ipv4","iana_number":"1","transport":"icmp","bytes":32,"community_id":"1:6kb/ntHccuKuRFwaXpQWrFx1+GU="},"observer":{"ingress":{"interface":{"id":"'$IFB'","name":"b0"}}},"source":{"ip":"10.200.0.1","mac":"02-00-00-00-00-0A"},"destination":{"ip":"10.200.0.2","mac":"02-00-00-00-00-0B"}}'
expect_json "ICMP unreachable ECS schema" "$W/ecs.json" 4 '{"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection","denied"],"module":"netfilter","dataset":"netfilter.nflog","action":"drop"},"netfilter":{"caplen":56,"mark":0,"hook":"input","seq":{"local":3},"family":2,"hw_protocol":2048,"hw_type":1,"group":1,"ip":{"tos":0,"ttl":64,"len":56,"ihl":5,"checksum":25903,"id":4,"frag":0},"icmp":{"type":3,"code":3,"checksum":4777,"inner":{"source":{"ip":"10.200.0.2","port":5353},"destination":{"ip":"10.200.0.1","port":9},"iana_number":17}},"mac":{"header":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}},"network":{"packets":1,"type":"ipv4","iana_number":"1","transport":"icmp","bytes":56,"community_id":"1:xipVW/xozsRKKyOKIn/ol8ZgfkE="},"observer":{"ingress":{"interface":{"id":"'$IFB'","name":"b0"}}},"source":{"ip":"10.200.0.1","mac":"02-00-00-00-00-0A"},"destination":{"ip":"10.200.0.2","mac":"02-00-00-00-00-0B"}}'
