#!/bin/bash
# imnfct shutdown and memory: cooperative end of the input thread on
# SIGTERM, and a valgrind run with no leak and no memory error.
. "$(dirname "$0")/lib.sh"
require_root
RS_MODS=imnfct
ns_add F
nsx F nft add table ip t
rs_conf "
action(type=\"omfile\" file=\"$W/out.json\" template=\"jsonline\")
input(type=\"imnfct\" netns=\"${NSP}F\" events=[\"new\",\"update\",\"destroy\"] sysctl=\"on\")
input(type=\"imnfct\" netns=\"${NSP}F\" schema=\"ulogd\" protocols=\"udp\" src=\"10.2.0.0/16\")
"
export RSYSLOG_DEBUG="Debug NoStdOut" RSYSLOG_DEBUGLOG="$W/debug.log"
valgrind --leak-check=full --show-leak-kinds=definite,indirect --num-callers=30 \
	--log-file="$W/valgrind.log" \
	rsyslogd -n -f "$W/rs.conf" -i "$W/pid" -M "$MODDIR" > "$W/rs.stdout" 2>&1 &
RS_PID=$!
RS_PIDS=$RS_PID
for _ in $(seq 300); do grep -q "\] start$" "$W/internal" 2>/dev/null && break; sleep 0.1; done
for i in 1 2 3; do
	nsx F conntrack -I -p udp -s 10.2.0.$i -d 10.2.9.9 --sport 100$i --dport 53 -t 60 2> /dev/null
done
nsx F conntrack -I -p tcp -s fd02::1 -d fd02::2 --sport 1 --dport 2 --state ESTABLISHED -t 60 2> /dev/null
nsx F conntrack -U -p tcp -s fd02::1 -m 5 > /dev/null 2>&1
nsx F conntrack -F 2> /dev/null
wait_lines "$W/out.json" 15
kill -TERM "$RS_PID"
for _ in $(seq 600); do kill -0 "$RS_PID" 2>/dev/null || break; sleep 0.1; done
expect_eq "all 15 messages written" 15 "$(wc -l < "$W/out.json")"
expect_eq "input thread ended cooperatively on SIGTERM" 1 \
  "$(grep -c "non-cancel input thread termination succeeded for thread imnfct" "$W/debug.log")"
expect_eq "valgrind: nothing definitely or indirectly lost" \
  "definitely lost: 0 bytes in 0 blocks indirectly lost: 0 bytes in 0 blocks" \
  "$(grep -o -E '(definitely|indirectly) lost: [0-9,]+ bytes in [0-9,]+ blocks' "$W/valgrind.log" | paste -sd' ')"
expect_eq "valgrind: no memory errors" "ERROR SUMMARY: 0 errors" \
  "$(grep -o 'ERROR SUMMARY: [0-9]* errors' "$W/valgrind.log")"
