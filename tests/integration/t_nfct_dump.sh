#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# dump="on": flows alive before rsyslogd starts are reported at start (as
# UPDATE, the state of an existing connection), with their kernel start
# times and the line `conntrack -L` prints, and their DESTROY later carries
# start and duration. Without kernel timestamps the start of a DESTROY comes
# from the NEW the input saw. After a privilege drop the kernel refuses
# dumps, and the input says so.
. "$(dirname "$0")/lib.sh"
require_root
RS_MODS=imnfct
ns_add F
nsx F nft add table ip t
nsx F sysctl -qw net.netfilter.nf_conntrack_timestamp=1 net.netfilter.nf_conntrack_events=1
for i in 1 2 3; do
	nsx F conntrack -I -p udp -s 10.7.0.$i -d 10.7.0.9 --sport 100$i --dport 53 -t 120 2> /dev/null
done
BEFORE=$(date +%s)
sleep 1.1
rs_conf "
template(name=\"flow\" type=\"string\" string=\"%\$!event!action% %\$!source!ip% %\$!event!start%\\n\")
action(type=\"omfile\" file=\"$W/out\" template=\"flow\")
action(type=\"omfile\" file=\"$W/out.json\" template=\"jsonline\")
action(type=\"omfile\" file=\"$W/out.msg\" template=\"msgline\")
input(type=\"imnfct\" netns=\"${NSP}F\" events=\"destroy\" dump=\"on\")
"
rs_start
wait_lines "$W/out" 3
nsx F conntrack -L -o extended,id 2> /dev/null > "$W/conntrack-L"
nsx F conntrack -F 2> /dev/null
wait_lines "$W/out" 6
rs_stop
expect_eq "start-up dump reported in the internal log" "imnfct: start-up dump: 3 existing flows" \
  "$(grep -m1 -o 'imnfct: start-up dump: [0-9]* existing flows' "$W/internal")"
expect_eq "existing flows reported, then their DESTROY" \
  "conntrack-update 10.7.0.1
conntrack-update 10.7.0.2
conntrack-update 10.7.0.3
conntrack-destroy 10.7.0.1
conntrack-destroy 10.7.0.2
conntrack-destroy 10.7.0.3" \
  "$(cut -d' ' -f1,2 "$W/out" | sort -k1,1r -k2,2)"
# timeouts and delta-time tick between the two reads: masked
mask() { sed -E 's/^(ipv4 +2 udp +17) [0-9]+ /\1 T /; s/delta-time=[0-9]+ /delta-time=D /'; }
expect_eq "dump entries: the line conntrack -L prints, no USERSPACE of our own socket" \
  "$(sort "$W/conntrack-L" | mask)" \
  "$(grep '^\[UPDATE\] ' "$W/out.msg" | sed 's/^\[UPDATE\] //' | sort | mask)"
expect_eq "dump entries carry no port id" "0 3" \
  "$(grep conntrack-update "$W/out.json" | grep -c '"portid"') $(grep conntrack-update "$W/out.json" | wc -l)"
expect_eq "start times are the kernel's, before rsyslogd started" "yes" "$(python3 -c "
import json, datetime
ok = True
for l in open('$W/out.json'):
    d = json.loads(l)
    s = datetime.datetime.fromisoformat(d['event']['start'].replace('Z', '+00:00')).timestamp()
    ok = ok and s <= $BEFORE + 1
    if d['event']['action'] == 'conntrack-destroy':
        ok = ok and d['event']['duration'] >= 1e9
print('yes' if ok else 'no')")"

# Without kernel timestamps, DESTROY takes its start from the NEW this
# input saw (the flow table), and its duration from there.
nsx F sysctl -qw net.netfilter.nf_conntrack_timestamp=0
rs_conf "
action(type=\"omfile\" file=\"$W/nots.json\" template=\"jsonline\")
input(type=\"imnfct\" netns=\"${NSP}F\")
"
rs_start
nsx F conntrack -I -p udp -s 10.8.0.1 -d 10.8.0.9 --sport 1 --dport 53 -t 60 2> /dev/null
sleep 1.5 # the duration checked is over 1.1 s: 0.4 s for reading the NEW late
nsx F conntrack -F 2> /dev/null
wait_lines "$W/nots.json" 2
rs_stop
expect_eq "timestamp=0: DESTROY starts when NEW was seen, lasts until it was received" "yes" "$(python3 -c "
import json, datetime
new, end = [json.loads(l) for l in open('$W/nots.json')]
ts = lambda s: datetime.datetime.fromisoformat(s.replace('Z', '+00:00'))
ok = (new['event']['action'], end['event']['action']) == ('conntrack-new', 'conntrack-destroy')
ok = ok and end['event']['start'] == new['@timestamp'] and end['event']['end'] == end['@timestamp']
d = (ts(end['event']['end']) - ts(end['event']['start'])).total_seconds()
ok = ok and abs(d - end['event']['duration'] / 1e9) < 1e-6 and 1.1 < d < 5
print('yes' if ok else 'no: ' + json.dumps([new['event'], end['event']]))")"

# After a privilege drop ctnetlink refuses dumps (CAP_NET_ADMIN is checked
# on each request): an error that says so, never "0 existing flows".
chmod 777 "$W"
rs_conf "
global(privdrop.user.name=\"nobody\" privdrop.group.name=\"nogroup\")
action(type=\"omfile\" file=\"$W/priv.json\" template=\"jsonline\" fileCreateMode=\"0666\")
input(type=\"imnfct\" netns=\"${NSP}F\" dump=\"on\")
"
rs_start
for _ in $(seq 300); do grep -q "start-up dump" "$W/internal" && break; sleep 0.1; done
nsx F conntrack -I -p udp -s 10.9.0.1 -d 10.9.0.9 --sport 1 --dport 53 -t 60 2> /dev/null
wait_lines "$W/priv.json" 1
rs_stop
expect_eq "dump after the privilege drop: the kernel's refusal reported" \
  "imnfct: start-up dump failed: Operation not permitted (ctnetlink wants CAP_NET_ADMIN for each dump: rsyslogd dropped its privileges?)" \
  "$(grep -m1 -o 'imnfct: start-up dump[^[]*' "$W/internal" | sed 's/ *$//')"
expect_eq "events still arrive after the privilege drop" conntrack-new \
  "$(python3 -c "import json; print(json.loads(open('$W/priv.json').readline())['event']['action'])")"

# A dump of a large table is read in steps: the other input's events arrive
# while it lasts, and SIGTERM in the middle of it ends rsyslogd at once.
cc -O2 -o "$W/ctinsert" "$TOP/tests/tools/ctinsert.c" -lmnl -lnetfilter_conntrack || exit 1
ns_add G
nsx G nft add table ip t
expect_eq "150,000 flows to dump" 150000 "$(nsx G "$W/ctinsert" 150000)"
nsx F sysctl -qw net.netfilter.nf_conntrack_timestamp=1
rs_conf "
template(name=\"rcvd\" type=\"string\" string=\"%\$!@timestamp%\\n\")
ruleset(name=\"big\" queue.type=\"Direct\") { action(type=\"omfile\" file=\"$W/big.msg\" template=\"rcvd\") }
ruleset(name=\"small\" queue.type=\"Direct\") { action(type=\"omfile\" file=\"$W/small.msg\" template=\"rcvd\") }
input(type=\"imnfct\" netns=\"${NSP}G\" dump=\"on\" ruleset=\"big\")
input(type=\"imnfct\" netns=\"${NSP}F\" events=\"new\" ruleset=\"small\")
"
rs_start
nsx F conntrack -I -p udp -s 10.9.0.2 -d 10.9.0.9 --sport 2 --dport 53 -t 60 2> /dev/null
wait_lines "$W/small.msg" 1
wait_lines "$W/big.msg" 150000
# receive times: the event was read before the last entries of the dump
expect_eq "the other input's event was read while the dump lasted" "150000 yes" \
  "$(wc -l < "$W/big.msg") $([ "$(head -1 "$W/small.msg")" \< "$(sort "$W/big.msg" | tail -1)" ] && echo yes)"
rs_stop
rs_start env RSYSLOG_DEBUG_TIMEOUTS_TO_STDERR=on
T0=$(date +%s%N)
kill -TERM "$RS_PID"
for _ in $(seq 100); do kill -0 "$RS_PID" 2>/dev/null || break; sleep 0.05; done
T1=$(date +%s%N)
echo "# SIGTERM during the dump: rsyslogd ended after $(( (T1 - T0) / 1000000 )) ms"
expect_eq "SIGTERM during a dump of 150,000 flows: ended within 2 s, not cancelled" "yes" \
  "$([ $(( (T1 - T0) / 1000000 )) -lt 2000 ] && ! grep -qi cancel "$W/rs.stdout" && echo yes)"
