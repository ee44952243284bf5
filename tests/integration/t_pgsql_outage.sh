#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A database outage with a restart of rsyslogd in it, on the shipped
# 50-imnfct.conf calling contrib/examples/70-pgsql.conf: PostgreSQL is
# stopped, 30,000 flows are made and deleted (60,000 events, NEW and
# DESTROY), so the ruleset queue fills its memory part (8,000) and goes to
# disk; rsyslogd is stopped and started again while the database is still
# away; then PostgreSQL comes back. Every flow is one completed row; a row
# more for a flow is an event delivered twice (rsyslog's queues deliver at
# least once), reported as the duplicates.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/contrib.sh"
. "$(dirname "$0")/natlab.sh"
require_root
need postgresql-common rsyslog-pgsql
RS_MODS=
FLOWS=${FLOWS:-30000}
ns_add F
nsx F nft add table ip t # conntrack active in the namespace
cc -O2 -o "$W/ctinsert" "$TOP/tests/tools/ctinsert.c" -lmnl -lnetfilter_conntrack ||
	{ notok "build ctinsert"; exit 1; }
pg_store "${NSP}F" examples/70-pgsql.conf nfct nfct-pgsql
rs_conf "include(file=\"$W/rs.d/*.conf\")"
rs_start

pg_ctlcluster "$PGVER" "$CLUSTER" stop -m fast
expect_eq "flows made and deleted while the database is away" "$FLOWS" \
	"$(nsx F "$W/ctinsert" "$FLOWS" 5000)"
# the queue's files: its memory part is full, the rest went to disk
wait_for 60 sh -c "ls $W/nfct-pgsql.0* > /dev/null 2>&1"
expect_eq "the queue went to disk" yes "$(ls "$W"/nfct-pgsql.0* > /dev/null 2>&1 && echo yes)"
rs_stop
expect_eq "stopped during the outage: the queue saved to disk" yes \
	"$(ls "$W"/nfct-pgsql.qi > /dev/null 2>&1 && echo yes)"
queued_bytes=$(cat "$W"/nfct-pgsql.[0-9]* 2> /dev/null | wc -c)
echo "# on disk at the restart: $queued_bytes bytes for $((2 * FLOWS)) queued events, $((queued_bytes / (2 * FLOWS))) bytes each"
rs_start
pg_ctlcluster "$PGVER" "$CLUSTER" start

# done: every flow has a completed row, and the row count is still
wait_rows() {
	local last=-1 cur
	for _ in $(seq 300); do
		cur=$(owner -c "SELECT count(*) FROM conntrack")
		[ "$cur" = "$last" ] && [ "$(owner -c "SELECT count(DISTINCT (host(src), sport)) FILTER (WHERE end_time IS NOT NULL) FROM conntrack")" -ge "$FLOWS" ] && return 0
		last=$cur
		echo "$(date +%s) $cur" >> "$W/rows.log"
		sleep 1
	done
}
wait_rows
echo "# flows stored a second (NEW, then DESTROY) while the backlog drained: $(awk 'NR == 1 {t = $1; n = $2} {if ($2 > m) {m = $2; e = $1}} END {if (e > t) printf "%.0f", (m - n) / (e - t)}' "$W/rows.log")"
read -r ROWS DISTINCT DONE OPEN REJECTED <<< "$(owner -c "SELECT count(*), count(DISTINCT (host(src), sport)), count(DISTINCT (host(src), sport)) FILTER (WHERE end_time IS NOT NULL), count(*) FILTER (WHERE end_time IS NULL), (SELECT count(*) FROM conntrack_rejected) FROM conntrack" | tr '|' ' ')"
echo "# $FLOWS flows, $((2 * FLOWS)) events: $ROWS rows, $DISTINCT flows, $DONE completed, $OPEN open, $((ROWS - DISTINCT)) duplicates, $REJECTED rejected"
expect_eq "every flow is in the table, completed by its DESTROY; none rejected" \
	"$FLOWS $FLOWS 0" "$DISTINCT $DONE $REJECTED"
expect_eq "no event discarded by a full queue" 0 \
	"$(grep -h '"name": *"nfct-pgsql' "$W/stats" | grep -o '"discarded.full": *[0-9]*' | grep -o '[0-9]*$' | sort -n | tail -1)"
rs_stop
exit $FAILED
