#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# schema="ulogd" against the real thing: ulogd2 (stack NFLOG,BASE,IFINDEX,
# IP2STR,HWHDR,JSON) and imnflog log the same packets from two log
# statements of one rule. Keys, key order and values must match, except
# the departures listed in doc/ulogd-compat.md.
. "$(dirname "$0")/lib.sh"
require_root
two_hosts A B
U=/usr/lib/x86_64-linux-gnu/ulogd
cat > "$W/ulogd.conf" <<CONF
[global]
logfile="$W/ulogd.log"
plugin="$U/ulogd_inppkt_NFLOG.so"
plugin="$U/ulogd_raw2packet_BASE.so"
plugin="$U/ulogd_filter_IFINDEX.so"
plugin="$U/ulogd_filter_IP2STR.so"
plugin="$U/ulogd_filter_HWHDR.so"
plugin="$U/ulogd_output_JSON.so"
stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,mac2str1:HWHDR,json1:JSON
[log1]
group=31
numeric_label=0
[json1]
sync=1
file="$W/ulogd.json"
boolean_label=1
CONF
nsx B ulogd -c "$W/ulogd.conf" > /dev/null 2>&1 &
nflog_bound B 31
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook input priority 0;
		ip saddr 10.200.0.1 log prefix "cmp " group 30 log prefix "cmp " group 31 drop
		ip6 saddr fd00:200::1 log prefix "cmp " group 30 log prefix "cmp " group 31 drop
	}
}
NFT
rs_conf "
action(type=\"omfile\" file=\"$W/ours.json\" template=\"jsonline\")
input(type=\"imnflog\" group=\"30\" netns=\"${NSP}B\" schema=\"ulogd\" seq=\"none\" verdict=\"drop\")
"
rs_start
scapy A "
e = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')
ip = IP(src='10.200.0.1', dst='10.200.0.2', id=99, tos=0x10, flags='DF')
v6 = IPv6(src='fd00:200::1', dst='fd00:200::2')
sendp(e/ip/TCP(sport=33000, dport=22, seq=42, flags='S', options=[('MSS', 1460), ('WScale', 7)]), iface='a0')
sendp(e/ip/TCP(sport=33000, dport=80, seq=43, ack=7, flags='PA')/b'GET', iface='a0')
sendp(e/ip/UDP(sport=5353, dport=53)/b'q', iface='a0')
sendp(e/ip/ICMP(type=8, id=1, seq=2), iface='a0')
sendp(e/v6/TCP(sport=33001, dport=443, flags='S'), iface='a0')
sendp(e/v6/UDP(sport=5000, dport=5001), iface='a0')
sendp(e/v6/ICMPv6EchoRequest(id=3, seq=4), iface='a0')
"
wait_lines "$W/ours.json" 7 && wait_lines "$W/ulogd.json" 7
rs_stop
python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
ours = [json.loads(l) for l in open(w + "/ours.json")]
theirs = [json.loads(l) for l in open(w + "/ulogd.json")]
names = ["TCP SYN", "TCP PSH ACK", "UDP", "ICMP echo", "IPv6 TCP", "IPv6 UDP", "ICMPv6 echo"]
# documented departures (doc/ulogd-compat.md)
def departures(o, t):
    # ulogd2 2.0.8 prints no UTC offset on UTC hosts; we print +0000
    o["timestamp"] = o["timestamp"].removesuffix("+0000")
    # a packet without a receive timestamp is stamped by each log
    # statement in turn (nfnetlink_log skb_tstamp_cond): microseconds apart
    if abs((o["oob.time.sec"] - t["oob.time.sec"]) * 10**6 + o["oob.time.usec"] - t["oob.time.usec"]) < 1000:
        o["oob.time.sec"], o["oob.time.usec"], o["timestamp"] = t["oob.time.sec"], t["oob.time.usec"], t["timestamp"]
    # ulogd2: ntohs() on the 4-bit data offset, always 0
    if "tcp.offset" in t:
        t["tcp.offset"] = o["tcp.offset"]
    # ulogd2 does not byte-swap ICMP/ICMPv6 checksums
    for k in ("icmp.csum", "icmpv6.csum"):
        if k in t:
            v = t[k]
            t[k] = ((v & 0xff) << 8) | (v >> 8)
for i, name in enumerate(names):
    o, t = ours[i], theirs[i]
    departures(o, t)
    if list(o.items()) == list(t.items()):
        print(f"ok - t_ulogd_compat: {name}: same keys, order and values as ulogd2")
    else:
        print(f"not ok - t_ulogd_compat: {name}")
        print("#  keys ours  :", list(o))
        print("#  keys ulogd2:", list(t))
        for k in sorted(set(o) | set(t)):
            if o.get(k) != t.get(k):
                print(f"#  {k}: ours {o.get(k)!r} ulogd2 {t.get(k)!r}")
PY

# ulogd2's defaults (no numeric_label, no boolean_label) on the loopback
# device, whose link type is not Ethernet: raw.label 0, and mac.saddr.str
# from the address NFLOG sends (NFULA_HWADDR).
sed -i '/^numeric_label=0$/d; /^boolean_label=1$/d; s/^group=31$/group=33/' "$W/ulogd.conf"
sed -i "s#$W/ulogd.json#$W/ulogd-lo.json#" "$W/ulogd.conf"
nsx B ulogd -c "$W/ulogd.conf" > /dev/null 2>&1 &
nflog_bound B 33
nsx B nft add rule inet t in iif lo udp dport 7 log prefix '"lo "' group 32 log prefix '"lo "' group 33 drop
rs_conf "
action(type=\"omfile\" file=\"$W/ours-lo.json\" template=\"jsonline\")
input(type=\"imnflog\" group=\"32\" netns=\"${NSP}B\" schema=\"ulogd\" seq=\"none\")
"
rs_start
nsx B python3 -c "
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', 7))
socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).sendto(b'x', ('::1', 7))"
wait_lines "$W/ours-lo.json" 2 && wait_lines "$W/ulogd-lo.json" 2
rs_stop
python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
ours = [json.loads(l) for l in open(w + "/ours-lo.json")]
theirs = [json.loads(l) for l in open(w + "/ulogd-lo.json")]
for i, name in enumerate(["IPv4 UDP on lo, ulogd2 defaults", "IPv6 UDP on lo, ulogd2 defaults"]):
    o, t = ours[i], theirs[i]
    o["timestamp"] = o["timestamp"].removesuffix("+0000")
    if abs((o["oob.time.sec"] - t["oob.time.sec"]) * 10**6 + o["oob.time.usec"] - t["oob.time.usec"]) < 1000:
        o["oob.time.sec"], o["oob.time.usec"], o["timestamp"] = t["oob.time.sec"], t["oob.time.usec"], t["timestamp"]
    if list(o.items()) == list(t.items()):
        print(f"ok - t_ulogd_compat: {name}: same keys, order and values as ulogd2")
    else:
        print(f"not ok - t_ulogd_compat: {name}")
        print("#  keys ours  :", list(o))
        print("#  keys ulogd2:", list(t))
        for k in sorted(set(o) | set(t)):
            if o.get(k) != t.get(k):
                print(f"#  {k}: ours {o.get(k)!r} ulogd2 {t.get(k)!r}")
PY
