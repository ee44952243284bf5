#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# schema="ulogd" against ulogd2's NFCT input (hash off, NEW and DESTROY,
# stack NFCT,IP2STR,JSON) on the same conntrack events: same keys, order
# and values, except the departures in doc/ulogd-compat.md.
. "$(dirname "$0")/lib.sh"
require_root
RS_MODS=imnfct
ns_add F
nsx F nft add table ip t
nsx F sysctl -qw net.netfilter.nf_conntrack_acct=1 net.netfilter.nf_conntrack_timestamp=1 net.netfilter.nf_conntrack_events=1
U=/usr/lib/x86_64-linux-gnu/ulogd
cat > "$W/ulogd.conf" <<CONF
[global]
logfile="$W/ulogd.log"
plugin="$U/ulogd_inpflow_NFCT.so"
plugin="$U/ulogd_filter_IP2STR.so"
plugin="$U/ulogd_output_JSON.so"
stack=ct1:NFCT,ip2str1:IP2STR,json1:JSON
[ct1]
hash_enable=0
event_mask=5
[json1]
sync=1
file="$W/ulogd.json"
CONF
nsx F ulogd -c "$W/ulogd.conf" > /dev/null 2>&1 &
ct_listening F 1
rs_conf "
action(type=\"omfile\" file=\"$W/ours.json\" template=\"jsonline\")
input(type=\"imnfct\" netns=\"${NSP}F\" schema=\"ulogd\")
"
rs_start
nsx F conntrack -I -p udp -s 10.1.0.1 -d 10.1.0.2 --sport 1000 --dport 53 -t 60 -m 3 2> /dev/null
nsx F conntrack -I -p tcp -s 10.1.0.1 -d 10.1.0.3 --sport 1001 --dport 443 --state ESTABLISHED -t 60 2> /dev/null
nsx F conntrack -I -p icmp -s 10.1.0.1 -d 10.1.0.4 --icmp-type 8 --icmp-code 0 --icmp-id 7 -t 30 2> /dev/null
nsx F conntrack -I -p udp -s fd01::1 -d fd01::2 --sport 2000 --dport 53 -t 60 2> /dev/null
sleep 0.5
nsx F conntrack -F 2> /dev/null
wait_lines "$W/ours.json" 8 && wait_lines "$W/ulogd.json" 8
rs_stop
python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
ours = [json.loads(l) for l in open(w + "/ours.json")]
theirs = [json.loads(l) for l in open(w + "/ulogd.json")]
key = lambda e: (e["ct.event"], e["ct.id"])
theirs = {key(e): e for e in theirs}
for o in sorted(ours, key=key):
    t = theirs.get(key(o))
    name = "%s %s/%s" % ({1: "NEW", 4: "DESTROY"}[o["ct.event"]], o["orig.ip.protocol"], o["src_ip"])
    if t is None:
        print("not ok - t_nfct_compat: %s: ulogd2 has no such event" % name); continue
    # departures: the UTC offset (ulogd2 prints none on UTC hosts); NEW
    # events carry no kernel start, so each program stamps its own receive
    # time; DESTROY uses the kernel's start and stop in both
    o["timestamp"] = o["timestamp"].removesuffix("+0000")
    # "timestamp" is each program's receive time, in whole seconds: the two
    # may fall on either side of a second boundary
    import datetime
    a, b = (datetime.datetime.fromisoformat(x) for x in (o["timestamp"], t["timestamp"]))
    if abs((a - b).total_seconds()) <= 1:
        o["timestamp"] = t["timestamp"]
    if o["ct.event"] == 1:
        for k in ("flow.start.sec", "flow.start.usec"):
            o[k] = t.get(k)
    same = list(o.items()) == list(t.items())
    print(("ok - " if same else "not ok - ") + "t_nfct_compat: %s: same keys, order and values as ulogd2" % name)
    if not same:
        print("#  ours  :", json.dumps(o)); print("#  ulogd2:", json.dumps(t))
PY
