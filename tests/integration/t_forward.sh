#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The plain-TCP forwarding example (contrib/examples/41-tcp-forward.conf)
# against a second rsyslogd as the central collector: RFC 5424 over TCP,
# the fields parsed back into $! with mmjsonparse on the collector.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/contrib.sh"
require_root
two_hosts A B
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook input priority 0;
		ip saddr 10.200.0.1 log prefix "to central " group 5 drop
	}
}
NFT
PORT=$(free_port)
mkdir -p "$W/central"
cat > "$W/central/rs.conf" <<CONF
global(workDirectory="$W/central" processInternalMessages="on")
module(load="imtcp")
module(load="mmjsonparse")
template(name="got" type="string" string="%app-name% %msgid% %hostname% %\$!rule!name% %\$!source!ip% %\$!destination!port% %\$!netfilter!group%\\n")
ruleset(name="central") {
	action(type="mmjsonparse" cookie="@cee:")
	action(type="omfile" file="$W/central/got" template="got")
}
input(type="imtcp" address="127.0.0.1" port="$PORT" ruleset="central")
action(type="omfile" file="$W/central/internal")
CONF
rsyslogd -n -f "$W/central/rs.conf" -i "$W/central/pid" -M "$MODDIR" > "$W/central/stdout" 2>&1 &
RS_PIDS="$! $RS_PIDS"
CENTRAL=$!
for _ in $(seq 300); do grep -q "start$" "$W/central/internal" 2>/dev/null && break; sleep 0.1; done
install_snippet examples/41-tcp-forward.conf "$W/41.conf" "${NSP}B"
fill "$W/41.conf" "the collector's host name" 127.0.0.1
sed -i "s/port=\"514\"/port=\"$PORT\"/" "$W/41.conf"
rs_conf "include(file=\"$W/41.conf\")"
rs_start
scapy A "
sendp(Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')/IP(src='10.200.0.1', dst='10.200.0.2')/TCP(sport=5555, dport=3389, flags='S'), iface='a0')
"
wait_lines "$W/central/got" 1
rs_stop
kill -TERM "$CENTRAL"
expect_eq "central collector received the packet with its fields" \
  "kernel NFLOG $(hostname) to central  10.200.0.1 3389 5" "$(cat "$W/central/got")"
