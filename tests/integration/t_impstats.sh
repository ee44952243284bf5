#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# contrib/rsyslog.d/90-impstats.conf (its interval made 1 s): counters of
# the inputs of 10-imnflog-json.conf and 50-imnfct.conf as JSON lines, and
# a loss line for each input that received forged datagrams
# (netlink.foreign), from tests/tools/nlsend.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/contrib.sh"
require_root
need conntrack
two_hosts A B
cc -O2 -o "$W/nlsend" "$TOP/tests/tools/nlsend.c" || { notok "build nlsend"; exit 1; }
mkdir -p "$W/rs.d"
install_snippet rsyslog.d/00-imnflog-module.conf "$W/rs.d/00a.conf"
install_snippet rsyslog.d/00-imnfct-module.conf "$W/rs.d/00b.conf"
install_snippet rsyslog.d/10-imnflog-json.conf "$W/rs.d/10.conf" "${NSP}B"
install_snippet rsyslog.d/50-imnfct.conf "$W/rs.d/50.conf" "${NSP}B"
install_snippet rsyslog.d/90-impstats.conf "$W/rs.d/90.conf"
sed -i 's/interval="60"/interval="1"/' "$W/rs.d/90.conf"
# rs_conf's own impstats gives way to the snippet's
cat > "$W/rs.conf" <<CONF
global(workDirectory="$W" processInternalMessages="on")
include(file="$W/rs.d/*.conf")
if \$inputname != "imnflog" and \$inputname != "imnfct" and \$inputname != "impstats" then action(type="omfile" file="$W/internal")
CONF
rs_start
sleep 1.5
# an NFCT event message, as a forger would send it, to every netfilter
# socket of rsyslogd: both NFLOG groups and the two of the conntrack input
# (only its event socket is read outside dumps)
expect_eq "forged datagrams sent to four sockets" 4 \
  "$(nsx B "$W/nlsend" "$RS_PID" 12 20000000000100000000000000000000020000000c0001800800030000000000)"
wait_lines "$W/log/netfilter/loss.log" 3
sleep 1.5
rs_stop
expect_eq "stats.json: the counters of each input" "imnfct(1 ${NSP}B), imnflog(group 1 ${NSP}B), imnflog(group 2 ${NSP}B)" \
  "$(python3 -c "
import json, sys
names = {json.loads(l.split(' ', 1)[1])['name'] for l in open(sys.argv[1])}
print(', '.join(sorted(n for n in names if n.startswith('im'))))" "$W/log/netfilter/stats.json")"
expect_eq "loss.log: one line per input that received a forged datagram, in the minute it did" \
  "imnfct(1 ${NSP}B) netlink.foreign 1
imnflog(group 1 ${NSP}B) netlink.foreign 1
imnflog(group 2 ${NSP}B) netlink.foreign 1" \
  "$(python3 -c "
import json, sys
for l in sorted(open(sys.argv[1])):
    o = json.loads(l.split(' ', 1)[1])
    print(o['name'], 'netlink.foreign', o['netlink.foreign'])" "$W/log/netfilter/loss.log" | sort)"
# every counter of each input, as doc/imnflog.md and doc/imnfct.md list
# them; no document was cut (msg.json.cut 0: the snippets' msg.format="json")
NFLOG_CTRS="decode.errors kernel.drops msg.json.cut netlink.errors netlink.foreign overruns ratelimit.discarded received seq.gaps submit.blocked.ms submitted"
NFCT_CTRS="filtered flowtable.evictions kernel.drops msg.json.cut nat.gaps nat.records netlink.errors netlink.foreign overruns parse.errors received resyncs submit.blocked.ms submitted"
expect_eq "stats.json: each input's counters, and no JSON document cut" \
  "imnfct(1 ${NSP}B) msg.json.cut=0 $NFCT_CTRS
imnflog(group 1 ${NSP}B) msg.json.cut=0 $NFLOG_CTRS
imnflog(group 2 ${NSP}B) msg.json.cut=0 $NFLOG_CTRS" \
  "$(python3 -c "
import json, sys
last = {}
for l in open(sys.argv[1]):
    o = json.loads(l.split(' ', 1)[1])
    if o['name'].startswith('im'):
        last[o['name']] = o
for n in sorted(last):
    keys = sorted(k for k in last[n] if k not in ('name', 'origin'))
    print(n, 'msg.json.cut=%s' % last[n].get('msg.json.cut'), ' '.join(keys))" "$W/log/netfilter/stats.json")"
