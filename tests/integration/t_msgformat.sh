#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# msg.format="json" puts the fields' JSON document in msg, byte for byte
# what $!all-json-plain renders of the tree; fields="off" leaves the tree
# out, a list of names keeps just those (a filter on them works); Community
# ID only when asked for. imnflog and imnfct.
. "$(dirname "$0")/lib.sh"
require_root
RS_MODS="imnflog imnfct"
two_hosts A B
nsx B sysctl -qw net.netfilter.nf_conntrack_events=1 net.netfilter.nf_conntrack_acct=1 \
	net.netfilter.nf_conntrack_timestamp=1
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook input priority 0;
		ct state new ip saddr 10.200.0.1 log group 1 log group 2 log group 3 log group 4
	}
}
NFT
rs_conf "
template(name=\"both\" type=\"list\") { property(name=\"msg\") constant(value=\"|\")
	property(name=\"\$!all-json-plain\") constant(value=\"\\n\") }
ruleset(name=\"tree\") { action(type=\"omfile\" file=\"$W/tree.json\" template=\"jsonline\") }
ruleset(name=\"text\") { action(type=\"omfile\" file=\"$W/text.msg\" template=\"both\") }
ruleset(name=\"textree\") { action(type=\"omfile\" file=\"$W/textree.msg\" template=\"both\") }
ruleset(name=\"some\") { if \$!source!ip == \"10.200.0.1\" then action(type=\"omfile\" file=\"$W/some.msg\" template=\"both\") }
ruleset(name=\"ct\") { action(type=\"omfile\" file=\"$W/ct.json\" template=\"jsonline\") }
ruleset(name=\"cttext\") { action(type=\"omfile\" file=\"$W/cttext.msg\" template=\"both\") }
input(type=\"imnflog\" group=\"1\" netns=\"${NSP}B\" ruleset=\"tree\" verdict=\"drop\")
input(type=\"imnflog\" group=\"2\" netns=\"${NSP}B\" ruleset=\"text\" verdict=\"drop\" msg.format=\"json\" fields=\"off\")
input(type=\"imnflog\" group=\"3\" netns=\"${NSP}B\" ruleset=\"textree\" verdict=\"drop\" msg.format=\"json\" schema=\"ulogd\")
input(type=\"imnflog\" group=\"4\" netns=\"${NSP}B\" ruleset=\"some\" verdict=\"drop\" msg.format=\"json\" fields=[\"source.ip\", \"destination.port\", \"event.action\"])
input(type=\"imnfct\" netns=\"${NSP}B\" events=\"new\" ruleset=\"ct\" community_id=\"on\")
input(type=\"imnfct\" netns=\"${NSP}B\" events=\"new\" ruleset=\"cttext\" community_id=\"on\" msg.format=\"json\" fields=\"off\")
"
rs_start
scapy A "
e = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2', id=2, flags=0)/UDP(sport=5000, dport=53)/b'abcd', iface='a0')
"
wait_lines "$W/tree.json" 1 && wait_lines "$W/text.msg" 1 && wait_lines "$W/textree.msg" 1 &&
	wait_lines "$W/some.msg" 1 &&
	wait_lines "$W/ct.json" 1 && wait_lines "$W/cttext.msg" 1
rs_stop
IFB=$(ifindex B b0)

ECS='{"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection","denied"],"module":"netfilter","dataset":"netfilter.nflog","action":"drop"},"netfilter":{"caplen":32,"mark":0,"hook":"input","seq":{"local":0},"family":2,"hw_protocol":2048,"hw_type":1,"group":GROUP,"ip":{"tos":0,"ttl":64,"len":32,"ihl":5,"checksum":25913,"id":2,"frag":0},"udp":{"len":12,"checksum":4544},"mac":{"header":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}},"network":{"packets":1,"type":"ipv4","iana_number":"17","transport":"udp","bytes":32},"observer":{"ingress":{"interface":{"id":"'$IFB'","name":"b0"}}},"source":{"port":5000,"ip":"10.200.0.1","mac":"02-00-00-00-00-0A"},"destination":{"port":53,"ip":"10.200.0.2","mac":"02-00-00-00-00-0B"}}'
# the packet's kernel time, as @timestamp
ts() { sed -E 's/^\{"@timestamp":"20[0-9-]{8}T[0-9:]{8}\.[0-9]{6}Z",/{/' "$1"; }
expect_eq "default: tree, no community_id" "${ECS/GROUP/1}" "$(ts "$W/tree.json")"
expect_eq "msg.format=json fields=off: the document in msg, no tree" "${ECS/GROUP/2}|{}" \
	"$(ts "$W/text.msg")"
expect_eq "fields as a list: the tree holds those, a filter on one works, msg has all" \
	"${ECS/GROUP/4}|{\"event\":{\"action\":\"drop\"},\"destination\":{\"port\":53},\"source\":{\"ip\":\"10.200.0.1\"}}" \
	"$(ts "$W/some.msg")"
line=$(cat "$W/textree.msg")
expect_eq "msg.format=json with the tree: msg is \$!all-json-plain" "${line#*|}" "${line%%|*}"
expect_eq "ulogd schema document" \
	'{"timestamp":"TS","dvc":"Netfilter","raw.pktlen":32,"raw.pktcount":1,"oob.prefix":"","oob.time.sec":S,"oob.time.usec":U,"oob.mark":0,"oob.ifindex_in":'$IFB',"oob.hook":1,"raw.mac_len":14,"oob.seq.local":0,"oob.family":2,"oob.protocol":2048,"action":"blocked","raw.type":1,"raw.mac.addrlen":6,"ip.protocol":17,"ip.tos":0,"ip.ttl":64,"ip.totlen":32,"ip.ihl":5,"ip.csum":25913,"ip.id":2,"ip.fragoff":0,"src_port":5000,"dest_port":53,"udp.len":12,"udp.csum":4544,"oob.in":"b0","oob.out":"","src_ip":"10.200.0.1","dest_ip":"10.200.0.2","mac.saddr.str":"02:00:00:00:00:0a","mac.daddr.str":"02:00:00:00:00:0b","mac.str":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}' \
	"$(sed -E 's/"timestamp":"[^"]*"/"timestamp":"TS"/; s/"oob.time.sec":[0-9]+/"oob.time.sec":S/; s/"oob.time.usec":[0-9]+/"oob.time.usec":U/; s/\|.*//' "$W/textree.msg")"
# each input stamps the receive time of its own copy of the event
rt() { sed -E 's/"(@timestamp|start)":"[^"]*"/"\1":"T"/g' "$1"; }
expect_eq "imnfct msg.format=json fields=off: msg is what the tree renders" \
	"$(rt "$W/ct.json")|{}" "$(rt "$W/cttext.msg")"
cid=$(grep -o '"community_id":"[^"]*"' "$W/ct.json")
expect_eq "imnfct community_id=on" '"community_id":"1:cP6jsXWp+2I3OGdw3+iBcB8uqLg="' "$cid"

cat > "$W/n1.conf" <<CONF
module(load="imnflog")
module(load="imnfct")
input(type="imnflog" group="1" msg.format="xml")
input(type="imnfct" msg.format="kernel")
input(type="imnflog" group="2" fields="source.ip,src_ip")
input(type="imnflog" group="3" schema="ulogd" fields="on,src_ip")
CONF
rsyslogd -N1 -f "$W/n1.conf" -M "$MODDIR" > "$W/n1.out" 2>&1
expect_eq "msg.format typos: rsyslogd -N1 exits 1, naming the choices" \
	"1 imnflog: msg.format=\"xml\" is not valid; use kernel or json
imnfct: msg.format=\"kernel\" is not valid; use conntrack or json" \
	"$? $(grep -o 'imn[a-z]*: msg.format=[^[]*json' "$W/n1.out")"
expect_eq "fields: a name of the other schema, or on with names: -N1 names it" \
	"imnflog: fields: 'src_ip' is no field of schema ecs (doc/fields.md)
imnflog: fields is \"on\", \"off\" or a list of field names, not both" \
	"$(grep -o 'imnflog: fields[^[]*' "$W/n1.out" | sed 's/ *$//')"
