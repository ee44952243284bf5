#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Contract test of the Elasticsearch 8 pipeline (Elasticsearch is not in
# Debian and cannot be installed here): contrib/elasticsearch/setup and
# contrib/examples/30-elasticsearch.conf, with the one conntrack input of
# contrib/rsyslog.d/50-imnfct.conf calling it, talk over TLS to
# es_contract.py, which checks what they send against Elasticsearch 8's
# rules and the shipped index template, answers 429 to some items and once
# loses a reply. Every record must be indexed exactly once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/contrib.sh"
require_root
need rsyslog-elasticsearch openssl curl conntrack
RS_MODS=
two_hosts A B
nsx B nft add table inet t
nsx B nft add chain inet t in '{ type filter hook input priority 0; }'
nsx B nft add rule inet t in ip saddr 10.200.0.1 log prefix '"to es "' group 4 drop
nsx B nft add rule inet t in ip6 saddr fd00:200::1 log prefix '"to es "' group 4 drop

es_pki
PORT=$(free_port)
# omelasticsearch 8.2302 takes no white space in pwd
PW='s3cret"pass\word'
python3 "$TOP/tests/integration/es_contract.py" "$PORT" "$W/pki/es.pem" "$W/pki/es.key" \
	rsyslog-netfilter "$PW" "$TOP/contrib/elasticsearch" > "$W/es.out" 2>&1 &
ES=$!
ON_EXIT="kill $ES"
for _ in $(seq 300); do grep -q listening "$W/es.out" && break; sleep 0.1; done
report() { curl -sS --cacert "$W/pki/ca.pem" "https://127.0.0.1:$PORT/_test/report"; }

# the setup script, with the credentials rsyslog will use
# the installing account's password read once, from the environment, and
# never on curl's command line (a ps of each curl while setup runs)
(while sleep 0.01; do ps -eo args | grep "^curl " ; done > "$W/curl-args" 2> /dev/null) &
PS_LOOP=$!
ES_PASSWORD=$PW RSYSLOG_ES_PASSWORD=$PW "$TOP/contrib/elasticsearch/setup" "https://127.0.0.1:$PORT" \
	--cacert "$W/pki/ca.pem" -u rsyslog-netfilter > "$W/setup.out" 2>&1
kill "$PS_LOOP"
wait "$PS_LOOP" 2> /dev/null
expect_eq "setup: curl ran, and no curl command line held the password" "yes 0" \
  "$([ -s "$W/curl-args" ] && echo yes) $(grep -c -F -e "$PW" "$W/curl-args")"
expect_eq "setup installs policy, pipeline, template, role and user as shipped" \
  '{"/_ilm/policy/netfilter-logs": true, "/_index_template/netfilter": true, "/_ingest/pipeline/netfilter-geoip": true, "/_security/role/netfilter-writer": true, "/_security/user/rsyslog-netfilter": true}' \
  "$(report | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["puts"], sort_keys=True))')"

mkdir -p "$W/rs.d"
install_snippet rsyslog.d/00-imnflog-module.conf "$W/rs.d/00a.conf"
install_snippet rsyslog.d/00-imnfct-module.conf "$W/rs.d/00b.conf"
install_snippet rsyslog.d/50-imnfct.conf "$W/rs.d/50.conf" "${NSP}B"
sed -i 's/^ruleset(name="nfct" queue.type="Direct") {$/&\n\tcall netfilter-es/' "$W/rs.d/50.conf"
install_snippet examples/30-elasticsearch.conf "$W/rs.d/30.conf" "${NSP}B"
fill "$W/rs.d/30.conf" "the Elasticsearch host name" 127.0.0.1
fill "$W/rs.d/30.conf" "the CA certificate file of Elasticsearch" "$W/pki/ca.pem"
# in a RainerScript string, \ and " are escaped with a backslash
esc=${PW//\\/\\\\}
fill "$W/rs.d/30.conf" "the password of rsyslog-netfilter" "${esc//\"/\\\"}"
sed -i "s/serverport=\"9200\"/serverport=\"$PORT\"/" "$W/rs.d/30.conf"
rs_conf "include(file=\"$W/rs.d/*.conf\")"
rs_start

# packets of many kinds, 150 in all (no fragments: the namespace's
# conntrack reassembles them before the log rule)
scapy A "
e = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')
ip = IP(src='10.200.0.1', dst='10.200.0.2')
v6 = IPv6(src='fd00:200::1', dst='fd00:200::2')
p = [e/ip/TCP(sport=40000 + i, dport=22, flags='S', options=[('MSS', 1460), ('SAckOK', b''), ('Timestamp', (i, 0)), ('WScale', 7)])
     for i in range(100)]
p += [e/IP(src='10.200.0.1', dst='10.200.0.2', tos=0x10, flags='DF', options=IPOption_RR())/TCP(sport=33000, dport=80, flags='PA', seq=7, ack=9)/b'GET',
      e/ip/UDP(sport=5353, dport=53)/b'q',
      e/ip/ICMP(type=8, id=1, seq=2),
      e/ip/ICMP(type=3, code=3)/IP(src='10.200.0.2', dst='192.0.2.9')/UDP(sport=53, dport=4444),
      e/ip/ICMP(type=5, code=1, gw='10.200.0.9')/IP(src='10.200.0.2', dst='192.0.2.9')/TCP(sport=1, dport=2),
      e/ip/SCTP(sport=9, dport=10),
      e/ip/GRE(key_present=1, key=42, proto=0x0800)/IP(src='1.1.1.1', dst='2.2.2.2'),
      e/ip/ESP(spi=0x1234, seq=1),
      e/ip/TCP(sport=1, dport=2, dataofs=3),
      e/v6/TCP(sport=33001, dport=443, flags='S'),
      e/v6/UDP(sport=5000, dport=5001),
      e/v6/ICMPv6EchoRequest(id=3, seq=4),
      e/v6/ICMPv6DestUnreach(code=4)/IPv6(src='fd00:200::2', dst='2001:db8::1')/UDP(sport=1, dport=2)]
p += [e/ip/UDP(sport=6000 + i, dport=514) for i in range(150 - len(p))]
sendp(p, iface='a0')
"
ct() { nsx B conntrack "$@" > /dev/null 2>&1; }
ct -I -p udp -s 10.5.0.1 -d 10.5.0.9 --sport 4000 --dport 53 -t 60
ct -I -p tcp -s 10.5.0.2 -d 10.5.0.9 --sport 4001 --dport 443 --state ESTABLISHED -t 60 --src-nat 203.0.113.5
ct -I -p tcp -s 198.51.100.7 -d 203.0.113.5 --sport 5555 --dport 80 --state ESTABLISHED -t 60 --dst-nat 10.5.0.80
ct -I -p icmp -s 10.5.0.3 -d 10.5.0.9 --icmp-type 8 --icmp-code 0 --icmp-id 3 -t 30
ct -I -p udp -s fd05::1 -d fd05::9 --sport 4000 --dport 53 -t 60
ct -F

# wait until what the inputs submitted is indexed (as long as it moves)
submitted() {
	local v
	v=$(grep -h "\"name\": \"$1" "$W/stats" 2> /dev/null | tail -1 | grep -o '"submitted": [0-9]*' | grep -o '[0-9]*')
	echo "${v:-0}"
}
last=-1 still=0
while [ "$still" -lt 30 ]; do
	want=$(( $(submitted 'imnflog(group 4') + $(submitted 'imnfct(') ))
	have=$(report | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["indexed"]))')
	[ "$have" -ge "$want" ] && [ "$want" -ge 160 ] && break
	if [ "$have" = "$last" ]; then still=$((still + 1)); else still=0; last=$have; fi
	sleep 1
done
rs_stop
report > "$W/report.json"

python3 - "$W/report.json" "$(submitted 'imnflog(group 4')" "$(submitted 'imnfct(')" "$(hostname)" <<'PY' > "$W/result"
import collections, json, sys
r = json.load(open(sys.argv[1]))
n_pkt, n_ct, host = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
docs = [d["doc"] for d in r["indexed"].values()]
pkt = [d for d in docs if d["event"]["dataset"] == "netfilter.nflog"]
ct = collections.Counter((d["netfilter"]["ct"]["id"], d["event"]["action"]) for d in docs
                         if d["event"]["dataset"] == "netfilter.conntrack")
print("violations:", len(r["violations"]))
for v in r["violations"][:20]:
    print("#  ", v)
print("packets: %d submitted, %d indexed, sequence 0..%d once each: %s" % (
    n_pkt, len(pkt), n_pkt - 1, sorted(d["netfilter"]["seq"]["local"] for d in pkt) == list(range(n_pkt))))
print("conntrack: %d submitted, %d indexed, each event once: %s" % (
    n_ct, sum(ct.values()), all(c == 1 for c in ct.values())))
print("indices:", sorted({d["index"] for d in r["indexed"].values()}))
print("host.name on every document:", all(d.get("host", {}).get("name") == host for d in docs))
print("retries exercised: 429 %s, 409 %s, lost reply %d" % (
    r["answered_429"] > 0, r["answered_409"] > 0, r["dropped_replies"]))
print("# figures: %d items sent in %d bulk requests, %d answered 429, %d answered 409, %d indexed" % (
    r["items"], r["bulk_requests"], r["answered_429"], r["answered_409"], len(r["indexed"])))
PY
expect_eq "no breach of the Elasticsearch 8 rules or the template" "violations: 0" "$(sed -n 1p "$W/result")"
grep '^#  ' "$W/result"
pkts=$(submitted 'imnflog(group 4') cts=$(submitted 'imnfct(')
expect_eq "every packet indexed exactly once" \
  "packets: 150 submitted, 150 indexed, sequence 0..149 once each: True" "$(grep '^packets:' "$W/result")"
expect_eq "every conntrack event indexed exactly once" \
  "conntrack: $cts submitted, $cts indexed, each event once: True" "$(grep '^conntrack:' "$W/result")"
expect_eq "data streams by the ECS naming convention" \
  "indices: ['logs-netfilter.conntrack-default', 'logs-netfilter.nflog-default']" "$(grep '^indices:' "$W/result")"
expect_eq "host identity on every document" "host.name on every document: True" "$(grep '^host.name' "$W/result")"
expect_eq "429s, a lost reply and 409s for its retry happened" "retries exercised: 429 True, 409 True, lost reply 1" \
  "$(grep '^retries' "$W/result")"
grep '^# figures' "$W/result"
expect_eq "no document refused, no error file" "no no" \
  "$([ -e "$W/log/netfilter-es-rejected.json" ] && echo yes || echo no) $([ -e "$W/log/netfilter-es-errors.json" ] && echo yes || echo no)"

# the template against the field tables and the pipeline
python3 - "$TOP" <<'PY' > "$W/static"
import json, sys
top = sys.argv[1]
t = json.load(open(top + "/contrib/elasticsearch/index-template.json"))
p = json.load(open(top + "/contrib/elasticsearch/ingest-pipeline.json"))
props = t["template"]["mappings"]["properties"]
def mapped(path):
    node = {"properties": props}
    for part in ([path] if path == "@timestamp" else path.split(".")):
        node = node.get("properties", {}).get(part)
        if node is None:
            return None
    return node.get("type", "object")
# the ECS column's types, and the mapping types that hold them
ok = {"string": ("keyword", "ip", "date_nanos"), "number": ("long",), "boolean": ("boolean",),
      "array of strings": ("keyword",), "MAC string": ("keyword",), "keyword (string)": ("keyword",)}
bad = []
for f in ("doc/fields.md", "doc/fields-nfct.md"):
    for line in open(top + "/" + f):
        c = [x.strip() for x in line.split("|")]
        if len(c) > 5 and c[1] not in ("ECS path", "---", "-") and not c[1].startswith("-"):
            if mapped(c[1]) not in ok[c[2]]:
                bad.append("%s (%s): %s" % (c[1], c[2], mapped(c[1])))
for proc in p["processors"]:
    (kind, o), = proc.items()
    target = o.get("target_field", o.get("field"))
    if kind == "geoip" and "properties" not in o:
        for k, want in (("location", "geo_point"), ("country_iso_code", "keyword"), ("city_name", "keyword")):
            if mapped(target + "." + k) != want:
                bad.append("%s.%s: %s" % (target, k, mapped(target + "." + k)))
    elif kind in ("rename", "set") and mapped(target) is None:
        bad.append("%s: unmapped" % target)
print(len(bad), bad[:10])
print(t["template"]["settings"]["index.lifecycle.name"], t["template"]["settings"]["index.default_pipeline"])
PY
expect_eq "template maps every ECS field of doc/fields*.md and every field the pipeline adds" "0 []" "$(sed -n 1p "$W/static")"
expect_eq "template names the policy and the pipeline setup installs" "netfilter-logs netfilter-geoip" "$(sed -n 2p "$W/static")"
