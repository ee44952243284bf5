#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# imnfct shutdown and memory: cooperative end of the input thread on
# SIGTERM, and a valgrind run with no leak and no memory error.
. "$(dirname "$0")/lib.sh"
require_root
RS_MODS=imnfct
ns_add F
nsx F nft add table ip t
RS_GLOBAL=$VALGRIND_GLOBAL
rs_conf "
action(type=\"omfile\" file=\"$W/out.json\" template=\"jsonline\")
input(type=\"imnfct\" netns=\"${NSP}F\" events=[\"new\",\"update\",\"destroy\"] sysctl=\"on\")
input(type=\"imnfct\" netns=\"${NSP}F\" schema=\"ulogd\" protocols=\"udp\" src=\"10.2.0.0/16\")
"
rs_start "${UNDER_VALGRIND[@]}"
for i in 1 2 3; do
	nsx F conntrack -I -p udp -s 10.2.0.$i -d 10.2.9.9 --sport 100$i --dport 53 -t 60 2> /dev/null
done
nsx F conntrack -I -p tcp -s fd02::1 -d fd02::2 --sport 1 --dport 2 --state ESTABLISHED -t 60 2> /dev/null
nsx F conntrack -U -p tcp -s fd02::1 -m 5 > /dev/null 2>&1
nsx F conntrack -F 2> /dev/null
wait_lines "$W/out.json" 15
rs_stop
expect_eq "all 15 messages written" 15 "$(wc -l < "$W/out.json")"
valgrind_checks imnfct
