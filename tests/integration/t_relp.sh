#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Central forwarding as shipped: contrib/examples/40-relp-forward.conf on the
# sender, contrib/examples/relp-collector.conf on a second rsyslogd as the
# collector, RELP over TLS with certificates made here. 100,000 packets,
# each with its number as TCP sequence, are logged by NFLOG; the collector
# is stopped for 10 s while they flow (the sender's queue goes to disk), and
# the sender is restarted once while it forwards, and once while the
# collector is away. Every record must arrive, but for the one batch
# rsyslog drops when it stops during an outage (doc/pipelines.md); duplicates
# are counted and reported.
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

# For bench/forward/run, which measures other queue settings with this very
# test (the suite sets none of these): RELP_SED, a sed script applied to
# the sender's snippet; RELP_PACKETS (100000) and RELP_OUTAGE (10 s) for
# part 1; RELP_CATCHUP_ONLY=1 ends after part 1, with its curve
[ -n "${RELP_SED-}" ] && sed -i -e "$RELP_SED" "$W/rs.d/40.conf"
N1=${RELP_PACKETS:-100000} OUTAGE=${RELP_OUTAGE:-10}
rs_conf "include(file=\"$W/rs.d/*.conf\")"

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
# received N [S]: the collector holds records 0..N-1; waits as long as it
# moves (no progress for S seconds, 30 by default: give up)
received() {
	local last=-1 still=0 now
	while [ "$still" -lt "$((${2:-30} / 2))" ]; do
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
# "t lag queued blocked disk bytes cpu_sender cpu_collector cpu_all":
# - lag: the packets sent but not yet at the collector (distinct records;
#   the sender's backlog: its socket, its queue in memory and on disk, RELP
#   in flight);
# - queued: the sender's queue, memory and disk;
# - blocked: the ms its input waited on that queue in the second before;
# - disk, bytes: the queue's messages on disk and the bytes of its files;
# - cpu_*: the CPU in the second before, in percent of one core, of the
#   sender's rsyslogd, the collector's and the whole machine.
# Ends once the lag stays below 500 (a tenth of a second of traffic) for
# 3 s, printing "caught-up T" with T the first of those seconds.
curve() {
	python3 - "$1" "$W/sent" "$CENTRAL_FILE" "$W/stats" "$W" "$RS_PID" "$CENTRAL" <<'PY'
import glob, json, os, sys, time
limit, sent_file, central, stats, spool = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
pids = sys.argv[6:8]
hz = os.sysconf("SC_CLK_TCK")
def ticks(pid):
    try:
        f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])
    except (OSError, IndexError, ValueError):
        return 0
def busy():
    f = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
    return sum(f) - f[3] - f[4]
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
def disk_bytes():
    total = 0
    for f in glob.glob(os.path.join(spool, "nflog-relp.[0-9]*")):
        try:
            total += os.path.getsize(f)
        except FileNotFoundError:
            pass
    return total
def sender_stats():
    queued, blocked, on_disk = 0, None, 0
    with open(stats, "rb") as f:
        f.seek(max(0, os.path.getsize(stats) - 16384))
        lines = f.read().decode().splitlines()[1:]
    latest = {}
    for l in lines:
        o = json.loads(l[l.index("{"):])
        latest[o.get("name")] = o
    for name in ("nflog-relp", "nflog-relp[DA]"):
        queued += latest.get(name, {}).get("size", 0)
    on_disk = latest.get("nflog-relp[DA]", {}).get("size", 0)
    for name, o in latest.items():
        if name.startswith("imnflog(group 5"):
            blocked = o["submit.blocked.ms"]
    return queued, blocked, on_disk
start, below, before = time.monotonic(), None, None
cpu_before = [ticks(p) for p in pids] + [busy()]
for t in range(limit + 1):
    time.sleep(max(0, start + t - time.monotonic()))
    cpu_now = [ticks(p) for p in pids] + [busy()]
    cpu = [round(100 * (n - b) / hz) for n, b in zip(cpu_now, cpu_before)]
    cpu_before = cpu_now
    try:
        lag = int(open(sent_file).read()) - distinct()
    except (OSError, ValueError):
        lag = None
    queued, blocked, on_disk = sender_stats()
    step = blocked - before if blocked is not None and before is not None else 0
    before = blocked
    print(t, lag, queued, step, on_disk, disk_bytes(), *cpu, flush=True)
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
send_numbered 0 "$N1" "$W/sent" &
SENDER=$!
sleep 3
kill -KILL "$CENTRAL"
wait "$CENTRAL" 2> /dev/null
sleep "$OUTAGE"
central_start
curve 120 > "$W/curve1"
wait "$SENDER"
wait_submitted "$N1"
received "$N1"
arrived=$?
if [ -n "${RELP_CATCHUP_ONLY-}" ]; then
	expect_eq "collector: every record of $N1 arrived" 0 "$arrived"
	sed 's/^/# t_relp curve: /' "$W/curve1"
	exit
fi
# 2. a restart while the backlog drains: 50,000 packets while the collector
# is away (killed), then the sender is stopped 2 s after the collector is
# back and started again (no traffic meanwhile: no listener, no log)
N2=$((N1 + 50000)) N=$((N1 + 60000))
kill -KILL "$CENTRAL"
wait "$CENTRAL" 2> /dev/null
send_numbered "$N1" "$N2" "$W/sent"
central_start
sleep 2
rs_stop
rs_start
send_numbered "$N2" "$N" "$W/sent"
wait_submitted 10000
received "$N"
# 3. a restart during an outage: the collector is killed while nothing is
# in flight, 25,000 packets fill the sender's memory queue (15,000) and go
# to disk, the sender is restarted, 5,000 more, then the collector is back
N3=$((N + 25000)) N4=$((N + 30000))
kill -KILL "$CENTRAL"
wait "$CENTRAL" 2> /dev/null
send_numbered "$N" "$N3" "$W/sent"
wait_submitted 35000
rs_stop
rs_start
send_numbered "$N3" "$N4" "$W/sent"
wait_submitted 5000
central_start
received "$N4" 10
rs_stop
central_stop

python3 - "$CENTRAL_FILE" "$N" "$N4" <<'PY' > "$W/result"
import collections, json, sys
seqs = collections.Counter(json.loads(l)["netfilter"]["tcp"]["seq"] for l in open(sys.argv[1]))
n, n4 = int(sys.argv[2]), int(sys.argv[3])
# parts 1 and 2
print(len(set(range(n)) & set(seqs)), len(set(range(n)) - set(seqs)), sum(seqs.values()) - len(seqs))
# part 3: what is missing must be the batch held at the stop, the first
# packets of the outage in a row (rsyslog #5364)
missing = sorted(set(range(n, n4)) - set(seqs))
print(len(set(range(n, n4)) & set(seqs)), len(missing),
      len(missing) if missing == list(range(n, n + len(missing))) else -1)
PY
{ read -r distinct missing dups; read -r distinct3 missing3 held; } < "$W/result"
read -r submitted drops gaps discarded instances n_spilled <<< "$(sender_totals "imnflog(group 5" nflog-relp)"
expect_eq "sender: $N4 packets submitted by three instances, no kernel drop, no gap, no queue discard" \
  "$N4 0 0 0 3" "$submitted $drops $gaps $discarded $instances"
expect_eq "sender: the queue went to disk while the collector was away" yes "$([ "$n_spilled" -gt 0 ] && echo yes)"
expect_eq "collector: every record of parts 1 and 2 arrived ($N), none missing" "$N 0" "$distinct $missing"
expect_eq "collector, part 3: every record arrived but the batch held at the stop (rsyslog #5364): the first $held of the outage, at most 1024" \
  "yes $((30000 - held))" "$([ "$held" -ge 0 ] && [ "$held" -le 1024 ] && echo yes) $distinct3"
echo "# t_relp: sent $N4, received $((distinct + distinct3 + dups)) lines: $((distinct + distinct3)) distinct, $dups duplicates, $((missing + missing3)) missing ($missing3 the batch held at the stop during the outage); $n_spilled went through the disk queue"
caught=$(awk '$1 == "caught-up" { print $2 }' "$W/curve1")
echo "# t_relp: caught up ${caught:-not within 120} s after the collector came back (seconds, lag in packets, sender queue, submit.blocked.ms in that second):"
awk '$1 != "caught-up" { printf "%s %s %s %s, ", $1, $2, $3, $4 } END { print "" }' "$W/curve1" | sed 's/^/#   /'
awk '$1 != "caught-up" && $5 > most { most = $5; bytes = $6 }
     END { if (most) printf "# t_relp: the disk queue at its fullest held %d messages in %d bytes of files, %d bytes a message\n", most, bytes, bytes / most }' "$W/curve1"
