-- SPDX-License-Identifier: Apache-2.0
-- The NAT mapping store: imnfct's NAT records (nat.ruleset, one line each,
-- doc/nat-accountability.md) turned into one row per mapping with its
-- validity as a tstzrange, for contrib/nat/nat-who --pg. Run by
-- contrib/sql/setup-pgsql as the role netfilter_owner, in its schema
-- netfilter; rsyslog may only call nat_record(), which runs with the
-- rights of netfilter_owner (this schema's, nothing else).
--
-- Open mappings (NEW seen, DESTROY not yet) live in nat_open, a small
-- table with a unique key, so that a DESTROY finds its row by index. A
-- DESTROY moves the row to nat_mapping, partitioned by day of its first
-- evidence. Every record type is idempotent: a repeated line changes
-- nothing. Gaps in the records (overruns, restarts) and completed table
-- dumps are kept in nat_gap and nat_sync: nat-who needs them to tell
-- "nobody" from "unknown".
--
-- Retention, daily, as postgres (contrib/sql/nat-retention):
--   SELECT netfilter.nat_retention(180);
-- creates the partitions of today and the next two days, and drops whole
-- partitions (and rows of the default one) older than 180 days.

SET client_min_messages = warning;

-- GiST over inet and integer columns next to the range (setup-pgsql
-- creates it as postgres, in public)
CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public;

CREATE TABLE IF NOT EXISTS netfilter.nat_open (
	host text NOT NULL,
	proto text NOT NULL,
	kind "char" NOT NULL, -- s: SNAT/masquerade, d: DNAT, b: both
	inside_ip inet NOT NULL,
	inside_port integer,
	outside_ip inet NOT NULL,
	outside_port integer,
	remote_ip inet NOT NULL,
	remote_port integer,
	ct_id bigint,
	zone integer NOT NULL,
	start_ms bigint,	     -- unknown (NULL) for a dump entry without timestamps
	start_exact boolean NOT NULL, -- the kernel's start; else a NEW's receive time
	first_ms bigint NOT NULL,    -- earliest evidence
	last_ms bigint NOT NULL,     -- latest evidence (seen alive in a dump)
	UNIQUE NULLS NOT DISTINCT (host, proto, inside_ip, inside_port, outside_ip, outside_port,
		remote_ip, remote_port, ct_id, zone)
);
-- ports and ids compared NULL-safe by value (coalesce with -1, never a real
-- port or id): IS NOT DISTINCT FROM cannot use an index
CREATE INDEX IF NOT EXISTS nat_open_outside ON netfilter.nat_open
	(outside_ip, (coalesce(outside_port, -1)), (coalesce(ct_id, -1)));

CREATE TABLE IF NOT EXISTS netfilter.nat_mapping (
	host text NOT NULL,
	proto text NOT NULL,
	kind "char" NOT NULL,
	inside_ip inet NOT NULL,
	inside_port integer,
	outside_ip inet NOT NULL,
	outside_port integer,
	remote_ip inet NOT NULL,
	remote_port integer,
	ct_id bigint,
	zone integer NOT NULL,
	start_ms bigint,
	start_exact boolean NOT NULL,
	first_ms bigint NOT NULL,
	last_ms bigint NOT NULL,
	end_ms bigint NOT NULL,
	first_at timestamptz NOT NULL, -- the partition key: first_ms as a time
	validity tstzrange NOT NULL    -- [first evidence, end]
) PARTITION BY RANGE (first_at);

-- rows of days without a partition land here, never lost
CREATE TABLE IF NOT EXISTS netfilter.nat_mapping_default PARTITION OF netfilter.nat_mapping DEFAULT;

-- "who was behind outside address A, port P at time T"
CREATE INDEX IF NOT EXISTS nat_mapping_who ON netfilter.nat_mapping
	USING gist (outside_ip, (coalesce(outside_port, -1)), validity);

CREATE TABLE IF NOT EXISTS netfilter.nat_gap (
	host text NOT NULL,
	from_ms bigint, -- NULL: since the first record
	to_ms bigint,
	why text NOT NULL
);
CREATE INDEX IF NOT EXISTS nat_gap_to ON netfilter.nat_gap (to_ms);
CREATE UNIQUE INDEX IF NOT EXISTS nat_gap_once ON netfilter.nat_gap (host, from_ms, to_ms, why) NULLS NOT DISTINCT;

CREATE TABLE IF NOT EXISTS netfilter.nat_sync (
	host text NOT NULL,
	from_ms bigint NOT NULL,
	to_ms bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS nat_sync_to ON netfilter.nat_sync (to_ms);
CREATE UNIQUE INDEX IF NOT EXISTS nat_sync_once ON netfilter.nat_sync (host, from_ms, to_ms);

-- an O record's start when it is a receive time: the flow began after
-- after_ms (the socket was seen empty then); added to stores of earlier
-- versions too
ALTER TABLE netfilter.nat_open ADD COLUMN IF NOT EXISTS after_ms bigint;
ALTER TABLE netfilter.nat_mapping ADD COLUMN IF NOT EXISTS after_ms bigint;

-- each stream's progress, its last R record: every event before read_ms
-- has its record here
CREATE TABLE IF NOT EXISTS netfilter.nat_read (
	host text PRIMARY KEY,
	read_ms bigint NOT NULL
);

-- each stream's place: records carry their number since the stream's B
-- (" seq=N"), so that a batch ompgsql sends again (after a reconnect) or a
-- file fed twice changes nothing, while a conntrack re-created with the
-- same id and tuple within the same ms is still a new life
CREATE TABLE IF NOT EXISTS netfilter.nat_stream (
	host text PRIMARY KEY,
	epoch_ms bigint NOT NULL, -- the start time of its last B
	seq bigint NOT NULL,      -- the number of the last record taken
	stale boolean NOT NULL    -- an earlier B came again: what follows is old
);

-- records the store refused, with why: nothing is dropped unseen
CREATE TABLE IF NOT EXISTS netfilter.nat_rejected (
	logged timestamptz NOT NULL DEFAULT now(),
	sqlstate text NOT NULL,
	error text NOT NULL,
	host text,
	record text NOT NULL
);

-- an endpoint as the records write it: 192.0.2.1:4500, [2001:db8::1]:4500, 192.0.2.1
-- plpgsql, not sql: a SQL function with OUT parameters is never inlined, and
-- called from plpgsql it is parsed and planned again on every call
CREATE OR REPLACE FUNCTION netfilter.nat_endpoint(ep text, OUT ip inet, OUT port integer)
LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF ep LIKE '[%' THEN
		ip := substring(ep FROM '^\[([^]]+)\]')::inet;
		port := substring(ep FROM '\]:([0-9]+)$')::integer;
	ELSIF ep ~ '^[0-9.]+:[0-9]+$' THEN
		ip := split_part(ep, ':', 1)::inet;
		port := split_part(ep, ':', 2)::integer;
	ELSE
		ip := ep::inet;
	END IF;
END $$;

-- not STRICT, so that the planner inlines it (NULL gives NULL all the same).
-- nat_ms and nat_at have no SET search_path, which would stop the inlining;
-- inlined, they are parsed with the calling SECURITY DEFINER function's
-- path (pg_catalog, pg_temp), and the one call that a public function of
-- the same name could take over (to_timestamp(numeric), CVE-2018-1058's
-- class) is schema-qualified.
CREATE OR REPLACE FUNCTION netfilter.nat_ms(t text) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN t = '-' THEN NULL ELSE t::bigint END $$;

CREATE OR REPLACE FUNCTION netfilter.nat_at(ms bigint) RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT pg_catalog.to_timestamp(ms / 1000.0) $$;

-- One record from rsyslog: host is %hostname% (a central collector keeps
-- many routers apart), rec is %msg%.
CREATE OR REPLACE FUNCTION netfilter.nat_record(host text, rec text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	f text[] := regexp_split_to_array(rec, ' ');
	t text := f[1];
	a bigint := netfilter.nat_ms(f[2]);
	b bigint := netfilter.nat_ms(f[3]);
	o netfilter.nat_open%ROWTYPE;
	was netfilter.nat_open%ROWTYPE;
	ins record;
	outs record;
	rem record;
	lag constant bigint := 2000;   -- a NEW's receive time trails the kernel's start
	race constant bigint := 60000; -- a dump entry read after its DESTROY
	-- a mapping's row is in the partition of its first evidence, which is
	-- near its start: bounds on first_at let the lookups below skip the
	-- other partitions (with 400 daily ones, each lookup would probe all)
	since timestamptz := CASE WHEN a IS NULL THEN '-infinity' ELSE netfilter.nat_at(a - race) END;
	n bigint := substring(rec FROM ' seq=([0-9]{1,18})$')::bigint;
	st netfilter.nat_stream%ROWTYPE;
BEGIN
	-- a numbered record is taken once, in stream order
	IF n IS NOT NULL AND t = 'B' THEN
		SELECT * INTO st FROM netfilter.nat_stream s WHERE s.host = nat_record.host FOR UPDATE;
		IF FOUND AND b <= st.epoch_ms THEN
			UPDATE netfilter.nat_stream s SET stale = b < st.epoch_ms WHERE s.host = nat_record.host;
			RETURN;
		END IF;
		INSERT INTO netfilter.nat_stream VALUES (host, b, 0, false)
		ON CONFLICT ON CONSTRAINT nat_stream_pkey
		DO UPDATE SET epoch_ms = excluded.epoch_ms, seq = 0, stale = false;
	ELSIF n IS NOT NULL THEN
		UPDATE netfilter.nat_stream s SET seq = n
			WHERE s.host = nat_record.host AND NOT s.stale AND n > s.seq;
		IF NOT FOUND THEN
			PERFORM 1 FROM netfilter.nat_stream s WHERE s.host = nat_record.host;
			IF FOUND THEN
				RETURN; -- taken already, or of an earlier start
			END IF;
			-- the store began in the middle of a stream
			INSERT INTO netfilter.nat_stream VALUES (host, -1, n, false);
		END IF;
	END IF;
	IF t = 'B' THEN
		-- the stop before, if it was clean, ends here
		UPDATE netfilter.nat_gap g SET to_ms = b WHERE g.host = nat_record.host AND g.to_ms IS NULL
			AND g.why = 'stopped' AND g.from_ms <= b;
		INSERT INTO netfilter.nat_gap VALUES (host, a, b, 'restart') ON CONFLICT DO NOTHING;
		RETURN;
	ELSIF t = 'G' THEN
		INSERT INTO netfilter.nat_gap VALUES (host, a, b, 'overrun ' || coalesce(f[4], ''))
			ON CONFLICT DO NOTHING;
		RETURN;
	ELSIF t = 'S' THEN
		INSERT INTO netfilter.nat_sync VALUES (host, a, b) ON CONFLICT DO NOTHING;
		RETURN;
	ELSIF t = 'R' THEN
		INSERT INTO netfilter.nat_read AS r VALUES (host, a)
		ON CONFLICT ON CONSTRAINT nat_read_pkey
		DO UPDATE SET read_ms = greatest(r.read_ms, excluded.read_ms);
		RETURN;
	ELSIF t = 'E' THEN
		-- nothing is recorded until the next start (unless that start is
		-- already here: the line is a repeat)
		PERFORM 1 FROM netfilter.nat_gap g WHERE g.host = nat_record.host AND g.why = 'restart'
			AND g.to_ms > a;
		IF NOT FOUND THEN
			INSERT INTO netfilter.nat_gap VALUES (host, a, NULL, 'stopped') ON CONFLICT DO NOTHING;
		END IF;
		RETURN;
	ELSIF t NOT IN ('O', 'A', 'C') OR array_length(f, 1) < 9 THEN
		RAISE EXCEPTION 'not a NAT record';
	END IF;
	ins := netfilter.nat_endpoint(f[6]);
	outs := netfilter.nat_endpoint(f[7]);
	rem := netfilter.nat_endpoint(f[8]);
	o.host := host;
	o.proto := f[4];
	o.kind := f[5];
	o.inside_ip := ins.ip;
	o.inside_port := ins.port;
	o.outside_ip := outs.ip;
	o.outside_port := outs.port;
	o.remote_ip := rem.ip;
	o.remote_port := rem.port;
	o.ct_id := netfilter.nat_ms(f[9]);
	o.zone := coalesce(substring(f[10] FROM '^zone=([0-9]+)$')::integer, 0);
	IF t = 'O' AND n IS NULL THEN
		-- (records without numbers, of an earlier imnfct) a repeat of a
		-- mapping closed since
		PERFORM 1 FROM netfilter.nat_mapping m
			WHERE m.outside_ip = o.outside_ip
			AND coalesce(m.outside_port, -1) = coalesce(o.outside_port, -1)
			AND m.validity && tstzrange(netfilter.nat_at(a - lag), netfilter.nat_at(a + lag), '[]')
			AND m.first_at >= since AND m.first_at <= netfilter.nat_at(a + lag)
			AND m.host = o.host AND m.proto = o.proto AND m.inside_ip = o.inside_ip
			AND m.inside_port IS NOT DISTINCT FROM o.inside_port AND m.remote_ip = o.remote_ip
			AND m.remote_port IS NOT DISTINCT FROM o.remote_port
			AND m.ct_id IS NOT DISTINCT FROM o.ct_id AND m.zone = o.zone
			AND (m.start_ms IS NULL OR abs(m.start_ms - a) <= lag);
		IF FOUND THEN
			RETURN;
		END IF;
	END IF;
	IF t = 'O' THEN
		-- in stream order an O after its conntrack's C is a new life
		o.start_ms := a;
		-- the kernel's time of the NEW, or a receive time after after_ms
		o.start_exact := rec ~ ' ts=kernel( |$)';
		o.after_ms := substring(rec FROM ' after=([0-9]{1,16})( |$)')::bigint;
		o.first_ms := a;
		o.last_ms := a;
		INSERT INTO netfilter.nat_open VALUES (o.*) ON CONFLICT DO NOTHING;
	ELSIF t = 'A' THEN
		-- a dump entry read after the DESTROY of the same conntrack
		PERFORM 1 FROM netfilter.nat_mapping m
			WHERE m.outside_ip = o.outside_ip
			AND coalesce(m.outside_port, -1) = coalesce(o.outside_port, -1)
			AND m.validity && tstzrange(netfilter.nat_at(b - race), netfilter.nat_at(b), '[]')
			AND m.first_at >= since AND m.first_at <= netfilter.nat_at(b)
			AND m.host = o.host AND m.proto = o.proto AND m.inside_ip = o.inside_ip
			AND m.inside_port IS NOT DISTINCT FROM o.inside_port AND m.remote_ip = o.remote_ip
			AND m.remote_port IS NOT DISTINCT FROM o.remote_port
			AND m.ct_id IS NOT DISTINCT FROM o.ct_id AND m.zone = o.zone
			AND (a IS NULL OR m.start_ms IS NULL OR abs(m.start_ms - a) <= lag);
		IF FOUND THEN
			RETURN;
		END IF;
		o.start_ms := a;
		o.start_exact := a IS NOT NULL;
		o.first_ms := coalesce(a, b);
		o.last_ms := b;
		INSERT INTO netfilter.nat_open AS n VALUES (o.*)
		ON CONFLICT (host, proto, inside_ip, inside_port, outside_ip, outside_port, remote_ip,
			remote_port, ct_id, zone) DO UPDATE SET
			last_ms = greatest(n.last_ms, excluded.last_ms),
			start_ms = CASE WHEN excluded.start_exact AND NOT n.start_exact
				THEN excluded.start_ms ELSE n.start_ms END,
			first_ms = least(n.first_ms, excluded.first_ms),
			start_exact = n.start_exact OR excluded.start_exact;
	ELSE -- C
		DELETE FROM netfilter.nat_open n
			WHERE n.host = o.host AND n.proto = o.proto AND n.inside_ip = o.inside_ip
			AND n.inside_port IS NOT DISTINCT FROM o.inside_port AND n.outside_ip = o.outside_ip
			AND coalesce(n.outside_port, -1) = coalesce(o.outside_port, -1)
			AND n.remote_ip = o.remote_ip
			AND n.remote_port IS NOT DISTINCT FROM o.remote_port
			AND coalesce(n.ct_id, -1) = coalesce(o.ct_id, -1) AND n.zone = o.zone
			RETURNING n.* INTO was;
		IF FOUND THEN
			o := was;
			IF a IS NOT NULL THEN
				o.start_ms := a;
				o.start_exact := true;
				o.first_ms := least(o.first_ms, a);
			END IF;
		ELSE
			-- no NEW recorded; a repeated DESTROY (of an earlier imnfct,
			-- without numbers) changes nothing
			PERFORM 1 FROM netfilter.nat_mapping m
				WHERE m.outside_ip = o.outside_ip
				AND coalesce(m.outside_port, -1) = coalesce(o.outside_port, -1)
				AND m.validity @> netfilter.nat_at(b) AND m.end_ms = b AND m.host = o.host
				AND m.first_at >= since AND m.first_at <= netfilter.nat_at(b)
				AND m.inside_ip = o.inside_ip AND m.inside_port IS NOT DISTINCT FROM o.inside_port
				AND m.remote_ip = o.remote_ip
				AND m.remote_port IS NOT DISTINCT FROM o.remote_port
				AND m.ct_id IS NOT DISTINCT FROM o.ct_id AND n IS NULL;
			IF FOUND THEN
				RETURN;
			END IF;
			o.start_ms := a;
			o.start_exact := a IS NOT NULL;
			o.first_ms := coalesce(a, b);
		END IF;
		INSERT INTO netfilter.nat_mapping VALUES (o.host, o.proto, o.kind, o.inside_ip, o.inside_port,
			o.outside_ip, o.outside_port, o.remote_ip, o.remote_port, o.ct_id, o.zone,
			o.start_ms, o.start_exact, o.first_ms, greatest(o.last_ms, b), b,
			netfilter.nat_at(o.first_ms), tstzrange(netfilter.nat_at(o.first_ms), netfilter.nat_at(greatest(b, o.first_ms)), '[]'),
			o.after_ms);
	END IF;
EXCEPTION WHEN OTHERS THEN
	-- ompgsql cannot report a failed statement: keep the line and why
	INSERT INTO netfilter.nat_rejected (sqlstate, error, host, record) VALUES (SQLSTATE, SQLERRM, host, rec);
END $$;

-- The mappings nat-who weighs for outside ip:port around t (ms): closed
-- ones whose validity comes within margin of t, and every open one.
-- (its columns grew: an earlier version's function goes first)
DROP FUNCTION IF EXISTS netfilter.nat_lookup(inet, integer, bigint, bigint);
CREATE FUNCTION netfilter.nat_lookup(ip inet, port integer, t bigint, margin bigint)
RETURNS TABLE (host text, proto text, kind "char", inside_ip inet, inside_port integer,
	outside_ip inet, outside_port integer, remote_ip inet, remote_port integer, ct_id bigint,
	zone integer, start_ms bigint, start_exact boolean, first_ms bigint, last_ms bigint,
	end_ms bigint, after_ms bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
	SELECT host, proto, kind, inside_ip, inside_port, outside_ip, outside_port, remote_ip,
	       remote_port, ct_id, zone, start_ms, start_exact, first_ms, last_ms, end_ms, after_ms
	  FROM netfilter.nat_mapping
	 WHERE outside_ip = ip AND coalesce(outside_port, -1) = coalesce(port, -1)
	   AND validity && tstzrange(netfilter.nat_at(t - margin), netfilter.nat_at(t + margin), '[]')
	   AND first_at <= netfilter.nat_at(t + margin)
	UNION ALL
	SELECT host, proto, kind, inside_ip, inside_port, outside_ip, outside_port, remote_ip,
	       remote_port, ct_id, zone, start_ms, start_exact, first_ms, last_ms, NULL, after_ms
	  FROM netfilter.nat_open
	 WHERE outside_ip = ip AND coalesce(outside_port, -1) = coalesce(port, -1)
	   AND first_ms <= t + margin
$$;

-- Daily partitions: today and the next two days exist; whole days older
-- than keep_days go, as do gaps, dumps and refused records that old.
-- SECURITY DEFINER: the partitions are netfilter_owner's, whoever runs it
CREATE OR REPLACE FUNCTION netfilter.nat_retention(keep_days integer) RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET TimeZone = 'UTC' AS $$
DECLARE
	today date := now()::date;
	cutoff date := today - keep_days;
	lo date;
	part text;
BEGIN
	FOR i IN 0..2 LOOP
		lo := today + i;
		part := 'nat_mapping_' || to_char(lo, 'YYYY_MM_DD');
		CONTINUE WHEN to_regclass(format('netfilter.%I', part)) IS NOT NULL;
		EXECUTE format('CREATE TABLE netfilter.%I (LIKE netfilter.nat_mapping INCLUDING DEFAULTS)', part);
		-- rows already in the default partition move to their own
		EXECUTE format('WITH moved AS (DELETE FROM netfilter.nat_mapping_default WHERE first_at >= %L '
			'AND first_at < %L RETURNING *) INSERT INTO netfilter.%I SELECT * FROM moved',
			lo, lo + 1, part);
		EXECUTE format('ALTER TABLE netfilter.nat_mapping ATTACH PARTITION netfilter.%I FOR VALUES FROM (%L) TO (%L)',
			part, lo, lo + 1);
		RETURN NEXT 'created ' || part;
	END LOOP;
	FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'netfilter.nat_mapping'::regclass
		AND c.relname ~ '^nat_mapping_\d{4}_\d{2}_\d{2}$' ORDER BY c.relname
	LOOP
		IF to_date(substr(part, 13), 'YYYY_MM_DD') + 1 <= cutoff THEN
			EXECUTE format('DROP TABLE netfilter.%I', part);
			RETURN NEXT 'dropped ' || part;
		END IF;
	END LOOP;
	DELETE FROM netfilter.nat_mapping_default WHERE first_at < cutoff;
	DELETE FROM netfilter.nat_open WHERE last_ms < extract(epoch FROM cutoff::timestamptz) * 1000;
	DELETE FROM netfilter.nat_gap WHERE to_ms < extract(epoch FROM cutoff::timestamptz) * 1000;
	DELETE FROM netfilter.nat_sync WHERE to_ms < extract(epoch FROM cutoff::timestamptz) * 1000;
	DELETE FROM netfilter.nat_rejected WHERE logged < cutoff;
END $$;

-- nobody but the owner, until setup-pgsql grants nat_record() to rsyslog's
-- role; nat-who runs as postgres (or a role granted USAGE on the schema,
-- nat_lookup, and SELECT on nat_gap, nat_sync and nat_read)
REVOKE ALL ON FUNCTION netfilter.nat_record(text, text), netfilter.nat_lookup(inet, integer, bigint, bigint),
	netfilter.nat_retention(integer), netfilter.nat_endpoint(text), netfilter.nat_ms(text), netfilter.nat_at(bigint) FROM PUBLIC;
