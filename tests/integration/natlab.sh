# SPDX-License-Identifier: Apache-2.0
# The NAT laboratory of the NAT accountability tests, sourced after lib.sh
# and contrib.sh.

# natlab NET PORTS [DNAT]: eight inside hosts 192.168.NET.2-9 in namespace
# C, a router R that masquerades them to outside ports PORTS of
# 198.51.100.1 (plus the rule DNAT in its prerouting chain), and a server
# namespace S (198.51.100.9). The router's conntrack timeouts are 1 s, so
# that outside ports pass to other hosts within seconds. Sets INSIDE.
natlab() {
	local net=$1 ports=$2 dnat=${3-} a s
	ns_add C
	ns_add R
	ns_add S
	ip link add c0 netns "${NSP}C" type veth peer name r0 netns "${NSP}R"
	ip link add r1 netns "${NSP}R" type veth peer name s0 netns "${NSP}S"
	INSIDE=$(echo "192.168.$net."{2..9})
	for a in $INSIDE; do ip -n "${NSP}C" addr add "$a/24" dev c0; done
	ip -n "${NSP}R" addr add "192.168.$net.1/24" dev r0
	ip -n "${NSP}R" addr add 198.51.100.1/24 dev r1
	ip -n "${NSP}S" addr add 198.51.100.9/24 dev s0
	for a in "C c0" "R r0" "R r1" "S s0"; do set -- $a; ip -n "$NSP$1" link set "$2" up; done
	ip -n "${NSP}C" route add default via "192.168.$net.1"
	ip -n "${NSP}S" route add default via 198.51.100.1
	nsx R sysctl -qw net.ipv4.ip_forward=1
	for s in udp_timeout udp_timeout_stream tcp_timeout_time_wait tcp_timeout_close \
		tcp_timeout_fin_wait tcp_timeout_last_ack tcp_timeout_close_wait; do
		nsx R sysctl -qw "net.netfilter.nf_conntrack_$s=1"
	done
	nsx R nft -f - << NFT || notok "router rules"
table ip nat {
	chain pre {
		type nat hook prerouting priority dstnat;
		$dnat
	}
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "r1" meta l4proto { tcp, udp } masquerade to :$ports
	}
}
NFT
}

# pg_store NETNS EXAMPLE RULESET CALL: a PostgreSQL cluster of the test's
# own, set up with setup-pgsql, and the shipped 00-imnfct-module.conf,
# 50-imnfct.conf (its input in NETNS) and contrib/EXAMPLE under $W/rs.d,
# joined as the example says: `call CALL` in 50-imnfct.conf's ruleset
# RULESET. Sets PGPORT, PGVER, CLUSTER and ON_EXIT; owner runs psql as the
# database owner.
pg_store() {
	PGVER=$(ls /usr/lib/postgresql 2> /dev/null | sort -n | tail -n1)
	[ -n "$PGVER" ] || { notok "needs package postgresql"; exit 1; }
	PGPORT=$(free_port)
	CLUSTER=rnfpg$$
	pg_createcluster -p "$PGPORT" -d "$W/pgdata" "$PGVER" "$CLUSTER" > "$W/pgcreate.log" 2>&1 ||
		{ notok "pg_createcluster"; cat "$W/pgcreate.log"; exit 1; }
	ON_EXIT="pg_dropcluster --stop $PGVER $CLUSTER; rm -f /var/log/postgresql/postgresql-$PGVER-$CLUSTER.log"
	pg_ctlcluster "$PGVER" "$CLUSTER" start || { notok "cluster started"; exit 1; }
	"$TOP/contrib/sql/setup-pgsql" -p "$PGPORT" -f "$W/pgpass" > /dev/null
	[ -s "$W/pgpass" ] || { notok "setup-pgsql wrote the password file"; exit 1; }
	mkdir -p "$W/rs.d" "$W/log/netfilter"
	install_snippet rsyslog.d/00-imnfct-module.conf "$W/rs.d/00.conf"
	install_snippet rsyslog.d/50-imnfct.conf "$W/rs.d/50.conf" "$1"
	sed -i "s/^ruleset(name=\"$3\" queue.type=\"Direct\") {\$/&\n\tcall $4/" "$W/rs.d/50.conf"
	install_snippet "$2" "$W/rs.d/example.conf"
	sed -i "s|127.0.0.1:5432/|127.0.0.1:$PGPORT/|; s|passfile=/etc/rsyslog-netfilter/pgpass|passfile=$W/pgpass|" "$W/rs.d/example.conf"
}

# natlab_store: pg_store with 75-nat-pgsql.conf, the NAT records of
# namespace R
natlab_store() {
	pg_store "${NSP}R" examples/75-nat-pgsql.conf nfct-nat nat-pgsql
}
owner() { runuser -u postgres -- psql -X -q -At -p "$PGPORT" -d netfilter "$@"; }
