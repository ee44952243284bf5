#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Contract test of an Elasticsearch outage with a restart of rsyslogd in it
# (Elasticsearch is not in Debian: es_contract.py checks on the wire what
# is sent, and its journal keeps the index across its own restart, as
# Elasticsearch's does). contrib/examples/30-elasticsearch.conf as shipped
# takes packets, each with its number as TCP sequence, at 5,000 a second:
# 5,000 while Elasticsearch is up; then it is killed (kill -9), 25,000 more
# fill the memory part of the queue (15,000) and go to disk, rsyslogd is
# stopped and started again, 5,000 more; then Elasticsearch comes back.
# Every packet must be indexed but for one batch: rsyslog 8.2302 and 8.2504
# drop the batch a transactional output (omelasticsearch in bulk mode)
# holds in its retry loop when they stop (rsyslog issue #5364, fixed
# upstream by pull request #7137 in 2026). The test finds that batch exactly:
# the packets after the last one indexed before the outage, at most a
# dequeue batch (1,024), and nothing else. A packet indexed under two _ids
# is a duplicate, counted and reported.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/contrib.sh"
require_root
need rsyslog-elasticsearch openssl curl
RS_MODS=
two_hosts A B
nsx B nft add table inet t
nsx B nft add chain inet t in '{ type filter hook input priority 0; }'
nsx B nft add rule inet t in tcp dport 9 log group 4 drop

es_pki
PORT=$(free_port)
PW=outage-test-pw
es_start() {
	: > "$W/es.out"
	python3 "$TOP/tests/integration/es_contract.py" "$PORT" "$W/pki/es.pem" "$W/pki/es.key" \
		rsyslog-netfilter "$PW" "$TOP/contrib/elasticsearch" "$W/es.journal" >> "$W/es.out" 2>&1 &
	ES=$!
	ON_EXIT="kill $ES"
	for _ in $(seq 300); do grep -q listening "$W/es.out" && return; sleep 0.1; done
	notok "contract server started"; exit 1
}
summary() { curl -sS --cacert "$W/pki/ca.pem" "https://127.0.0.1:$PORT/_test/summary"; }
# violations NAME: the contract server's breaches so far, saved as NAME
violations() {
	summary > "$W/$1.json"
	python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["violations"]))' "$W/$1.json"
}
es_start
ES_PASSWORD=$PW RSYSLOG_ES_PASSWORD=$PW "$TOP/contrib/elasticsearch/setup" "https://127.0.0.1:$PORT" \
	--cacert "$W/pki/ca.pem" -u rsyslog-netfilter > "$W/setup.out" 2>&1 ||
	{ notok "setup"; exit 1; }

mkdir -p "$W/rs.d"
install_snippet rsyslog.d/00-imnflog-module.conf "$W/rs.d/00.conf"
install_snippet examples/30-elasticsearch.conf "$W/rs.d/30.conf" "${NSP}B"
fill "$W/rs.d/30.conf" "the Elasticsearch host name" 127.0.0.1
fill "$W/rs.d/30.conf" "the CA certificate file of Elasticsearch" "$W/pki/ca.pem"
fill "$W/rs.d/30.conf" "the password of rsyslog-netfilter" "$PW"
sed -i "s/serverport=\"9200\"/serverport=\"$PORT\"/" "$W/rs.d/30.conf"
rs_conf "include(file=\"$W/rs.d/*.conf\")"

# indexed N: how many of packets 0..N-1 the journal holds, once it holds
# them all or has not grown for 10 s
indexed() {
	local last=-1 still=0 now
	while [ "$still" -lt 10 ]; do
		now=$(python3 - "$W/es.journal" "$1" <<'PY'
import json, sys
try:
    seqs = {json.loads(l)["doc"]["netfilter"]["tcp"]["seq"] for l in open(sys.argv[1])}
except FileNotFoundError:
    seqs = set()
print(len(seqs & set(range(int(sys.argv[2])))))
PY
)
		[ "$now" = "$1" ] && break
		if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0; last=$now; fi
		sleep 1
	done
	echo "$now"
}
# submitted N: the running rsyslogd's input has submitted N packets
submitted() {
	wait_for 30 sh -c "grep '\"name\": \"imnflog(group 4' '$W/stats' | tail -1 | grep -q '\"submitted\": $1,'"
}

rs_start
send_numbered 0 5000 "$W/sent"
expect_eq "Elasticsearch up: the first 5000 packets indexed" 5000 "$(indexed 5000)"
before=$(violations before)
kill -KILL "$ES"
wait "$ES" 2> /dev/null
# Elasticsearch away: 25,000 packets, then rsyslogd restarted, 5,000 more
send_numbered 5000 30000 "$W/sent"
submitted 30000
rs_stop
queued_bytes=$(cat "$W"/netfilter-es.[0-9]* 2> /dev/null | wc -c)
expect_eq "stopped during the outage: the queue saved to disk" yes \
	"$([ -s "$W/netfilter-es.qi" ] && [ "$queued_bytes" -gt 0 ] && echo yes)"
rs_start
send_numbered 30000 35000 "$W/sent"
submitted 5000
es_start
indexed 35000 > /dev/null
rs_stop
after=$(violations after)
expect_eq "no breach of the Elasticsearch 8 rules or the template, before and after the outage" "0 0" "$before $after"

python3 - "$W/es.journal" 35000 <<'PY' > "$W/result"
import collections, json, sys
per_seq = collections.Counter()
for line in open(sys.argv[1]):
    per_seq[json.loads(line)["doc"]["netfilter"]["tcp"]["seq"]] += 1
missing = sorted(set(range(int(sys.argv[2]))) - set(per_seq))
# the batch in flight at the stop: the first packets of the outage, in a row
held = len(missing) if missing == list(range(5000, 5000 + len(missing))) else -1
print(len(per_seq), len(missing), held, sum(per_seq.values()) - len(per_seq))
PY
read -r distinct missing held dups < "$W/result"
read -r submitted drops gaps discarded instances spilled <<< "$(sender_totals "imnflog(group 4" netfilter-es)"
expect_eq "35000 packets submitted by two instances, no kernel drop, no gap, no queue discard" \
	"35000 0 0 0 2" "$submitted $drops $gaps $discarded $instances"
expect_eq "the queue went to disk while Elasticsearch was away" yes "$([ "$spilled" -gt 0 ] && echo yes)"
expect_eq "every packet indexed but the batch held by the stop (rsyslog #5364): the first $held of the outage, at most 1024" \
	"yes $((35000 - held))" "$([ "$held" -ge 0 ] && [ "$held" -le 1024 ] && echo yes) $distinct"
echo "# t_es_outage: sent 35000, indexed $((distinct + dups)) documents: $distinct distinct, $dups duplicates," \
	"$missing missing (the batch held at the stop: $held); $spilled through the disk queue"
echo "# t_es_outage: on disk at the restart: $queued_bytes bytes for 25000 queued documents, $((queued_bytes / 25000)) bytes each"
exit $FAILED
