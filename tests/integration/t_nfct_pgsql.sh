#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The PostgreSQL pipeline as a user installs it: a cluster made by Debian's
# pg_createcluster with its stock pg_hba.conf, contrib/sql/setup-pgsql, and
# rsyslogd with contrib/rsyslog.d/50-imnfct.conf (the one conntrack input)
# calling contrib/examples/70-pgsql.conf, which connects as role rsyslog
# with its password over TCP: no trust, no superuser. Checks: NEW and
# DESTROY rows, the same input feeding nat.log and flows.json, the role's
# rights, the kernel's order kept over 300 short flows, a poison event kept
# in conntrack_rejected while later events arrive, the partition command.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/contrib.sh"
require_root
need postgresql-common rsyslog-pgsql conntrack
PGVER=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n1)
[ -n "$PGVER" ] || { notok "needs package postgresql"; exit 1; }
RS_MODS=
ns_add F
nsx F nft add table ip t

# a cluster of our own; its configuration is Debian's default
PGPORT=$(free_port)
CLUSTER=rnftest$$
pg_createcluster -p "$PGPORT" -d "$W/pgdata" "$PGVER" "$CLUSTER" > "$W/pgcreate.log" 2>&1 || { notok "pg_createcluster"; cat "$W/pgcreate.log"; exit 1; }
ON_EXIT="pg_dropcluster --stop $PGVER $CLUSTER; rm -f /var/log/postgresql/postgresql-$PGVER-$CLUSTER.log"
pg_ctlcluster "$PGVER" "$CLUSTER" start || { notok "cluster started"; exit 1; }
expect_eq "stock pg_hba.conf: no trust line" 0 \
  "$(grep -v '^#' "/etc/postgresql/$PGVER/$CLUSTER/pg_hba.conf" | grep -cw trust)"
owner() { runuser -u postgres -- psql -X -q -At -p "$PGPORT" -d netfilter "$@"; }
as_rsyslog() { PGPASSWORD=$PW psql -X -q -At -h 127.0.0.1 -p "$PGPORT" -U rsyslog -d netfilter "$@"; }

SETUP_OUT=$("$TOP/contrib/sql/setup-pgsql" -p "$PGPORT" -f "$W/pgpass")
PW=$(cut -d: -f5- "$W/pgpass")
[ -n "$PW" ] || { notok "setup-pgsql wrote the password file"; exit 1; }
expect_eq "setup-pgsql: the password only in a 0600 password file, never printed" \
  "setup-pgsql: database netfilter, role rsyslog, password in $W/pgpass (passfile= of the snippets' conninfo) | 600 127.0.0.1:$PGPORT:netfilter:rsyslog:" \
  "$SETUP_OUT | $(stat -c %a "$W/pgpass") $(cut -d: -f1-4 "$W/pgpass"):"
expect_eq "setup-pgsql: a login role without any other attribute" "t|f|f|f|f|f" \
  "$(owner -c "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = 'rsyslog'")"
expect_eq "setup-pgsql is idempotent and keeps the password" "0 $PW" \
  "$("$TOP/contrib/sql/setup-pgsql" -p "$PGPORT" -f "$W/pgpass" > /dev/null; echo $?) $(cut -d: -f5- "$W/pgpass")"
expect_eq "rsyslog may run conntrack_event() and nothing else" \
  "ERROR:  permission denied for table conntrack
ERROR:  permission denied for table conntrack_rejected
ERROR:  permission denied for table conntrack
ERROR:  permission denied for function conntrack_partitions
ERROR:  permission denied for schema netfilter
ERROR:  permission denied for schema public" \
  "$(as_rsyslog -c "SELECT count(*) FROM conntrack" -c "SELECT count(*) FROM conntrack_rejected" \
	-c "DELETE FROM conntrack" -c "SELECT conntrack_partitions(0)" -c "CREATE TABLE x ()" \
	-c "CREATE TABLE public.x ()" 2>&1 | grep '^ERROR')"

# the store is a schema of its own, owned by a role of its own: the
# SECURITY DEFINER functions run with netfilter_owner's rights, which reach
# no further than the schema, not with the superuser's
FUNCS="conntrack_event|netfilter_owner|t
conntrack_partitions|netfilter_owner|t
nat_at|netfilter_owner|f
nat_endpoint|netfilter_owner|f
nat_lookup|netfilter_owner|t
nat_ms|netfilter_owner|f
nat_record|netfilter_owner|t
nat_retention|netfilter_owner|t"
funcs() { owner -d "$1" -c "SELECT proname, proowner::regrole, prosecdef FROM pg_proc WHERE pronamespace = 'netfilter'::regnamespace ORDER BY 1"; }
# tables and partitions in the schema: how many, how many not the owner's;
# our tables and functions left in public
layout() {
	owner -d "$1" -c "SELECT count(*), count(*) FILTER (WHERE relowner <> 'netfilter_owner'::regrole) FROM pg_class WHERE relnamespace = 'netfilter'::regnamespace AND relkind IN ('r', 'p')" \
		-c "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname ~ '^(conntrack|nat_)'" \
		-c "SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname ~ '^(conntrack_|nat_)'" | tr '\n' ' ' | sed 's/ $//'
}
expect_eq "setup-pgsql: the functions are netfilter_owner's, in the schema netfilter" "$FUNCS" "$(funcs netfilter)"
NTABLES=$(owner -c "SELECT count(*) FROM pg_class WHERE relnamespace = 'netfilter'::regnamespace AND relkind IN ('r', 'p')")
expect_eq "setup-pgsql: every table and partition is netfilter_owner's; nothing of ours in public" "$NTABLES|0 0 0" "$(layout netfilter)"
expect_eq "netfilter_owner: no login, no attribute, no CREATE outside its schema" "f|f|f|f|f|f|f|f|t" \
  "$(owner -c "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, has_database_privilege('netfilter_owner', 'netfilter', 'CREATE'), has_schema_privilege('netfilter_owner', 'public', 'CREATE'), has_schema_privilege('netfilter_owner', 'netfilter', 'CREATE') FROM pg_roles WHERE rolname = 'netfilter_owner'")"

# an earlier version's store (everything in public, postgres's) with rows
# in it: setup-pgsql moves the rows into the schema and gives it all to
# netfilter_owner
owner -d postgres -c "CREATE DATABASE oldstore" > /dev/null
owner -d oldstore -c "CREATE EXTENSION btree_gist" > /dev/null
cat "$TOP/contrib/sql/conntrack.sql" "$TOP/contrib/sql/nat.sql" | sed 's/netfilter\./public./g' |
	runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PGPORT" -d oldstore > /dev/null 2>&1 ||
	notok "an earlier version's store made"
OLDREC='C 1764471600000 1764471601000 udp s 10.9.0.1:1 198.51.100.9:2 203.0.113.9:3 7'
OLDEV='{"@timestamp":"2025-11-30T03:00:00Z","event":{"action":"conntrack-new","start":"2025-11-30T03:00:00Z"},"netfilter":{"ct":{"id":9},"family":2},"network":{"transport":"udp"},"source":{"ip":"10.9.0.1","port":1},"destination":{"ip":"203.0.113.9","port":3}}'
owner -d oldstore -c "SELECT public.nat_record('h2', '$OLDREC')" -c "SELECT public.conntrack_event('$OLDEV')" > /dev/null
# (the same password: the role is the cluster's, and rsyslogd uses it below)
RSYSLOG_PGSQL_PASSWORD=$PW "$TOP/contrib/sql/setup-pgsql" -p "$PGPORT" -d oldstore -f "$W/pgpass-old" > /dev/null 2>&1 ||
	notok "setup-pgsql over an earlier version's store"
expect_eq "an earlier version's store: its rows moved into the schema" "h2 10.9.0.1 1 | 9 udp 1" \
  "$(owner -d oldstore -c "SELECT host, host(inside_ip), inside_port FROM netfilter.nat_mapping" | tr '|' ' ') | $(owner -d oldstore -c "SELECT ct_id, proto, sport FROM netfilter.conntrack" | tr '|' ' ')"
expect_eq "an earlier version's store: the functions are netfilter_owner's" "$FUNCS" "$(funcs oldstore)"
expect_eq "an earlier version's store: every table netfilter_owner's; nothing of ours left in public" "$NTABLES|0 0 0" "$(layout oldstore)"

# CVE-2018-1058's class: a public.to_timestamp(numeric) of another role
# (where CREATE on public was granted, as an upgraded database has it) must
# not run inside nat_record(), which runs with the owner's rights
owner -c "CREATE ROLE rnf_other" -c "GRANT CREATE ON SCHEMA public TO rnf_other" > /dev/null
owner -c "SET ROLE rnf_other" -c "CREATE FUNCTION public.to_timestamp(numeric) RETURNS timestamptz LANGUAGE plpgsql AS \$\$ BEGIN RAISE EXCEPTION 'hijacked'; END \$\$" > /dev/null
as_rsyslog -c "SELECT nat_record('h1', 'C 1764471600000 1764471601000 udp s 10.9.0.1:1 198.51.100.9:2 203.0.113.9:3 7')" > /dev/null 2>&1
expect_eq "a public function of another role does not run in the owner's functions" "0 1" \
  "$(owner -c "SELECT count(*) FROM nat_rejected WHERE error LIKE '%hijacked%'") $(owner -c "SELECT count(*) FROM nat_mapping WHERE host = 'h1'")"
expect_eq "setup-pgsql: CREATE on public revoked from PUBLIC" "f" \
  "$(owner -c "SELECT has_schema_privilege('rsyslog', 'public', 'CREATE')")"
owner -c "DROP FUNCTION public.to_timestamp(numeric)" -c "DELETE FROM nat_mapping WHERE host = 'h1'" \
  -c "REVOKE CREATE ON SCHEMA public FROM rnf_other" -c "DROP ROLE rnf_other" > /dev/null

mkdir -p "$W/rs.d"
install_snippet rsyslog.d/00-imnfct-module.conf "$W/rs.d/00.conf"
install_snippet rsyslog.d/50-imnfct.conf "$W/rs.d/50.conf" "${NSP}F"
# what 70-pgsql.conf says to add to the ruleset "nfct"
sed -i 's/^ruleset(name="nfct" queue.type="Direct") {$/&\n\tcall nfct-pgsql/' "$W/rs.d/50.conf"
install_snippet examples/70-pgsql.conf "$W/rs.d/70.conf"
sed -i "s|127.0.0.1:5432/|127.0.0.1:$PGPORT/|; s|passfile=/etc/rsyslog-netfilter/pgpass|passfile=$W/pgpass|" "$W/rs.d/70.conf"
rs_conf "include(file=\"$W/rs.d/*.conf\")"
rs_start

# wait_sql QUERY WANT: up to 20 s for the owner's QUERY to give WANT
wait_sql() {
	for _ in $(seq 100); do [ "$(owner -c "$1")" = "$2" ] && return 0; sleep 0.2; done
	return 1
}
ct() { nsx F conntrack "$@" > /dev/null 2>&1; }
ct -I -p udp -s 10.5.0.1 -d 10.5.0.9 --sport 4000 --dport 53 -t 60
ct -I -p tcp -s 10.5.0.2 -d 10.5.0.9 --sport 4001 --dport 443 --state ESTABLISHED -t 60 --src-nat 203.0.113.5
ct -I -p icmp -s 10.5.0.3 -d 10.5.0.9 --icmp-type 8 --icmp-code 0 --icmp-id 3 -t 30
wait_sql "SELECT count(*) FROM conntrack WHERE end_time IS NULL" 3
expect_eq "NEW: three open rows" "3 3" \
  "$(owner -c "SELECT count(*), count(*) FILTER (WHERE end_time IS NULL AND state = 'conntrack-new') FROM conntrack" | tr '|' ' ')"
ct -F
wait_sql "SELECT count(*) FROM conntrack WHERE end_time IS NOT NULL" 3
expect_eq "DESTROY completes the same rows: start_time + duration is end_time (the kernel start)" \
  "icmp|10.5.0.3|10.5.0.9|0|0|||conntrack-destroy|t|t
tcp|10.5.0.2|10.5.0.9|4001|443|203.0.113.5|4001|conntrack-destroy|t|t
udp|10.5.0.1|10.5.0.9|4000|53|||conntrack-destroy|t|t" \
  "$(owner -c "SELECT proto, host(src), host(dst), sport, dport, host(nat_src), nat_sport, state, end_time >= start_time, abs(extract(epoch FROM end_time - start_time) * 1000 - duration_ms) < 1 FROM conntrack ORDER BY proto")"
wait_lines "$W/log/netfilter/flows.json" 3
expect_eq "the same input feeds the NAT records and the flow file" "O C 10.5.0.2:4001 203.0.113.5:4001 3" \
  "$(grep -E '^[OC] ' "$W/log/netfilter/nat.log" | cut -d' ' -f1 | paste -sd' ') $(grep -m1 '^C ' "$W/log/netfilter/nat.log" | cut -d' ' -f6,7) $(wc -l < "$W/log/netfilter/flows.json")"

# The database goes away while 300 flows are made and destroyed, each right
# after the other: the queue keeps their 600 events in the kernel's order,
# and with one worker a DESTROY cannot overtake its NEW (which would leave a
# completed row plus an open one that is never closed).
pg_ctlcluster "$PGVER" "$CLUSTER" stop
for i in $(seq 300); do
	ct -I -p udp -s 10.6.0.1 -d 10.6.0.2 --sport $((10000 + i)) --dport 7000 -t 60
	ct -D -p udp -s 10.6.0.1 -d 10.6.0.2 --sport $((10000 + i)) --dport 7000
done
pg_ctlcluster "$PGVER" "$CLUSTER" start
for _ in $(seq 5); do
	wait_sql "SELECT count(*) FROM conntrack WHERE dport = 7000 AND end_time IS NOT NULL" 300 && break
done
expect_eq "database away, then back: 300 flows, 300 complete rows, none open" "300|300|0|300" \
  "$(owner -c "SELECT count(*), count(DISTINCT sport), count(*) FILTER (WHERE end_time IS NULL),
	count(*) FILTER (WHERE state = 'conntrack-destroy') FROM conntrack WHERE dport = 7000")"

# a poison event: the table refuses it (a constraint added for the test)
owner -c "ALTER TABLE conntrack ADD CONSTRAINT poison_test CHECK (dport <> 6666)"
ct -I -p udp -s 10.7.0.1 -d 10.7.0.2 --sport 5000 --dport 6001 -t 60
ct -I -p udp -s 10.7.0.1 -d 10.7.0.2 --sport 5000 --dport 6666 -t 60
ct -I -p udp -s 10.7.0.1 -d 10.7.0.2 --sport 5000 --dport 6002 -t 60
ct -D -p udp -s 10.7.0.1 -d 10.7.0.2
wait_sql "SELECT count(*) FROM conntrack WHERE dport IN (6001, 6002) AND end_time IS NOT NULL" 2
expect_eq "poison: the events after it arrive" "6001|conntrack-destroy
6002|conntrack-destroy" "$(owner -c "SELECT dport, state FROM conntrack WHERE src = '10.7.0.1' ORDER BY dport")"
expect_eq "poison: kept in conntrack_rejected with the reason" \
  "23514|poison_test|conntrack-new|6666
23514|poison_test|conntrack-destroy|6666" \
  "$(owner -c "SELECT sqlstate, substring(error from 'constraint \"(\w+)\"'), event::jsonb #>> '{event,action}',
	event::jsonb #>> '{destination,port}' FROM conntrack_rejected ORDER BY logged")"
rs_stop
expect_eq "one imnfct input for all three pipelines" 1 "$(grep -o '"name": "imnfct([^"]*"' "$W/stats" | sort -u | wc -l)"

# the monthly command of 70-pgsql.conf: partitions and default rows older
# than 12 months go, the rest stays
owner -c "CREATE TABLE conntrack_2000_01 PARTITION OF conntrack FOR VALUES FROM ('2000-01-01') TO ('2000-02-01')"
owner -c "INSERT INTO conntrack (start_time, ct_id, family, proto, src, dst, state) VALUES
	('2000-01-15', 1, 2, 'udp', '10.0.0.1', '10.0.0.2', 'conntrack-new'),
	('1999-06-01', 2, 2, 'udp', '10.0.0.1', '10.0.0.2', 'conntrack-new')"
before=$(owner -c "SELECT count(*) FROM conntrack WHERE start_time > '2001-01-01'")
cmd=$(sed -n "s/^#   runuser -u postgres -- psql -d netfilter -c '\(.*\)'$/\1/p" "$TOP/contrib/examples/70-pgsql.conf")
expect_eq "partition command: drops what is older than 12 months" "dropped conntrack_2000_01" "$(owner -c "$cmd")"
months=$(owner -c "SELECT string_agg(to_char(date_trunc('month', now()) + make_interval(months => i), '\"conntrack_\"YYYY_MM'), ' ') FROM generate_series(0, 2) i")
expect_eq "partition command: keeps this month, the next two and the recent rows" "$months conntrack_default|$before|0" \
  "$(owner -c "SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
	WHERE i.inhparent = 'conntrack'::regclass" | tr '\n' ' ' | sed 's/ $//')|$(owner -c "SELECT count(*) FROM conntrack WHERE start_time > '2001-01-01'")|$(owner -c "SELECT count(*) FROM conntrack WHERE start_time < '2001-01-01'")"
