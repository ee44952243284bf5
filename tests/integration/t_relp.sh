#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Central forwarding as shipped: contrib/examples/40-relp-forward.conf on the
# sender, contrib/examples/relp-collector.conf on a second rsyslogd as the
# collector, RELP over TLS with certificates made here. 100,000 packets,
# each with its number as TCP sequence, are logged by NFLOG; the collector
# is stopped for 10 s while they flow (the sender's queue goes to disk), and
# the sender is restarted once while it forwards. Every record must arrive;
# duplicates are counted and reported. (Where RELP still loses, and why the
# restart is not made while the collector is away: doc/pipelines.md.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/contrib.sh"
require_root
need rsyslog-relp openssl
RS_MODS=
two_hosts A B
nsx B nft add table inet t
nsx B nft add chain inet t in '{ type filter hook input priority 0; }'
nsx B nft add rule inet t in tcp dport 9 log prefix '"to central "' group 5 drop

# a CA, the collector's certificate and the sender's
mkdir -p "$W/pki"
cert() {
	openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$W/pki/$1.key" -out "$W/pki/$1.csr" 2> /dev/null
	openssl x509 -req -in "$W/pki/$1.csr" -CA "$W/pki/ca.pem" -CAkey "$W/pki/ca.key" -CAcreateserial \
		-days 2 -extfile <(echo "subjectAltName=DNS:$1") -out "$W/pki/$1.pem" 2> /dev/null
}
openssl req -x509 -new -newkey rsa:2048 -nodes -subj "/CN=test CA" -days 2 \
	-keyout "$W/pki/ca.key" -out "$W/pki/ca.pem" 2> /dev/null
cert collector.test
cert sender.test

PORT=$(free_port)
mkdir -p "$W/central"
install_snippet examples/relp-collector.conf "$W/central/collector.conf"
fill "$W/central/collector.conf" "the senders' names in their certificates" sender.test
fill "$W/central/collector.conf" "the CA certificate file" "$W/pki/ca.pem"
fill "$W/central/collector.conf" "this host's certificate file" "$W/pki/collector.test.pem"
fill "$W/central/collector.conf" "this host's key file" "$W/pki/collector.test.key"
sed -i "s/port=\"2514\"/port=\"$PORT\" address=\"127.0.0.1\"/" "$W/central/collector.conf"
cat > "$W/central/rs.conf" <<CONF
global(workDirectory="$W/central" processInternalMessages="on")
include(file="$W/central/collector.conf")
if \$inputname != "imrelp" then action(type="omfile" file="$W/central/internal")
CONF
central_start() {
	rm -f "$W/central/internal"
	rsyslogd -n -f "$W/central/rs.conf" -i "$W/central/pid" -M "$MODDIR" >> "$W/central/stdout" 2>&1 &
	CENTRAL=$!
	RS_PIDS="$CENTRAL $RS_PIDS"
	for _ in $(seq 100); do grep -q "start$" "$W/central/internal" 2> /dev/null && return; sleep 0.1; done
	notok "collector started"; exit 1
}
central_stop() { kill -TERM "$CENTRAL"; wait "$CENTRAL"; }

mkdir -p "$W/rs.d"
install_snippet rsyslog.d/00-imnflog-module.conf "$W/rs.d/00.conf"
install_snippet examples/40-relp-forward.conf "$W/rs.d/40.conf" "${NSP}B"
fill "$W/rs.d/40.conf" "the collector's host name" 127.0.0.1
fill "$W/rs.d/40.conf" "the collector's name in its certificate" collector.test
fill "$W/rs.d/40.conf" "the CA certificate file" "$W/pki/ca.pem"
fill "$W/rs.d/40.conf" "this host's certificate file" "$W/pki/sender.test.pem"
fill "$W/rs.d/40.conf" "this host's key file" "$W/pki/sender.test.key"
sed -i "s/port=\"2514\"/port=\"$PORT\"/" "$W/rs.d/40.conf"

# RELP_SED: a sed script applied to the sender's snippet, for bench/forward
# to measure other queue settings with this very test; empty in the suite
[ -n "${RELP_SED-}" ] && sed -i -e "$RELP_SED" "$W/rs.d/40.conf"
rs_conf "include(file=\"$W/rs.d/*.conf\")"

# send FROM TO: packets FROM..TO-1, TCP SYNs to port 9 with the number as
# sequence, 5,000 a second; $W/sent holds the next number to send
send() {
	nsx A /usr/bin/python3 - "$1" "$2" "$W/sent" <<'PY'
import os, socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("a0", 0))
eth = bytes.fromhex("02000000000b02000000000a0800")
ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 1, 0, 64, 6, 0,
                           socket.inet_aton("10.200.0.1"), socket.inet_aton("10.200.0.2")))
c = sum(struct.unpack("!10H", ip))
c = (c & 0xffff) + (c >> 16)
ip[10:12] = struct.pack("!H", ~c & 0xffff)
start = time.monotonic()
first, last = int(sys.argv[1]), int(sys.argv[2])
progress = os.open(sys.argv[3], os.O_WRONLY | os.O_CREAT, 0o644)
for n in range(first, last):
    s.send(eth + ip + struct.pack("!HHIIBBHHH", 40000, 9, n, 0, 0x50, 0x02, 1024, 0, 0))
    if n % 500 == 499:
        os.pwrite(progress, b"%-12d\n" % (n + 1), 0)
        time.sleep(max(0, start + (n - first + 1) / 5000 - time.monotonic()))
os.pwrite(progress, b"%-12d\n" % last, 0)
PY
}
# wait_submitted N: the running sender's input has submitted N packets (its
# counters start at 0 with each process)
wait_submitted() {
	for _ in $(seq 200); do
		[ "$(grep '"name": "imnflog(group 5' "$W/stats" | tail -1 | grep -o '"submitted": [0-9]*')" = "\"submitted\": $1" ] && return
		sleep 0.1
	done
	notok "sender submitted $1 packets"
}
CENTRAL_FILE="$W/log/central/$(hostname)/netfilter.json"
# received N: the collector holds records 0..N-1; waits as long as it
# moves (no progress for 30 s: give up)
received() {
	local last=-1 still=0 now
	while [ "$still" -lt 15 ]; do
		now=$(cat "$CENTRAL_FILE" 2> /dev/null | wc -l)
		[ "$now" -ge "$1" ] && now=$(python3 -c "
import json, sys
try:
    seqs = {json.loads(l)['netfilter']['tcp']['seq'] for l in open(sys.argv[1])}
except FileNotFoundError:
    seqs = set()
print(len(seqs & set(range(int(sys.argv[2])))))" "$CENTRAL_FILE" "$1")
		[ "$now" = "$1" ] && return 0
		if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0; last=$now; fi
		sleep 2
	done
	return 1
}
# curve SECONDS: each second from now on, for SECONDS at most, one line
# "t lag queued blocked": the packets sent but not yet at the collector
# (distinct records; the sender's backlog: its socket, its queue in memory
# and on disk, RELP in flight), the sender's queue (memory + disk) and the
# ms its input waited on that queue in the second before; ends once the lag
# stays below 500 (a tenth of a second of traffic) for 3 s, printing
# "caught-up T" with T the first of those seconds
curve() {
	python3 - "$1" "$W/sent" "$CENTRAL_FILE" "$W/stats" <<'PY'
import json, os, sys, time
limit, sent_file, central, stats = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
seen, offset, part = set(), 0, b""
def distinct():
    global offset, part
    try:
        with open(central, "rb") as f:
            f.seek(offset)
            data = part + f.read()
    except FileNotFoundError:
        return 0
    offset += len(data) - len(part)
    *lines, part = data.split(b"\n")
    seen.update(json.loads(l)["netfilter"]["tcp"]["seq"] for l in lines)
    return len(seen)
def sender_stats():
    queued, blocked = 0, None
    with open(stats, "rb") as f:
        f.seek(max(0, os.path.getsize(stats) - 16384))
        lines = f.read().decode().splitlines()[1:]
    latest = {}
    for l in lines:
        o = json.loads(l[l.index("{"):])
        latest[o.get("name")] = o
    for name in ("nflog-relp", "nflog-relp[DA]"):
        queued += latest.get(name, {}).get("size", 0)
    for name, o in latest.items():
        if name.startswith("imnflog(group 5"):
            blocked = o["submit.blocked.ms"]
    return queued, blocked
start, below, before = time.monotonic(), None, None
for t in range(limit + 1):
    time.sleep(max(0, start + t - time.monotonic()))
    try:
        lag = int(open(sent_file).read()) - distinct()
    except (OSError, ValueError):
        lag = None
    queued, blocked = sender_stats()
    step = blocked - before if blocked is not None and before is not None else 0
    before = blocked
    print(t, lag, queued, step, flush=True)
    if lag is not None and lag < 500:
        below = t if below is None else below
        if t - below >= 3:
            print("caught-up", below)
            break
    else:
        below = None
PY
}

central_start
rs_start
# 1. catching up: 100,000 packets at 5,000 a second; the collector is killed
# after 3 s and comes back 10 s later, while the traffic goes on for 7 s
send 0 100000 &
SENDER=$!
sleep 3
kill -KILL "$CENTRAL"
wait "$CENTRAL" 2> /dev/null
sleep 10
central_start
curve 60 > "$W/curve1"
wait "$SENDER"
wait_submitted 100000
received 100000
# 2. a restart while the backlog drains: 50,000 packets while the collector
# is away (killed), then the sender is stopped 2 s after the collector is
# back and started again (no traffic meanwhile: no listener, no log)
kill -KILL "$CENTRAL"
wait "$CENTRAL" 2> /dev/null
send 100000 150000
central_start
sleep 2
rs_stop
rs_start
send 150000 160000
wait_submitted 10000
received 160000
rs_stop
central_stop

python3 - "$CENTRAL_FILE" "$W/stats" <<'PY' > "$W/result"
import collections, json, sys
seqs = collections.Counter(json.loads(l)["netfilter"]["tcp"]["seq"] for l in open(sys.argv[1]))
# impstats of both sender instances: counters restart with the process
inputs, run, spilled, discarded = [], None, 0, 0
for line in open(sys.argv[2]):
    o = json.loads(line[line.index("{"):])
    name = o.get("name", "")
    if name.startswith("imnflog(group 5"):
        if run is None or o["received"] < run["received"]:
            inputs.append(o)
        inputs[-1] = run = o
    if name == "nflog-relp[DA]":
        spilled = max(spilled, o["enqueued"])
    if name.startswith("nflog-relp"):
        discarded = max(discarded, o["discarded.full"])
want = set(range(160000))
print(len(seqs), len(want - set(seqs)), sum(seqs.values()) - len(seqs),
      sum(i["submitted"] for i in inputs), max(i["kernel.drops"] for i in inputs),
      max(i["seq.gaps"] for i in inputs), discarded, len(inputs), spilled > 0, spilled)
PY
read -r distinct missing dups submitted drops gaps discarded instances spilled n_spilled < "$W/result"
expect_eq "sender: 160000 packets submitted by two instances, no kernel drop, no gap, no queue discard" \
  "160000 0 0 0 2" "$submitted $drops $gaps $discarded $instances"
expect_eq "sender: the queue went to disk while the collector was away" True "$spilled"
expect_eq "collector: every record of 160000 arrived, none missing ($dups duplicates)" "160000 0" "$distinct $missing"
echo "# t_relp: sent 160000, received $((distinct + dups)) lines: $distinct distinct, $dups duplicates, $missing missing; $n_spilled went through the disk queue"
caught=$(awk '$1 == "caught-up" { print $2 }' "$W/curve1")
echo "# t_relp: caught up ${caught:-not within 60} s after the collector came back (seconds, lag in packets, sender queue, submit.blocked.ms in that second):"
awk '$1 != "caught-up" { printf "%s %s %s %s, ", $1, $2, $3, $4 } END { print "" }' "$W/curve1" | sed 's/^/#   /'
