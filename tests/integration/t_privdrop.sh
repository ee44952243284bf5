#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Sockets open before rsyslog drops privileges: with privdrop to "nobody"
# packets still arrive. Interface names follow a rename between packets, and
# the message time is the packet's kernel timestamp, with microseconds.
# imnfct's receive buffer, forced at start, is never shrunk after the drop:
# an overrun's grow is refused (no CAP_NET_ADMIN), said once, and the
# buffer keeps its size.
. "$(dirname "$0")/lib.sh"
require_root
two_hosts A B
chmod 777 "$W"
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook input priority 0;
		ip saddr 10.200.0.1 log group 1
	}
}
NFT
rs_conf "
global(privdrop.user.name=\"nobody\" privdrop.group.name=\"nogroup\")
template(name=\"t\" type=\"string\" string=\"%timereported:::date-rfc3339% %\$!@timestamp% %\$!observer!ingress!interface!name%\\n\")
action(type=\"omfile\" file=\"$W/out\" template=\"t\" fileCreateMode=\"0666\")
input(type=\"imnflog\" group=\"1\" netns=\"${NSP}B\")
"
rs_start
expect_eq "rsyslogd runs as nobody" nobody "$(ps -o user= -p "$RS_PID")"
send() { scapy A "sendp(Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')/IP(src='10.200.0.1', dst='10.200.0.2')/UDP(sport=1, dport=$1), iface='a0')"; }
send 100
wait_lines "$W/out" 1
ip -n "${NSP}B" link set b0 down
ip -n "${NSP}B" link set b0 name lan0
ip -n "${NSP}B" link set lan0 up
ip -n "${NSP}B" neigh replace 10.200.0.1 lladdr 02:00:00:00:00:0a dev lan0
send 101
wait_lines "$W/out" 2
rs_stop
expect_eq "packets logged after the privilege drop" 2 "$(wc -l < "$W/out")"
expect_eq "names follow a rename" "b0 lan0" "$(cut -d' ' -f3 "$W/out" | paste -sd' ')"
expect_eq "message time is the kernel timestamp, in microseconds" yes "$(python3 -c "
import datetime
for line in open('$W/out'):
    rep, ecs = line.split()[:2]
    a = datetime.datetime.fromisoformat(rep)
    b = datetime.datetime.fromisoformat(ecs.replace('Z', '+00:00'))
    assert a == b and len(rep.split('.')[1]) == 6 + 6, line
print('yes')")"

# imnfct after a privilege drop: an overrun while frozen, then a refused grow.
# The buffer forced at start is twice what SO_RCVBUF alone could set
# (net.core.rmem_max, doubled by the kernel): only SO_RCVBUFFORCE could grow it.
RS_MODS=imnfct
RCVBUF=$((2 * $(cat /proc/sys/net/core/rmem_max)))
ns_add F
nsx F nft add table ip t
cc -O2 -o "$W/ctinsert" "$TOP/tests/tools/ctinsert.c" -lmnl -lnetfilter_conntrack || exit 1
rs_conf "
global(privdrop.user.name=\"nobody\" privdrop.group.name=\"nogroup\")
action(type=\"omfile\" file=\"$W/ct.out\" template=\"msgline\" fileCreateMode=\"0666\")
input(type=\"imnfct\" netns=\"${NSP}F\" events=\"new\" rcvbuf=\"$RCVBUF\" rcvbuf.max=\"$((8 * RCVBUF))\")
"
rs_start
start=$(sed -n 's/.*imnfct: listening to conntrack events.*socket receive buffer \([0-9]*\) bytes.*/\1/p' "$W/internal")
kill -STOP "$RS_PID"
nsx F "$W/ctinsert" $((RCVBUF / 100)) > /dev/null
kill -CONT "$RS_PID"
wait_for 30 grep -q "the kernel refused to grow it" "$W/internal"
rs_stop
expect_eq "imnfct: after the drop the overrun's grow is refused and said once; the buffer keeps its forced size" \
	"1 imnfct: conntrack events lost (socket buffer overrun); the receive buffer stays $start bytes: the kernel refused to grow it (SO_RCVBUFFORCE needs CAP_NET_ADMIN, which a privilege drop takes away): give rcvbuf the size it needs at start" \
	"$(grep -c "the kernel refused to grow it" "$W/internal") $(grep -o 'imnfct: conntrack events lost (socket buffer overrun); [^[]*start' "$W/internal" | head -1)"
expect_eq "imnfct: the forced start size is above what SO_RCVBUF alone could set" yes \
	"$([ "${start:-0}" -gt $((2 * $(cat /proc/sys/net/core/rmem_max))) ] && echo yes)"
expect_eq "imnfct: leaving the event groups at the stop needs no privilege" "" \
	"$(grep "cannot leave the conntrack event groups" "$W/internal")"
