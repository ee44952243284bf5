# SPDX-License-Identifier: Apache-2.0
# Shared harness for integration tests: real rsyslogd, real kernel netfilter,
# real traffic in network namespaces this test creates and removes.
# Each check prints "ok - name" or "not ok - name"; scripts/check counts them.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SYSMODS=/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/rsyslog
# RNF_MODDIR: test the modules of another build (default: this tree's)
MODDIR="${RNF_MODDIR:-$TOP/.libs}:$SYSMODS"
W=$(mktemp -d /tmp/rnf-test.XXXXXX)
chmod 755 "$W"
TNAME=$(basename "$0" .sh)
NSP="rnf$$"
NS_LIST=""
RS_PIDS=""
FAILED=0
export TZ=UTC

ok() { echo "ok - $TNAME: $1"; }
notok() { echo "not ok - $TNAME: $1"; FAILED=1; }

cleanup() {
	for p in $RS_PIDS; do kill -TERM "$p" 2>/dev/null; done
	[ -n "${ON_EXIT:-}" ] && eval "$ON_EXIT"
	for ns in $NS_LIST; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	sleep 0.2
	if [ "$FAILED" = 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$W"; else echo "# kept $W"; fi
}
trap cleanup EXIT

require_root() {
	if [ "$(id -u)" != 0 ]; then echo "ok - $TNAME: skipped, needs root # SKIP"; exit 0; fi
}

# ns_add NAME: a namespace with lo up; its full name is $NSP$NAME.
ns_add() {
	ip netns add "$NSP$1" || exit 1
	NS_LIST="$NSP$1 $NS_LIST"
	ip -n "$NSP$1" link set lo up
	ip netns exec "$NSP$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

nsx() { local n=$1; shift; ip netns exec "$NSP$n" "$@"; }

# two_hosts A B: veth a0 (A, 10.200.0.1, fd00:200::1, 02:00:00:00:00:0a)
# to b0 (B, 10.200.0.2, fd00:200::2, 02:00:00:00:00:0b).
two_hosts() {
	ns_add "$1"; ns_add "$2"
	ip link add a0 netns "$NSP$1" address 02:00:00:00:00:0a type veth peer name b0 netns "$NSP$2" address 02:00:00:00:00:0b
	ip -n "$NSP$1" addr add 10.200.0.1/24 dev a0
	ip -n "$NSP$1" addr add fd00:200::1/64 dev a0 nodad
	ip -n "$NSP$2" addr add 10.200.0.2/24 dev b0
	ip -n "$NSP$2" addr add fd00:200::2/64 dev b0 nodad
	ip -n "$NSP$1" link set a0 up
	ip -n "$NSP$2" link set b0 up
	# static neighbours: no ARP/ND noise in the logs
	ip -n "$NSP$1" neigh replace 10.200.0.2 lladdr 02:00:00:00:00:0b dev a0
	ip -n "$NSP$1" neigh replace fd00:200::2 lladdr 02:00:00:00:00:0b dev a0
	ip -n "$NSP$2" neigh replace 10.200.0.1 lladdr 02:00:00:00:00:0a dev b0
	ip -n "$NSP$2" neigh replace fd00:200::1 lladdr 02:00:00:00:00:0a dev b0
}

ifindex() { ip -n "$NSP$1" -o link show "$2" | cut -d: -f1; }

# rs_conf BODY: config with our modules ($RS_MODS, default imnflog), impstats,
# the internal log and BODY. $RS_GLOBAL: more global() parameters.
rs_conf() {
	cat > "$W/rs.conf" <<CONF
global(processInternalMessages="on" workDirectory="$W" ${RS_GLOBAL-})
main_queue(queue.timeoutshutdown="10000")
module(load="impstats" interval="1" format="json" log.file="$W/stats" log.syslog="off")
$(for m in ${RS_MODS-imnflog}; do echo "module(load=\"$m\")"; done)
template(name="msgline" type="string" string="%msg%\n")
template(name="jsonline" type="list") { property(name="\$!all-json-plain") constant(value="\n") }
template(name="full" type="string" string="%syslogfacility-text%.%syslogseverity-text% %syslogtag% %timereported:::date-rfc3339%\n")
if \$inputname != "imnflog" and \$inputname != "imnfct" then { action(type="omfile" file="$W/internal") stop }
$1
CONF
}

# rs_start [WRAPPER...]: rsyslogd on $W/rs.conf, run through WRAPPER if given
# (valgrind, setpriv); waits for its start line.
rs_start() {
	rm -f "$W/internal" # wait for this instance's start line, not an earlier one
	"$@" rsyslogd -n -f "$W/rs.conf" -i "$W/pid" -M "$MODDIR" > "$W/rs.stdout" 2>&1 &
	RS_PIDS="$! $RS_PIDS"
	RS_PID=$!
	for _ in $(seq 300); do
		grep -q "\] start$" "$W/internal" 2>/dev/null && return 0
		kill -0 "$RS_PID" 2>/dev/null || break
		sleep 0.1
	done
	notok "rsyslogd started"; cat "$W/rs.stdout" "$W/internal" 2>/dev/null; exit 1
}

rs_stop() {
	kill -TERM "$RS_PID" 2>/dev/null
	for _ in $(seq 600); do kill -0 "$RS_PID" 2>/dev/null || return 0; sleep 0.1; done
	notok "rsyslogd stopped within 60 s"
}

# Wrappers for rs_start "${X[@]}": rsyslogd without CAP_NET_ADMIN; under valgrind, with
# rsyslog's debug log (for the input thread's termination) in $W/debug.log.
NO_NET_ADMIN=(setpriv --bounding-set=-net_admin --inh-caps=-net_admin)
UNDER_VALGRIND=(env "RSYSLOG_DEBUG=Debug NoStdOut" "RSYSLOG_DEBUGLOG=$W/debug.log" valgrind
	--leak-check=full --show-leak-kinds=definite,indirect --num-callers=30 "--log-file=$W/valgrind.log")

# Under valgrind, rsyslog waits up to 30 s (not its default 1 s) for an input
# thread to end on SIGTTIN before cancelling it: how long a thread takes under
# valgrind depends on the machine's load. Cooperation is what valgrind_checks
# checks; t_overload and t_nfct_dump check that a stop is prompt, without valgrind.
VALGRIND_GLOBAL='inputs.timeout.shutdown="30000"'

# After an rs_start "${UNDER_VALGRIND[@]}" run (with RS_GLOBAL=$VALGRIND_GLOBAL)
# has stopped: MODULE's thread ended cooperatively, nothing leaked, no memory error.
# Cooperatively: its runInput returned (rsyslog's thrdStarter logs that; a
# cancelled thread never returns) and rsyslog did not have to cancel it. A
# thread that sees rsyslog's input termination flag before its SIGTTIN comes
# ends before rsyslog asks it, and rsyslog then logs no termination request.
valgrind_checks() {
	local lines
	lines=$(grep -E "Terminating input threads|usrThrdMain $1 - |thread $1: initiating|for thread $1 " "$W/debug.log")
	awk -v m="$1" '/Terminating input threads/ { t = $1 + 0 }
	  $0 ~ "usrThrdMain " m " - " { printf "# %s input thread returned %.0f ms after rsyslogd began to stop its inputs\n", m, ($1 - t) * 1000 }' <<< "$lines"
	local got="returned $(grep -c "usrThrdMain $1 - .* returned with iRet 0" <<< "$lines"), cancelled $(grep -c "termination FAILED for thread $1 " <<< "$lines")"
	expect_eq "input thread ended cooperatively on SIGTERM" "returned 1, cancelled 0" "$got"
	[ "$got" = "returned 1, cancelled 0" ] || sed 's/^/# /' <<< "$lines"
	expect_eq "valgrind: nothing definitely or indirectly lost" \
	  "definitely lost: 0 bytes in 0 blocks indirectly lost: 0 bytes in 0 blocks" \
	  "$(grep -o -E '(definitely|indirectly) lost: [0-9,]+ bytes in [0-9,]+ blocks' "$W/valgrind.log" | paste -sd' ')"
	expect_eq "valgrind: no memory errors" "ERROR SUMMARY: 0 errors" \
	  "$(grep -o 'ERROR SUMMARY: [0-9]* errors' "$W/valgrind.log")"
}

# wait_lines FILE N: until FILE has N lines; gives up after 10 s without a
# new line (a slow machine that keeps writing is waited for), or 300 s.
wait_lines() {
	local n last=-1 still=0
	for _ in $(seq 3000); do
		n=$(cat "$1" 2>/dev/null | wc -l)
		[ "$n" -ge "$2" ] && return 0
		if [ "$n" = "$last" ]; then still=$((still + 1)); else still=0 last=$n; fi
		[ "$still" -ge 100 ] && return 1
		sleep 0.1
	done
	return 1
}

# stats_rounds: how many times impstats has written $W/stats (rs_conf's)
stats_rounds() {
	local n
	n=$(grep -c '"name": "resource-usage"' "$W/stats" 2> /dev/null)
	echo "${n:-0}"
}

# quiesce [FILE...]: until impstats has written $W/stats at least twice since
# the call and FILEs did not grow from one round to the next, so that what
# is read next holds everything counted and written by then (60 s at most).
quiesce() {
	local first seen rounds size last=-1
	first=$(stats_rounds) seen=$first
	for _ in $(seq 600); do
		sleep 0.1
		rounds=$(stats_rounds)
		[ "$rounds" != "$seen" ] || continue
		size=$(cat "$@" /dev/null 2> /dev/null | wc -c)
		[ "$size" = "$last" ] && [ "$rounds" -ge $((first + 2)) ] && return 0
		last=$size seen=$rounds
	done
	return 1
}

# wait_for SECONDS CMD...: until CMD succeeds, looking every 0.1 s
wait_for() {
	local n=$(($1 * 10))
	shift
	for _ in $(seq "$n"); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# nflog_bound NS GROUP: until NFLOG GROUP is bound in namespace NS (by ulogd,
# say; the kernel lists bound groups per namespace), 10 s at most.
nflog_bound() {
	wait_for 10 nsx "$1" awk -v g="$2" '$1 == g { f = 1 } END { exit !f }' /proc/net/netfilter/nfnetlink_log
}

# ct_listeners NS: how many netfilter netlink sockets (protocol 12) in
# namespace NS have joined a multicast group: conntrack event listeners.
ct_listeners() { nsx "$1" awk '$2 == 12 && $4 != "00000000"' /proc/net/netlink | wc -l; }

# ct_listening NS N: until NS has N conntrack event listeners, 10 s at most.
ct_at_least() { [ "$(ct_listeners "$1")" -ge "$2" ]; }
ct_listening() { wait_for 10 ct_at_least "$1" "$2"; }

# expect_eq NAME WANT GOT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		notok "$1"; printf '#  want: %s\n#  got:  %s\n' "$2" "$3"; fi
}

# expect_json NAME FILE LINE EXPECTED: line LINE (1-based) of FILE equals
# EXPECTED as JSON; @timestamp/timestamp/oob.time.* are checked separately.
expect_json() {
	if out=$(python3 "$TOP/tests/integration/jcmp.py" "$2" "$3" "$4" 2>&1); then ok "$1"; else
		notok "$1"; echo "$out" | sed 's/^/#  /'; fi
}

# the kernel's default scheduling of log batches can take up to 1 s
settle() { sleep "${1:-1.5}"; }

# scapy from the host's Python: Debian's python3-scapy
scapy() { local n=$1; shift; ip netns exec "$NSP$n" /usr/bin/python3 -c "
import logging; logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
from scapy.all import *
conf.verb = 0
$*"; }

# wait_read FILE MS: until FILE, a NAT record stream, has an R marker
# later than MS: every event before MS has its record there (60 s at most)
wait_read() {
	wait_for 60 awk -v t="$2" '$1 == "R" && $2 + 0 > t + 0 { f = 1 } END { exit !f }' "$1"
}
