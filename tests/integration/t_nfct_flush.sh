#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Flushing 250,000 tracked flows at once (conntrack -F), with default
# settings and nf_conntrack_events, _acct and _timestamp on, yields 250,000
# DESTROY messages and loses none.
. "$(dirname "$0")/lib.sh"
require_root
RS_MODS=imnfct
N=${FLUSH_FLOWS:-250000}
ns_add F
cc -O2 -o "$W/ctinsert" "$TOP/tests/tools/ctinsert.c" -lmnl -lnetfilter_conntrack ||
	{ notok "build ctinsert"; exit 1; }
nsx F nft add table ip t # conntrack active in the namespace
rs_conf "
template(name=\"id\" type=\"string\" string=\"%\$!netfilter!ct!id% %\$!source!ip%:%\$!source!port%\\n\")
ruleset(name=\"d\" queue.type=\"Direct\") { action(type=\"omfile\" file=\"$W/destroy.ids\" template=\"id\"
	ioBufferSize=\"64k\" asyncWriting=\"on\" flushOnTXEnd=\"off\") }
input(type=\"imnfct\" netns=\"${NSP}F\" ruleset=\"d\" events=\"destroy\" sysctl=\"on\")
"
rs_start
expect_eq "flows created" "$N" "$(nsx F "$W/ctinsert" "$N")"
expect_eq "flows tracked" "$N" "$(nsx F conntrack -C)"
t0=$(date +%s.%N)
nsx F conntrack -F 2> /dev/null
wait_lines "$W/destroy.ids" "$N"
echo "# $(wc -l < "$W/destroy.ids") lines $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s after the flush began"
quiesce "$W/destroy.ids" # for any duplicate
rs_stop
# ct ids are hashes and may collide: count distinct flows
expect_eq "every DESTROY logged, once" "$N $N" \
  "$(wc -l < "$W/destroy.ids") $(sort -u "$W/destroy.ids" | wc -l)"
expect_eq "no overrun, nothing lost" '"kernel.drops": 0 "overruns": 0' \
  "$(grep 'imnfct(' "$W/stats" | tail -1 | grep -o '"\(kernel.drops\|overruns\)": [0-9]*' | paste -sd' ')"
