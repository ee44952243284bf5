-- The table contrib/rsyslog.d/70-imnfct-pgsql.conf fills: one row per
-- connection, inserted on NEW and completed on DESTROY (the open row of the
-- same conntrack id and tuple), as ulogd2's INSERT_OR_REPLACE_CT does.
CREATE TABLE IF NOT EXISTS conntrack (
	id bigserial PRIMARY KEY,
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
	start_time timestamptz,
	end_time timestamptz,
	duration_ms bigint,
	orig_packets bigint,
	orig_bytes bigint,
	reply_packets bigint,
	reply_bytes bigint,
	state text NOT NULL
);
-- the open row of a conntrack: DESTROY finds and completes it
CREATE INDEX IF NOT EXISTS conntrack_open
	ON conntrack (ct_id, src, dst) WHERE end_time IS NULL;
-- "who was behind public address A, port P at time T"
CREATE INDEX IF NOT EXISTS conntrack_nat_src ON conntrack (nat_src, nat_sport, start_time);
