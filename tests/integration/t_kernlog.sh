#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The kernel LOG line files: contrib/rsyslog.d/20-imnflog-kernlog.conf
# (RFC 3339 timestamp) and its variant contrib/examples/
# 20-imnflog-kernlog-rfc3164.conf (traditional timestamp, TCP options),
# whole lines; then the fail2ban filter and jail of contrib/fail2ban on
# those real lines, with Debian's fail2ban-regex and fail2ban-client -t.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/contrib.sh"
require_root
need fail2ban
RS_MODS=
two_hosts A B
nsx B nft -f - <<'NFT'
table inet t {
	chain in {
		type filter hook input priority 0;
		tcp dport 23 log prefix "telnet " group 3 drop
		log prefix "nft-drop: " group 3 drop
	}
}
NFT
M="IN=b0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a"
# run SNIPPET: the packets through SNIPPET, the lines in $W/log/netfilter/firewall.log
run() {
	rm -rf "$W/log" "$W/rs.d"
	mkdir -p "$W/rs.d"
	install_snippet rsyslog.d/00-imnflog-module.conf "$W/rs.d/00.conf"
	install_snippet "$1" "$W/rs.d/20.conf" "${NSP}B"
	rs_conf "include(file=\"$W/rs.d/*.conf\")"
	rs_start
	scapy A "
e = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')
ip = IP(src='10.200.0.1', dst='10.200.0.2', id=7)
sendp([e/ip/TCP(sport=40000 + i, dport=22, seq=1, flags='S', options=[('MSS', 1460), ('NOP', None), ('WScale', 7)]) for i in range(5)], iface='a0')
sendp(e/ip/TCP(sport=40100, dport=23, seq=1, flags='S'), iface='a0')
sendp([e/IPv6(src='fd00:200::1', dst='fd00:200::2')/UDP(sport=5000 + i, dport=53) for i in range(3)], iface='a0')
"
	wait_lines "$W/log/netfilter/firewall.log" 9
	rs_stop
}
run rsyslog.d/20-imnflog-kernlog.conf
expect_eq "20-imnflog-kernlog.conf: RFC 3339 time, host, kernel:, the kernel's line" \
  "$(hostname) kernel: nft-drop: $M:08:00 SRC=10.200.0.1 DST=10.200.0.2 LEN=48 TOS=0x00 PREC=0x00 TTL=64 ID=7 PROTO=TCP SPT=40000 DPT=22 WINDOW=8192 RES=0x00 SYN URGP=0 
$(hostname) kernel: telnet $M:08:00 SRC=10.200.0.1 DST=10.200.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=7 PROTO=TCP SPT=40100 DPT=23 WINDOW=8192 RES=0x00 SYN URGP=0 
$(hostname) kernel: nft-drop: $M:86:dd SRC=fd00:0200:0000:0000:0000:0000:0000:0001 DST=fd00:0200:0000:0000:0000:0000:0000:0002 LEN=48 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=UDP SPT=5000 DPT=53 LEN=8 " \
  "$(sed -n '1p;6p;7p' "$W/log/netfilter/firewall.log" | sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00 //')"
expect_eq "20-imnflog-kernlog.conf: every line starts with an RFC 3339 time" 9 \
  "$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00 ' "$W/log/netfilter/firewall.log")"

# fail2ban: the filter on real lines, installed in a copy of Debian's
# configuration (it includes common.conf from there)
cp -r /etc/fail2ban "$W/fail2ban"
cp "$TOP/contrib/fail2ban/filter.d/netfilter-drop.conf" "$W/fail2ban/filter.d/"
f2b() {
	fail2ban-regex "$W/log/netfilter/firewall.log" "$W/fail2ban/filter.d/netfilter-drop.conf" "$@" 2>&1
}
expect_eq "fail2ban-regex: the nft-drop lines match, the telnet one does not" "Lines: 9 lines, 0 ignored, 8 matched, 1 missed" \
  "$(f2b | grep '^Lines:')"
expect_eq "fail2ban-regex: the failing addresses, IPv4 and IPv6" \
  "10.200.0.1 10.200.0.1 10.200.0.1 10.200.0.1 10.200.0.1 fd00:200::1 fd00:200::1 fd00:200::1" \
  "$(f2b -o ip | tr '\n' ' ' | sed 's/ $//')"
# a flood summary line (imnflog summary.*, its format tested by t_summary)
# is not a failure: the flooding source's first packets are lines and count
sed -n '1s/nft-drop: .*/nft-drop: SUMMARY PACKETS=5000 BYTES=200000 SRC=10.200.0.9 DST=10.200.0.2 PROTO=TCP DPT=22 FIRST=2026-12-08T00:00:00.000001Z LAST=2026-12-08T00:00:01.000001Z /p' \
	"$W/log/netfilter/firewall.log" | cat "$W/log/netfilter/firewall.log" - > "$W/with-summary.log"
expect_eq "fail2ban-regex: a summary line is not a failure" "Lines: 10 lines, 0 ignored, 8 matched, 2 missed" \
  "$(fail2ban-regex "$W/with-summary.log" "$W/fail2ban/filter.d/netfilter-drop.conf" 2>&1 | grep '^Lines:')"
cp "$W/log/netfilter/firewall.log" "$W/firewall-rfc3339.log"

run examples/20-imnflog-kernlog-rfc3164.conf
expect_eq "20-imnflog-kernlog-rfc3164.conf: traditional time, TCP options in the line" \
  "$(hostname) kernel: nft-drop: $M:08:00 SRC=10.200.0.1 DST=10.200.0.2 LEN=48 TOS=0x00 PREC=0x00 TTL=64 ID=7 PROTO=TCP SPT=40000 DPT=22 WINDOW=8192 RES=0x00 SYN URGP=0 OPT (020405B401030307) " \
  "$(sed -n 1p "$W/log/netfilter/firewall.log" | sed -E 's/^[A-Z][a-z]{2} [ 1-3][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} //')"
expect_eq "20-imnflog-kernlog-rfc3164.conf: every line starts with a traditional time" 9 \
  "$(grep -cE '^[A-Z][a-z]{2} [ 1-3][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} ' "$W/log/netfilter/firewall.log")"
expect_eq "fail2ban-regex on traditional timestamps: the same addresses" \
  "10.200.0.1 10.200.0.1 10.200.0.1 10.200.0.1 10.200.0.1 fd00:200::1 fd00:200::1 fd00:200::1" \
  "$(f2b -o ip | tr '\n' ' ' | sed 's/ $//')"

# the jail, in the copy of Debian's fail2ban configuration, without
# Debian's sshd jail (this machine has no auth.log for it)
rm "$W/fail2ban/jail.d/defaults-debian.conf"
sed "s|/var/log/|$W/log/|" "$TOP/contrib/fail2ban/jail.d/netfilter-drop.conf" > "$W/fail2ban/jail.d/netfilter-drop.conf"
expect_eq "fail2ban-client -t: the jail's configuration is valid" "OK: configuration test is successful" \
  "$(fail2ban-client -c "$W/fail2ban" -t 2>&1 | tail -1)"
expect_eq "fail2ban-client -d: the jail, its log file and its nftables action" \
  "['add', 'netfilter-drop', 'auto'] ['set', 'netfilter-drop', 'addlogpath', '$W/log/netfilter/firewall.log', 'head'] ['set', 'netfilter-drop', 'addaction', 'nftables-allports']" \
  "$(fail2ban-client -c "$W/fail2ban" -d 2>/dev/null | grep -E "^\['add', 'netfilter-drop'|'addlogpath'|'addaction'" | tr '\n' ' ' | sed 's/ $//')"
