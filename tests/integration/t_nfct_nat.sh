#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# NAT tracing with three namespaces (client, router, server): a masquerade
# SNAT and a DNAT port-forward, asserting original, reply and translated
# fields in both schemas.
. "$(dirname "$0")/lib.sh"
require_root
RS_MODS=imnfct
ns_add C; ns_add R; ns_add S
ip link add c0 netns "${NSP}C" type veth peer name r0 netns "${NSP}R"
ip link add r1 netns "${NSP}R" type veth peer name s0 netns "${NSP}S"
ip -n "${NSP}C" addr add 192.168.60.2/24 dev c0
ip -n "${NSP}R" addr add 192.168.60.1/24 dev r0
ip -n "${NSP}R" addr add 198.51.100.1/24 dev r1
ip -n "${NSP}S" addr add 198.51.100.9/24 dev s0
for l in "C c0" "R r0" "R r1" "S s0"; do set -- $l; ip -n "$NSP$1" link set "$2" up; done
ip -n "${NSP}C" route add default via 192.168.60.1
ip -n "${NSP}S" route add default via 198.51.100.1
nsx R sysctl -qw net.ipv4.ip_forward=1
nsx R nft -f - <<'NFT'
table ip nat {
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname "r1" tcp dport 8022 dnat to 192.168.60.2:22
	}
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "r1" masquerade
	}
}
NFT
rs_conf "
ruleset(name=\"ecs\") { action(type=\"omfile\" file=\"$W/ecs.json\" template=\"jsonline\") }
ruleset(name=\"ulogd\") { action(type=\"omfile\" file=\"$W/ulogd.json\" template=\"jsonline\") }
input(type=\"imnfct\" netns=\"${NSP}R\" ruleset=\"ecs\" events=\"new\" sysctl=\"on\")
input(type=\"imnfct\" netns=\"${NSP}R\" ruleset=\"ulogd\" events=\"new\" schema=\"ulogd\")
"
rs_start
nsx C /usr/bin/python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('192.168.60.2', 4500))
s.sendto(b'x', ('198.51.100.9', 53))"
nsx S /usr/bin/python3 -c "
import socket
s = socket.socket(); s.bind(('198.51.100.9', 4600)); s.settimeout(1)
try: s.connect(('198.51.100.1', 8022))
except OSError: pass"
wait_lines "$W/ecs.json" 2 && wait_lines "$W/ulogd.json" 2
rs_stop
python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
ecs = [json.loads(l) for l in open(w + "/ecs.json")]
ul = [json.loads(l) for l in open(w + "/ulogd.json")]
def out(ok, name, detail=""):
    print(("ok - " if ok else "not ok - ") + "t_nfct_nat: " + name)
    if not ok: print("#  " + detail)
snat = [e for e in ecs if e["network"]["transport"] == "udp"][0]
got = (snat["source"]["ip"], snat["source"]["port"], snat["source"]["nat"]["ip"], snat["source"]["nat"]["port"],
       snat["destination"]["ip"], snat["destination"]["port"], "nat" in snat["destination"],
       snat["netfilter"]["ct"]["reply"]["source"]["ip"], snat["netfilter"]["ct"]["reply"]["destination"]["ip"],
       snat["netfilter"]["ct"]["status"])
want = ("192.168.60.2", 4500, "198.51.100.1", 4500, "198.51.100.9", 53, False, "198.51.100.9", "198.51.100.1",
        ["CONFIRMED", "SRC_NAT", "SRC_NAT_DONE", "DST_NAT_DONE"])
out(got == want, "masquerade: source.nat is the router's address and port (ECS)", str(got))
dnat = [e for e in ecs if e["network"]["transport"] == "tcp"][0]
got = (dnat["source"]["ip"], dnat["source"]["port"], dnat["destination"]["ip"], dnat["destination"]["port"],
       dnat["destination"]["nat"]["ip"], dnat["destination"]["nat"]["port"], "nat" in dnat["source"])
want = ("198.51.100.9", 4600, "198.51.100.1", 8022, "192.168.60.2", 22, False)
out(got == want, "port-forward: destination.nat is the inside host and port (ECS)", str(got))
u = [e for e in ul if e["orig.ip.protocol"] == 17][0]
got = {k: u[k] for k in ("src_ip", "dest_ip", "orig.l4.sport", "orig.l4.dport", "reply.ip.saddr.str",
       "reply.ip.daddr.str", "reply.l4.sport", "reply.l4.dport")}
want = {"src_ip": "192.168.60.2", "dest_ip": "198.51.100.9", "orig.l4.sport": 4500, "orig.l4.dport": 53,
        "reply.ip.saddr.str": "198.51.100.9", "reply.ip.daddr.str": "198.51.100.1",
        "reply.l4.sport": 53, "reply.l4.dport": 4500}
out(got == want, "masquerade in the ulogd schema: the reply tuple carries the translation", str(got))
u = [e for e in ul if e["orig.ip.protocol"] == 6][0]
got = (u["src_ip"], u["dest_ip"], u["orig.l4.dport"], u["reply.ip.saddr.str"], u["reply.l4.sport"])
out(got == ("198.51.100.9", "198.51.100.1", 8022, "192.168.60.2", 22),
    "port-forward in the ulogd schema", str(got))
PY

# NAT records go to their ruleset in batches of their own: rsyslog puts a
# whole batch on the queue of its first message's ruleset, so records
# batched with events would wait behind the events' queue. Here that queue's
# only action is stuck (a FIFO nobody reads), and the Direct NAT ruleset
# still writes every record at once.
mkfifo "$W/stuck"
rs_conf "
ruleset(name=\"ev\" queue.type=\"LinkedList\") { action(type=\"omfile\" file=\"$W/stuck\" template=\"jsonline\") }
ruleset(name=\"nat\" queue.type=\"Direct\") { action(type=\"omfile\" file=\"$W/nat.log\" template=\"msgline\") }
input(type=\"imnfct\" netns=\"${NSP}R\" ruleset=\"ev\" sysctl=\"on\" nat.ruleset=\"nat\")
"
rs_start
wait_for 10 grep -q "^B " "$W/nat.log"
nsx C /usr/bin/python3 -c "
import socket
for p in range(5001, 5006):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('192.168.60.2', p))
    s.sendto(b'x', ('198.51.100.9', 53))"
wait_for 10 test "$(grep -c '^O ' "$W/nat.log")" -ge 5
expect_eq "NAT records written while the events' queue is stuck" \
	"O udp s 192.168.60.2:5001 198.51.100.1:5001 198.51.100.9:53
O udp s 192.168.60.2:5002 198.51.100.1:5002 198.51.100.9:53
O udp s 192.168.60.2:5003 198.51.100.1:5003 198.51.100.9:53
O udp s 192.168.60.2:5004 198.51.100.1:5004 198.51.100.9:53
O udp s 192.168.60.2:5005 198.51.100.1:5005 198.51.100.9:53" \
	"$(grep '^O ' "$W/nat.log" | cut -d' ' -f1,4-8 | sort)"
cat "$W/stuck" > /dev/null &
rs_stop
exit $FAILED
