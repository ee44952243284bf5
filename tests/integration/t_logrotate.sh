#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# contrib/logrotate.d/rsyslog-netfilter rotates, three times, the files of
# contrib/rsyslog.d/10-imnflog-json.conf and 20-imnflog-kernlog.conf while
# 20,000 packets are logged to both: no line is lost or doubled. The
# entry's postrotate runs Debian's rsyslog-rotate, which signals
# rsyslog.service through systemd; this test's rsyslogd is not that
# service, so the test's postrotate sends the same SIGHUP to it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/contrib.sh"
require_root
need logrotate rsyslog
RS_MODS=
two_hosts A B
nsx B nft add table inet t
nsx B nft add chain inet t in '{ type filter hook input priority 0; }'
nsx B nft add rule inet t in tcp dport 9 log prefix '"drop "' group 2 log prefix '"drop "' group 3 drop

expect_eq "the entry's postrotate is Debian's rsyslog-rotate" "/usr/lib/rsyslog/rsyslog-rotate yes" \
  "$(sed -n '/postrotate/{n;s/^[[:space:]]*//p}' "$TOP/contrib/logrotate.d/rsyslog-netfilter" | sort -u) $([ -x /usr/lib/rsyslog/rsyslog-rotate ] && echo yes)"
mkdir -p "$W/rs.d"
install_snippet rsyslog.d/00-imnflog-module.conf "$W/rs.d/00.conf"
install_snippet rsyslog.d/10-imnflog-json.conf "$W/rs.d/10.conf" "${NSP}B"
install_snippet rsyslog.d/20-imnflog-kernlog.conf "$W/rs.d/20.conf" "${NSP}B"
install_snippet logrotate.d/rsyslog-netfilter "$W/logrotate.conf"
sed -i "s|/usr/lib/rsyslog/rsyslog-rotate|kill -HUP \$(cat $W/pid)|" "$W/logrotate.conf"
rs_conf "include(file=\"$W/rs.d/*.conf\")"
rs_start

# 20,000 TCP SYNs to port 9, numbered by their IP ID, about 4,000 a second
nsx A /usr/bin/python3 - <<'PY' &
import socket, struct, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("a0", 0))
eth = bytes.fromhex("02000000000b02000000000a0800")
start = time.monotonic()
for n in range(20000):
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, n, 0, 64, 6, 0,
                               socket.inet_aton("10.200.0.1"), socket.inet_aton("10.200.0.2")))
    c = sum(struct.unpack("!10H", ip))
    c = (c & 0xffff) + (c >> 16)
    ip[10:12] = struct.pack("!H", ~c & 0xffff)
    s.send(eth + ip + struct.pack("!HHIIBBHHH", 40000, 9, 0, 0, 0x50, 0x02, 1024, 0, 0))
    if n % 400 == 399:
        time.sleep(max(0, start + (n + 1) / 4000 - time.monotonic()))
PY
GEN=$!
for _ in 1 2 3; do
	sleep 1
	logrotate -f -s "$W/logrotate.state" "$W/logrotate.conf" || notok "logrotate ran"
done
wait "$GEN"
for g in 2 3; do
	for _ in $(seq 300); do
		[ "$(grep "\"name\": \"imnflog(group $g " "$W/stats" | tail -1 | grep -o '"submitted": [0-9]*')" = '"submitted": 20000' ] && break
		sleep 0.1
	done
done
rs_stop
lines() { for f in "$W/log/netfilter/$1"*; do case $f in *.gz) zcat "$f" ;; *) cat "$f" ;; esac; done; }
expect_eq "rotated three times" "packets.json packets.json.1 packets.json.2.gz packets.json.3.gz" \
  "$(cd "$W/log/netfilter" && ls packets.json* | tr '\n' ' ' | sed 's/ $//')"
expect_eq "packets.json: 20000 lines, each packet once" "20000 20000 0 19999" \
  "$(lines packets.json | python3 -c "
import json, sys
ids = [json.loads(l)['netfilter']['ip']['id'] for l in sys.stdin]
print(len(ids), len(set(ids)), min(ids), max(ids))")"
expect_eq "firewall.log: 20000 lines, each packet once" "20000 20000 0 19999" \
  "$(lines firewall.log | python3 -c "
import re, sys
ids = [int(re.search(r' ID=(\d+) ', l).group(1)) for l in sys.stdin]
print(len(ids), len(set(ids)), min(ids), max(ids))")"
