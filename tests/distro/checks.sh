# SPDX-License-Identifier: Apache-2.0
# The checks of one release's root, sourced by t_distro.sh.

# The package in a clean root of its release, installed as README says
install_deb() {
	local root=$1 deb=$2
	cp "$deb" "$root/tmp/"
	in_root "$root" apt-get -q -o APT::Sandbox::User=root install -y "./tmp/$(basename "$deb")" \
		> "$W/install-$(cat "$root/.release").log" 2>&1
}

# rs_root ROOT NS CONF: ROOT's rsyslogd in namespace NS on CONF (a path
# in ROOT), internal messages in ROOT/var/log/internal; waits for its start
rs_root() {
	rm -f "$1/var/log/internal"
	ip netns exec "$NSP$2" unshare -m --propagation private sh -c '
		mount -t proc proc "$1/proc" && exec chroot "$1" /usr/sbin/rsyslogd -n -f "$2" -i /run/rsyslogd-test.pid' \
		sh "$1" "$3" > "$W/rs.stdout" 2>&1 &
	RS_PIDS="$! $RS_PIDS"
	RS_PID=$!
	for _ in $(seq 300); do
		grep -q "\] start$" "$1/var/log/internal" 2> /dev/null && return 0
		kill -0 "$RS_PID" 2> /dev/null || break
		sleep 0.1
	done
	notok "$(cat "$1/.release"): rsyslogd started"
	cat "$W/rs.stdout" "$1/var/log/internal" 2> /dev/null | sed 's/^/#  /'
	return 1
}

# conf ROOT FILE BODY: a test configuration in ROOT: internal messages,
# one per line, to /var/log/internal, and the work directory that Debian's
# rsyslog.conf sets (the NAT stream's state); then BODY
conf() {
	cat > "$1$2" <<CONF
global(processInternalMessages="on" workDirectory="/var/spool/rsyslog")
main_queue(queue.timeoutshutdown="10000")
template(name="msgonly" type="string" string="%msg%\n")
if \$inputname != "imnflog" and \$inputname != "imnfct" then {
	action(type="omfile" file="/var/log/internal" template="msgonly")
	stop
}
$3
CONF
}

# internal ROOT: the internal messages, rsyslogd's pid masked in its start
# and exit lines
internal() {
	sed -E 's/x-pid="[0-9]+"/x-pid="PID"/' "$1/var/log/internal"
}

# the snippets the test enables, as README.Debian's first command copies them
SNIPPETS="00-imnflog-module.conf 10-imnflog-json.conf 00-imnfct-module.conf 50-imnfct.conf"
EXAMPLES=/usr/share/doc/rsyslog-netfilter/examples

# test_release REL DEB OTHER_DEB: DEB (built for REL) in a clean root of
# REL, its rsyslogd with the snippets, then the modules of OTHER_DEB
test_release() {
	local rel=$1 deb=$2 other=$3 root=$W/root-$1 rs
	new_root "$rel" "$root" > "$W/root-$rel.log" 2>&1 || { notok "$rel: clean root"; return; }
	if install_deb "$root" "$deb"; then ok "$rel: apt installs $(basename "$deb")"; else
		notok "$rel: apt installs $(basename "$deb")"
		tail -n 20 "$W/install-$rel.log" | sed 's/^/#  /'
		return
	fi
	rs=$(in_root "$root" rsyslogd -v | sed -n '1s/^rsyslogd *\([0-9.]*\) .*/\1/p')
	expect_eq "$rel: package built for its rsyslog" "$rs" "$(release_of "$deb")"
	expect_eq "$rel: package depends on that release, any Debian revision" \
		"rsyslog (>= $rs), rsyslog (<< $rs.~)" \
		"$(dpkg-deb -f "$deb" Depends | sed 's/, /\n/g' | grep '^rsyslog ' | paste -sd, | sed 's/,/, /')"
	expect_eq "$rel: no maintainer scripts, so no daemon restarted" "conffiles control md5sums" \
		"$(dpkg-deb --ctrl-tarfile "$deb" | tar -t | sed -n 's|^\./\(.\)|\1|p' | sort | paste -sd' ')"
	expect_eq "$rel: modules in rsyslog's module directory" "imnfct.so imnflog.so" \
		"$(cd "$root/$MODS_IN_DEB" && echo imnf*.so)"
	expect_eq "$rel: nothing enabled on installation" "" "$(ls "$root/etc/rsyslog.d")"
	enable_snippets "$root" "$rs"
	logrotate_idle "$root" "$rel"
	smoke "$root" "$rel" "$rs"
	in_root "$root" logrotate -f /etc/logrotate.d/rsyslog-netfilter > "$W/logrotate-$rel.log" 2>&1
	expect_eq "$rel: logrotate entry rotates what the snippets wrote" \
		"flows.json.1 nat.log-$(date -u +%Y%m%d) packets.json.1" \
		"$(ls "$root/var/log/netfilter" | paste -sd' ')"
	guard "$root" "$rel" "$other" "$rs"
	other_package_refused "$root" "$rel" "$other"
}

# The logrotate entry, even forced, does nothing while no snippet has
# written a file (and rsyslog is not told to reopen any)
logrotate_idle() {
	local root=$1 rel=$2 rc
	in_root "$root" logrotate -f -v /etc/logrotate.d/rsyslog-netfilter > "$W/logrotate-idle-$rel.log" 2>&1
	rc=$?
	expect_eq "$rel: logrotate entry idle while no snippet has written" \
		"0 not running postrotate script, since no logs were rotated" \
		"$rc $(grep -x 'not running postrotate script, since no logs were rotated' "$W/logrotate-idle-$rel.log" | sort -u)"
}

# README.Debian's commands: copy the snippets, check the configuration
# (the third, restarting rsyslog, is the test's own rsyslogd)
enable_snippets() {
	local root=$1 rs=$2
	in_root "$root" sh -c "cd $EXAMPLES/rsyslog.d && cp $SNIPPETS /etc/rsyslog.d/"
	expect_eq "$(cat "$root/.release"): rsyslogd -N1 with the snippets" \
		"rsyslogd: version $rs, config validation run (level 1), master config /etc/rsyslog.conf
rsyslogd: End of config validation run. Bye." \
		"$(in_root "$root" rsyslogd -N1 2>&1)"
}

# smoke ROOT REL: ROOT's rsyslogd with the enabled snippets in namespace
# B (of a veth pair A-B): one SYN accepted and one UDP datagram dropped,
# each logged to its NFLOG group, then a UDP flow whose DESTROY imnfct
# reports. The NFLOG packets are not tracked: the flow is the only one.
smoke() {
	local root=$1 rel=$2 rs=$3 a=A$2 b=B$2
	two_hosts "$a" "$b"
	nsx "$b" nft -f - <<'NFT'
table inet t {
	chain raw {
		type filter hook prerouting priority raw;
		tcp dport 22 notrack
		udp dport 53 notrack
	}
	chain in {
		type filter hook input priority 0;
		tcp dport 22 log group 1 accept
		udp dport 53 log group 2 drop
	}
	chain track {
		type filter hook prerouting priority 0;
		ct state new counter
	}
}
NFT
	conf "$root" /etc/rsyslog-smoke.conf 'include(file="/etc/rsyslog.d/*.conf")'
	rs_root "$root" "$b" /etc/rsyslog-smoke.conf || return
	nsx "$b" /usr/bin/python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('10.200.0.2', 5000))
s.recv(100); s.recv(100)" &
	local sink=$!
	sleep 0.5
	scapy "$a" "
e = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2', id=4660, ttl=64, tos=0xb8, flags='DF')/TCP(sport=40000, dport=22,
	seq=1000, flags='S', window=64240, options=[('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1, 0)), ('NOP', None),
	('WScale', 7)]), iface='a0')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2', id=2, flags=0)/UDP(sport=5000, dport=53)/b'abcd', iface='a0')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2')/UDP(sport=4000, dport=5000)/b'abcd', iface='a0')
sendp(e/IP(src='10.200.0.1', dst='10.200.0.2')/UDP(sport=4000, dport=5000)/b'abcdefgh', iface='a0')
"
	wait "$sink"
	nsx "$b" conntrack -D -p udp --orig-port-dst 5000 > /dev/null 2>&1
	wait_lines "$root/var/log/netfilter/packets.json" 2
	wait_lines "$root/var/log/netfilter/flows.json" 1
	rs_stop
	# imnfct's buffer: 1 KiB per entry of nf_conntrack_max, at least 64 MiB,
	# which the kernel doubles; the start-up dump's line may come before
	# or after rsyslogd's start line (another thread)
	local ctbuf=$(($(cat /proc/sys/net/netfilter/nf_conntrack_max) * 1024))
	[ "$ctbuf" -lt $((64 << 20)) ] && ctbuf=$((64 << 20))
	[ "$ctbuf" -gt $((1 << 30)) ] && ctbuf=$((1 << 30))
	expect_eq "$rel: rsyslogd's own lines with the snippets" \
		"$(sort <<EOF
imnfct: listening to conntrack events, socket receive buffer $((2 * ctbuf)) bytes [v$rs try https://www.rsyslog.com/e/0 ]
imnfct: start-up dump: 0 existing flows [v$rs try https://www.rsyslog.com/e/0 ]
imnflog: listening on NFLOG group 1, socket receive buffer 16777216 bytes [v$rs try https://www.rsyslog.com/e/0 ]
imnflog: listening on NFLOG group 2, socket receive buffer 16777216 bytes [v$rs try https://www.rsyslog.com/e/0 ]
$(start_exit "$rs")
EOF
)" "$(internal "$root" | sort)"
	smoke_checks "$root/var/log/netfilter" "$rel" "$(ifindex "$b" b0)"
}

# smoke_checks DIR REL IFINDEX: the lines the snippets wrote to DIR, with
# the fields tests/integration/t_ipv4.sh and t_nfct_flows.sh check
smoke_checks() {
	local dir=$1 rel=$2 ifb=$3 mac by_group=$W/packets-$2.json
	mac='"mac":{"header":"02:00:00:00:00:0b:02:00:00:00:00:0a:08:00"}},'
	expect_eq "$rel: 10-imnflog-json: one line per packet" 2 "$(wc -l < "$dir/packets.json")"
	# groups 1 and 2 are two sockets, each with its own kernel batch: the
	# order of their lines is not defined, so compare them in group order
	python3 -c 'import json, sys
lines = open(sys.argv[1]).readlines()
sys.stdout.writelines(sorted(lines, key=lambda l: json.loads(l)["netfilter"]["group"]))' \
		"$dir/packets.json" > "$by_group"
	expect_json "$rel: 10-imnflog-json: SYN accepted, group 1" "$by_group" 1 \
		'{"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection","allowed"],"module":"netfilter","dataset":"netfilter.nflog","action":"accept"},"netfilter":{"caplen":60,"mark":0,"hook":"input","seq":{"local":0},"family":2,"hw_protocol":2048,"hw_type":1,"group":1,"ip":{"tos":184,"ttl":64,"len":60,"ihl":5,"checksum":4670,"id":4660,"frag":16384,"flags":["DF"]},"tcp":{"seq":1000,"ack":0,"window":64240,"doff":10,"reserved":0,"urgp":0,"checksum":38717,"flags":["SYN"],"options":{"mss":1460,"wscale":7,"sack_permitted":true,"tsval":1,"tsecr":0}},'"$mac"'"network":{"packets":1,"type":"ipv4","iana_number":"6","transport":"tcp","bytes":60},"observer":{"ingress":{"interface":{"id":"'"$ifb"'","name":"b0"}}},"source":{"port":40000,"ip":"10.200.0.1","mac":"02-00-00-00-00-0A"},"destination":{"port":22,"ip":"10.200.0.2","mac":"02-00-00-00-00-0B"}}'
	expect_json "$rel: 10-imnflog-json: UDP dropped, group 2" "$by_group" 2 \
		'{"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection","denied"],"module":"netfilter","dataset":"netfilter.nflog","action":"drop"},"netfilter":{"caplen":32,"mark":0,"hook":"input","seq":{"local":0},"family":2,"hw_protocol":2048,"hw_type":1,"group":2,"ip":{"tos":0,"ttl":64,"len":32,"ihl":5,"checksum":25913,"id":2,"frag":0},"udp":{"len":12,"checksum":4544},'"$mac"'"network":{"packets":1,"type":"ipv4","iana_number":"17","transport":"udp","bytes":32},"observer":{"ingress":{"interface":{"id":"'"$ifb"'","name":"b0"}}},"source":{"port":5000,"ip":"10.200.0.1","mac":"02-00-00-00-00-0A"},"destination":{"port":53,"ip":"10.200.0.2","mac":"02-00-00-00-00-0B"}}'
	expect_eq "$rel: 50-imnfct: flows.json: one line, the flow's DESTROY" 1 "$(wc -l < "$dir/flows.json")"
	if out=$(python3 "$TOP/tests/distro/ctcmp.py" "$dir/flows.json" 1 \
		'{"ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":["connection","end"],"action":"conntrack-destroy","module":"netfilter","dataset":"netfilter.conntrack"},"network":{"iana_number":"17","transport":"udp","type":"ipv4","bytes":68,"packets":2},"source":{"port":4000,"bytes":68,"packets":2,"ip":"10.200.0.1"},"destination":{"port":5000,"bytes":0,"packets":0,"ip":"10.200.0.2"},"netfilter":{"ct":{"reply":{"source":{"port":5000,"ip":"10.200.0.2"},"destination":{"port":4000,"ip":"10.200.0.1"}},"mark":0,"status":["CONFIRMED","DYING"]},"family":2}}' 2>&1); then
		ok "$rel: 50-imnfct: flows.json: UDP flow of 2 datagrams, 68 bytes, destroyed"
	else
		notok "$rel: 50-imnfct: flows.json: UDP flow of 2 datagrams, 68 bytes, destroyed"
		echo "$out" | sed 's/^/#  /'
	fi
}

# guard ROOT REL OTHER_DEB RS: the modules of OTHER_DEB (built for the
# other rsyslog release), loaded by path with an input each into ROOT's
# rsyslogd (release RS): each refused with the guard's error, or by the
# dynamic linker when it needs a newer glibc than REL has; rsyslogd runs
# on without them, no input started.
guard() {
	local root=$1 rel=$2 other=$3 rs=$4 b=B$2 nflog sockets
	dpkg-deb -x "$other" "$W/other-$rel"
	mkdir -p "$root/opt/other"
	cp "$W/other-$rel/$MODS_IN_DEB"/imnf*.so "$root/opt/other/"
	conf "$root" /etc/rsyslog-guard.conf '
module(load="/opt/other/imnflog.so")
module(load="/opt/other/imnfct.so")
input(type="imnflog" group="7")
input(type="imnfct")'
	rs_root "$root" "$b" /etc/rsyslog-guard.conf || return
	nflog=$(nsx "$b" cat /proc/net/netfilter/nfnetlink_log)
	sockets=$(netfilter_sockets "$b" "$RS_PID")
	rs_stop
	expect_eq "$rel: modules built for rsyslog $(release_of "$other") refused, rsyslogd runs on" \
		"$(refusals "$root" "$(release_of "$other")" "$rs")
input module name 'imnflog' is unknown [v$rs try https://www.rsyslog.com/e/2209 ]
error during parsing file /etc/rsyslog-guard.conf, on or before line 11: parameter 'group' not known -- typo in config file? [v$rs try https://www.rsyslog.com/e/2207 ]
input module name 'imnfct' is unknown [v$rs try https://www.rsyslog.com/e/2209 ]
$(start_exit "$rs")" "$(internal "$root")"
	expect_eq "$rel: no NFLOG group bound" "" "$nflog"
	expect_eq "$rel: no netfilter netlink socket in rsyslogd" "0" "$sockets"
}

# refusals ROOT BUILT RS: what loading /opt/other/imnf*.so makes rsyslogd
# RS log: the guard's error, or the dynamic linker's when the module needs
# a glibc newer than ROOT's (then none of the module's code runs)
refusals() {
	local root=$1 built=$2 rs=$3 m need glibc
	glibc=$(in_root "$root" getconf GNU_LIBC_VERSION | sed 's/^glibc /GLIBC_/')
	for m in imnflog imnfct; do
		need=$(objdump -T "$root/opt/other/$m.so" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n1)
		if [ "$(printf '%s\n' "$need" "$glibc" | sort -V | tail -n1)" != "$glibc" ]; then
			echo "could not load module '/opt/other/$m.so', errors: trying to load module /opt/other/$m.so: /lib/$MULTIARCH/libc.so.6: version \`$need' not found (required by /opt/other/$m.so) [v$rs try https://www.rsyslog.com/e/2066 ]"
		else
			echo "$m: built for rsyslog $built, but this rsyslogd is $rs: module not loaded, its inputs do not start. Install the rsyslog-netfilter package built for rsyslog $rs, or rebuild the module against it (scripts/build-deb) [v$rs]"
			echo "could not load module '/opt/other/$m.so', rsyslog error -2068  [v$rs try https://www.rsyslog.com/e/2068 ]"
		fi
	done
}

# start_exit RS: rsyslogd's own lines of a run ended by SIGTERM (pid masked)
start_exit() {
	echo "[origin software=\"rsyslogd\" swVersion=\"$1\" x-pid=\"PID\" x-info=\"https://www.rsyslog.com\"] start"
	echo "[origin software=\"rsyslogd\" swVersion=\"$1\" x-pid=\"PID\" x-info=\"https://www.rsyslog.com\"] exiting on signal 15."
}

# netfilter_sockets NS PID: how many NETLINK_NETFILTER sockets PID holds
netfilter_sockets() {
	local inodes
	inodes=$(ls -l "/proc/$2/fd" | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | paste -sd' ')
	nsx "$1" awk -v inodes=" $inodes " '$2 == 12 && index(inodes, " " $10 " ") { n++ } END { print n + 0 }' \
		/proc/net/netlink
}

# other_package_refused ROOT REL OTHER_DEB: apt will not install the
# package built for the other release next to this rsyslog. apt 3
# (trixie) writes "<<" as "<".
other_package_refused() {
	local root=$1 rel=$2 other=$3 built installed clause rc
	built=$(release_of "$other")
	installed=$(in_root "$root" dpkg-query -W -f '${Version}' rsyslog)
	case $rel in
	bookworm) clause="(>= $built)" ;;
	trixie) clause="(< $built.~)" ;;
	esac
	cp "$other" "$root/tmp/"
	in_root "$root" apt-get -o APT::Sandbox::User=root install -s "./tmp/$(basename "$other")" > "$W/refused-$rel.log" 2>&1
	rc=$?
	expect_eq "$rel: apt refuses the package built for rsyslog $built" \
		"100  rsyslog-netfilter : Depends: rsyslog $clause but $installed is to be installed" \
		"$rc $(grep -x " rsyslog-netfilter : Depends: rsyslog .*" "$W/refused-$rel.log")"
}
