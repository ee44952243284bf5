-- SPDX-License-Identifier: Apache-2.0
-- The conntrack history that contrib/examples/70-pgsql.conf fills, run by
-- contrib/sql/setup-pgsql as the role netfilter_owner, in its schema
-- netfilter. One row per connection: NEW inserts it, DESTROY completes the
-- open row of the same conntrack id and tuple, as ulogd2's
-- INSERT_OR_REPLACE_CT does.
--
-- rsyslog may only call conntrack_event(): the function runs with the
-- rights of netfilter_owner, a role that owns this schema and nothing
-- else, so the rsyslog role holds no right on any table.
--
-- Partitioned by month of start_time. Once a month, as postgres:
--   SELECT netfilter.conntrack_partitions(12);
-- creates the partitions of this month and the next two, and drops those
-- (and the rows of the default partition) older than 12 months.

SET client_min_messages = warning;

CREATE TABLE IF NOT EXISTS netfilter.conntrack (
	id bigserial,
	-- when the flow started; for a DESTROY whose NEW and start are
	-- unknown, when it ended (the partition key cannot be empty)
	start_time timestamptz NOT NULL,
	ct_id bigint NOT NULL,
	family smallint NOT NULL,
	proto text NOT NULL,
	src inet NOT NULL,
	dst inet NOT NULL,
	sport integer NOT NULL DEFAULT 0,
	dport integer NOT NULL DEFAULT 0,
	nat_src inet,
	nat_sport integer,
	nat_dst inet,
	nat_dport integer,
	end_time timestamptz,
	duration_ms bigint,
	orig_packets bigint,
	orig_bytes bigint,
	reply_packets bigint,
	reply_bytes bigint,
	state text NOT NULL,
	PRIMARY KEY (id, start_time)
) PARTITION BY RANGE (start_time);

-- rows of months without a partition land here, never lost
CREATE TABLE IF NOT EXISTS netfilter.conntrack_default PARTITION OF netfilter.conntrack DEFAULT;

-- the open row of a conntrack: DESTROY finds and completes it
CREATE INDEX IF NOT EXISTS conntrack_open ON netfilter.conntrack (ct_id, src, dst) WHERE end_time IS NULL;
-- "who was behind public address A, port P at time T"
CREATE INDEX IF NOT EXISTS conntrack_nat_src ON netfilter.conntrack (nat_src, nat_sport, start_time);

-- events the table refused (a constraint, a value out of range), with why:
-- the pipeline goes on, nothing is dropped unseen
CREATE TABLE IF NOT EXISTS netfilter.conntrack_rejected (
	logged timestamptz NOT NULL DEFAULT now(),
	sqlstate text NOT NULL,
	error text NOT NULL,
	event text NOT NULL
);

-- event: one imnfct message, $!all-json-plain of the ECS schema
CREATE OR REPLACE FUNCTION netfilter.conntrack_event(event text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	e jsonb;
	r netfilter.conntrack%ROWTYPE;
BEGIN
	e := event::jsonb;
	r.ct_id := e #>> '{netfilter,ct,id}';
	r.family := e #>> '{netfilter,family}';
	r.proto := e #>> '{network,transport}';
	r.src := e #>> '{source,ip}';
	r.dst := e #>> '{destination,ip}';
	r.sport := coalesce(e #>> '{source,port}', '0');
	r.dport := coalesce(e #>> '{destination,port}', '0');
	r.nat_src := e #>> '{source,nat,ip}';
	r.nat_sport := e #>> '{source,nat,port}';
	r.nat_dst := e #>> '{destination,nat,ip}';
	r.nat_dport := e #>> '{destination,nat,port}';
	r.start_time := coalesce(e #>> '{event,start}', e #>> '{event,end}', e ->> '@timestamp');
	r.end_time := e #>> '{event,end}';
	r.duration_ms := (e #>> '{event,duration}')::bigint / 1000000;
	r.orig_packets := e #>> '{source,packets}';
	r.orig_bytes := e #>> '{source,bytes}';
	r.reply_packets := e #>> '{destination,packets}';
	r.reply_bytes := e #>> '{destination,bytes}';
	r.state := e #>> '{event,action}';
	IF r.state = 'conntrack-destroy' THEN
		-- the DESTROY's start is the kernel's (nf_conntrack_timestamp=1),
		-- where the NEW's may be its receive time: start_time + duration
		-- is then end_time exactly
		UPDATE netfilter.conntrack c SET start_time = r.start_time, end_time = r.end_time,
			duration_ms = r.duration_ms,
			orig_packets = r.orig_packets, orig_bytes = r.orig_bytes,
			reply_packets = r.reply_packets, reply_bytes = r.reply_bytes, state = r.state
		WHERE c.end_time IS NULL AND c.ct_id = r.ct_id AND c.src = r.src AND c.dst = r.dst
			AND c.proto = r.proto AND c.sport = r.sport AND c.dport = r.dport;
		IF FOUND THEN
			RETURN;
		END IF;
	END IF;
	INSERT INTO netfilter.conntrack (start_time, ct_id, family, proto, src, dst, sport, dport,
		nat_src, nat_sport, nat_dst, nat_dport, end_time, duration_ms,
		orig_packets, orig_bytes, reply_packets, reply_bytes, state)
	VALUES (r.start_time, r.ct_id, r.family, r.proto, r.src, r.dst, r.sport, r.dport,
		r.nat_src, r.nat_sport, r.nat_dst, r.nat_dport, r.end_time, r.duration_ms,
		r.orig_packets, r.orig_bytes, r.reply_packets, r.reply_bytes, r.state);
EXCEPTION WHEN OTHERS THEN
	-- rsyslog 8.2302's ompgsql cannot report a failed statement: it
	-- reconnects and commits what follows, and the event would be gone
	INSERT INTO netfilter.conntrack_rejected (sqlstate, error, event) VALUES (SQLSTATE, SQLERRM, event);
END $$;

-- SECURITY DEFINER: the partitions are netfilter_owner's, whoever runs it
CREATE OR REPLACE FUNCTION netfilter.conntrack_partitions(keep_months integer) RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET TimeZone = 'UTC' AS $$
DECLARE
	this_month date := date_trunc('month', now());
	cutoff date := this_month - make_interval(months => keep_months);
	lo date;
	hi date;
	part text;
BEGIN
	FOR i IN 0..2 LOOP
		lo := this_month + make_interval(months => i);
		hi := lo + interval '1 month';
		part := 'conntrack_' || to_char(lo, 'YYYY_MM');
		CONTINUE WHEN to_regclass(format('netfilter.%I', part)) IS NOT NULL;
		-- rows already in the default partition move to their own
		EXECUTE format('CREATE TABLE netfilter.%I (LIKE netfilter.conntrack INCLUDING DEFAULTS)', part);
		EXECUTE format('WITH moved AS (DELETE FROM netfilter.conntrack_default WHERE start_time >= %L AND start_time < %L RETURNING *) '
			'INSERT INTO netfilter.%I SELECT * FROM moved', lo, hi, part);
		EXECUTE format('ALTER TABLE netfilter.conntrack ATTACH PARTITION netfilter.%I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
		RETURN NEXT 'created ' || part;
	END LOOP;
	FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'netfilter.conntrack'::regclass AND c.relname ~ '^conntrack_\d{4}_\d{2}$'
		ORDER BY c.relname
	LOOP
		IF to_date(substr(part, 11), 'YYYY_MM') + interval '1 month' <= cutoff THEN
			EXECUTE format('DROP TABLE netfilter.%I', part);
			RETURN NEXT 'dropped ' || part;
		END IF;
	END LOOP;
	DELETE FROM netfilter.conntrack_default WHERE start_time < cutoff;
	DELETE FROM netfilter.conntrack_rejected WHERE logged < cutoff;
END $$;

SELECT netfilter.conntrack_partitions(1200);

-- functions are callable by everyone unless revoked; setup-pgsql grants
-- conntrack_event() to the rsyslog role alone
REVOKE ALL ON FUNCTION netfilter.conntrack_event(text), netfilter.conntrack_partitions(integer) FROM PUBLIC;
