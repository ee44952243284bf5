#!/bin/bash
# Mirror the conntrack table into a real PostgreSQL server started by this
# test, with the shipped contrib/rsyslog.d/70-imnfct-pgsql.conf and
# contrib/sql/conntrack.sql: NEW inserts a row, DESTROY completes it.
. "$(dirname "$0")/lib.sh"
require_root
RS_MODS=
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n1)
if [ -z "$PGBIN" ] || [ ! -f "$SYSMODS/ompgsql.so" ]; then
	echo "ok - t_nfct_pgsql: skipped, postgresql or rsyslog-pgsql missing # SKIP"; exit 0
fi
ns_add F
nsx F nft add table ip t
mkdir -p "$W/pg"
chown postgres "$W/pg"
pg() { su postgres -s /bin/sh -c "$*"; }
pg "$PGBIN/initdb -D $W/pg/data -A trust -U postgres" > "$W/pg/initdb.log" 2>&1 || { notok "initdb"; exit 1; }
pg "$PGBIN/pg_ctl -D $W/pg/data -w -l $W/pg/log -o \"-k $W/pg -c listen_addresses=''\" start" > /dev/null || { notok "postgres start"; exit 1; }
ON_EXIT="su postgres -s /bin/sh -c '$PGBIN/pg_ctl -D $W/pg/data -m fast stop' > /dev/null 2>&1"
psql() { command psql -h "$W/pg" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -c "CREATE DATABASE netfilter" postgres
psql -f "$TOP/contrib/sql/conntrack.sql" netfilter
sed -e "s|server=\"/var/run/postgresql\"|server=\"$W/pg\"|" -e "s|uid=\"rsyslog\"|uid=\"postgres\"|" \
    -e "s|input(type=\"imnfct\" |input(type=\"imnfct\" netns=\"${NSP}F\" |" \
    "$TOP/contrib/rsyslog.d/70-imnfct-pgsql.conf" > "$W/70.conf"
rs_conf "
module(load=\"imnfct\")
include(file=\"$W/70.conf\")
"
rs_start
nsx F conntrack -I -p udp -s 10.5.0.1 -d 10.5.0.9 --sport 4000 --dport 53 -t 60 2> /dev/null
nsx F conntrack -I -p tcp -s 10.5.0.2 -d 10.5.0.9 --sport 4001 --dport 443 --state ESTABLISHED -t 60 --src-nat 203.0.113.5 2> /dev/null
nsx F conntrack -I -p icmp -s 10.5.0.3 -d 10.5.0.9 --icmp-type 8 --icmp-code 0 --icmp-id 3 -t 30 2> /dev/null
sleep 1
expect_eq "NEW: three open rows" "3 3" "$(psql -At -c "SELECT count(*), count(*) FILTER (WHERE end_time IS NULL AND state = 'conntrack-new') FROM conntrack" netfilter | tr '|' ' ')"
nsx F conntrack -F 2> /dev/null
for _ in $(seq 50); do
	[ "$(psql -At -c "SELECT count(*) FROM conntrack WHERE end_time IS NOT NULL" netfilter)" = 3 ] && break
	sleep 0.2
done
rs_stop
expect_eq "DESTROY completes the same rows" \
  "icmp|10.5.0.3|10.5.0.9|0|0|||conntrack-destroy|t|t
tcp|10.5.0.2|10.5.0.9|4001|443|203.0.113.5|4001|conntrack-destroy|t|t
udp|10.5.0.1|10.5.0.9|4000|53|||conntrack-destroy|t|t" \
  "$(psql -At -c "SELECT proto, host(src), host(dst), sport, dport, host(nat_src), nat_sport, state, end_time >= start_time, duration_ms >= 0 FROM conntrack ORDER BY proto" netfilter)"
