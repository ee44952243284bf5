#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# imnfct on real conntrack: UDP, ICMP and TCP flows (handshake, data, close)
# in a namespace: exact tuples and counters in both schemas, durations, and
# msg compared with `conntrack -E -o extended,id` running side by side.
. "$(dirname "$0")/lib.sh"
require_root
RS_MODS=imnfct
two_hosts A B
nsx B nft -f - <<'NFT'
table inet t {
	chain pre {
		type filter hook prerouting priority 0;
		ct state new counter
	}
}
NFT
rs_conf "
ruleset(name=\"ecs\") { action(type=\"omfile\" file=\"$W/ecs.msg\" template=\"msgline\")
	action(type=\"omfile\" file=\"$W/ecs.json\" template=\"jsonline\") }
ruleset(name=\"ulogd\") { action(type=\"omfile\" file=\"$W/ulogd.json\" template=\"jsonline\") }
input(type=\"imnfct\" netns=\"${NSP}B\" ruleset=\"ecs\" sysctl=\"on\")
input(type=\"imnfct\" netns=\"${NSP}B\" ruleset=\"ulogd\" schema=\"ulogd\")
"
rs_start
LISTENERS=$(ct_listeners B)
nsx B conntrack -E -o extended,id -e NEW,DESTROY > "$W/conntrack-E.txt" 2>/dev/null &
CE=$!
ct_listening B $((LISTENERS + 1))
nsx B /usr/bin/python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('10.200.0.2', 8080)); s.listen(1)
c, _ = s.accept(); c.recv(100); c.sendall(b'pong'); c.close()" &
SRV=$!
nsx B /usr/bin/python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('10.200.0.2', 5000))
s.recv(100); s.recv(100)" &
SINK=$!
sleep 0.5
scapy A "
e = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2')/UDP(sport=4000, dport=5000)/b'abcd', iface='a0')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2')/UDP(sport=4000, dport=5000)/b'abcdefgh', iface='a0')
"
nsx A ping -c2 -i0.2 -s 56 10.200.0.2 > /dev/null
nsx A /usr/bin/python3 -c "
import socket
c = socket.create_connection(('10.200.0.2', 8080), source_address=('10.200.0.1', 4444))
c.sendall(b'ping'); c.recv(100); c.close()"
wait $SRV $SINK
sleep 1.2
nsx B conntrack -F 2> /dev/null
wait_lines "$W/ecs.msg" 6 && wait_lines "$W/ulogd.json" 6 && wait_lines "$W/conntrack-E.txt" 6
quiesce "$W/ecs.msg" "$W/ecs.json" "$W/ulogd.json" "$W/conntrack-E.txt"
kill "$CE"
rs_stop

python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
ecs = [json.loads(l) for l in open(w + "/ecs.json")]
ul = [json.loads(l) for l in open(w + "/ulogd.json")]
def out(ok, name, detail=""):
    print(("ok - " if ok else "not ok - ") + "t_nfct_flows: " + name)
    if not ok:
        print("#  " + detail)
def pick(events, action, proto):
    return [e for e in events if e["event"]["action"] == action and e["network"]["transport"] == proto]
def pick_u(events, ev, proto):
    return [e for e in events if e["ct.event"] == ev and e["orig.ip.protocol"] == proto]

# UDP: two datagrams of 32 and 36 bytes, no reply
d = pick(ecs, "conntrack-destroy", "udp")
got = d and (d[0]["source"], d[0]["destination"], d[0]["network"]["bytes"], d[0]["network"]["packets"])
want = ({"ip": "10.200.0.1", "port": 4000, "bytes": 68, "packets": 2},
        {"ip": "10.200.0.2", "port": 5000, "bytes": 0, "packets": 0}, 68, 2)
out(got == want, "UDP destroy: tuple and counters (ECS)", f"{got}")
u = pick_u(ul, 4, 17)
got = u and {k: u[0][k] for k in ("src_ip", "dest_ip", "orig.l4.sport", "orig.l4.dport", "orig.raw.pktlen",
    "orig.raw.pktcount", "reply.ip.saddr.str", "reply.ip.daddr.str", "reply.l4.sport", "reply.l4.dport",
    "reply.raw.pktlen", "reply.raw.pktcount", "oob.family", "oob.protocol", "ct.mark", "dvc")}
want = {"src_ip": "10.200.0.1", "dest_ip": "10.200.0.2", "orig.l4.sport": 4000, "orig.l4.dport": 5000,
    "orig.raw.pktlen": 68, "orig.raw.pktcount": 2, "reply.ip.saddr.str": "10.200.0.2",
    "reply.ip.daddr.str": "10.200.0.1", "reply.l4.sport": 5000, "reply.l4.dport": 4000,
    "reply.raw.pktlen": 0, "reply.raw.pktcount": 0, "oob.family": 2, "oob.protocol": 0, "ct.mark": 0,
    "dvc": "Netfilter"}
out(got == want, "UDP destroy: tuple and counters (ulogd)", f"{got}")
# ICMP: two echo requests of 84 bytes and their replies
d = pick(ecs, "conntrack-destroy", "icmp")
got = d and (d[0]["network"]["bytes"], d[0]["network"]["packets"], d[0]["netfilter"]["ct"]["icmp"]["type"],
    d[0]["netfilter"]["ct"]["icmp"]["code"])
out(got == (336, 4, 8, 0), "ICMP destroy: counters and type", f"{got}")
# TCP: states and the same counters as the kernel reports to conntrack -E
d = pick(ecs, "conntrack-destroy", "tcp")
n = pick(ecs, "conntrack-new", "tcp")
ok = d and n and d[0]["source"]["port"] == 4444 and d[0]["destination"]["port"] == 8080 \
    and n[0]["netfilter"]["ct"]["tcp_state"] == "SYN_SENT" and "ASSURED" in d[0]["netfilter"]["ct"]["status"]
out(bool(ok), "TCP new and destroy: ports, SYN_SENT, ASSURED", f"{n[:1]} {d[:1]}")
# durations: DESTROY start is the kernel's, end after start, duration = end - start
import datetime
def ts(s): return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
ok = all(abs(ts(e["event"]["end"]) - ts(e["event"]["start"]) - e["event"]["duration"] / 1e9) < 1e-5
         and 0 < e["event"]["duration"] < 30e9 for e in ecs if e["event"]["action"] == "conntrack-destroy")
out(ok and len([e for e in ecs if e["event"]["action"] == "conntrack-destroy"]) == 3, "durations consistent")
ok = all(e["flow.end.sec"] * 1e6 + e["flow.end.usec"] >= e["flow.start.sec"] * 1e6 + e["flow.start.usec"]
         for e in ul if e["ct.event"] == 4)
out(ok, "ulogd flow.start/flow.end on every destroy")
PY

# msg against conntrack -E: same events, same text (alignment spaces aside)
sed 's/^ *//' "$W/conntrack-E.txt" | grep -E '^\[(NEW|DESTROY)\]' | sed 's/ progname=.*//' | sort > "$W/ce.sorted"
sed 's/ progname=.*//' "$W/ecs.msg" | sort > "$W/ours.sorted"
if diff "$W/ce.sorted" "$W/ours.sorted" > "$W/diff"; then ok "msg identical to conntrack -E -o extended,id ($(wc -l < "$W/ours.sorted") events)"; else
	notok "msg identical to conntrack -E -o extended,id"; sed 's/^/#  /' "$W/diff"; fi
