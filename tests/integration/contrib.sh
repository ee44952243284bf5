# SPDX-License-Identifier: Apache-2.0
# Helpers for the tests of contrib/, sourced after lib.sh: the shipped files
# are copied as a user would install them, with only their placeholders
# filled and their paths and namespaces pointed at the test's own.

# need PKG...: each Debian package installed, else one "not ok" naming it
need() {
	local p
	for p; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			{ notok "needs package $p"; exit 1; }
	done
}

# install SRC DST [NETNS]: SRC (relative to contrib/) as DST, its files
# under /var/log moved to $W/log, its imnflog/imnfct inputs put in NETNS
install_snippet() {
	sed -e "s|/var/log/|$W/log/|g" \
	    ${3:+-e "s|input(type=\"imnflog\" |input(type=\"imnflog\" netns=\"$3\" |"} \
	    ${3:+-e "s|input(type=\"imnfct\" |input(type=\"imnfct\" netns=\"$3\" |"} \
	    "$TOP/contrib/$1" > "$2"
}

# fill FILE PLACEHOLDER VALUE: `FILL-IN PLACEHOLDER` becomes "VALUE"
fill() {
	python3 - "$@" <<'PY'
import sys
path, what, value = sys.argv[1:4]
text = open(path).read()
mark = "`FILL-IN %s`" % what
if mark not in text:
    sys.exit("no placeholder %s in %s" % (mark, path))
open(path, "w").write(text.replace(mark, '"%s"' % value))
PY
}

# free_port: a TCP port nothing listens on at the moment
free_port() {
	python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
}

# stat_of NAME COUNTER: the last value impstats wrote for object NAME
stat_of() {
	python3 - "$W/stats" "$1" "$2" <<'PY'
import json, sys
v = None
for line in open(sys.argv[1]):
    o = json.loads(line[line.index("{"):])
    if o.get("name") == sys.argv[2] and sys.argv[3] in o:
        v = o[sys.argv[3]]
print(v)
PY
}

# send_numbered FROM TO PROGRESS [RATE [PORT]]: from namespace A of
# two_hosts, TCP SYNs to B's port PORT (9) with the numbers FROM..TO-1 as
# sequence, RATE (5,000) a second; the file PROGRESS holds the next number
# to send
send_numbered() {
	nsx A /usr/bin/python3 - "$1" "$2" "$3" "${4:-5000}" "${5:-9}" <<'PY'
import os, socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("a0", 0))
eth = bytes.fromhex("02000000000b02000000000a0800")
ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 1, 0, 64, 6, 0,
                           socket.inet_aton("10.200.0.1"), socket.inet_aton("10.200.0.2")))
c = sum(struct.unpack("!10H", ip))
c = (c & 0xffff) + (c >> 16)
ip[10:12] = struct.pack("!H", ~c & 0xffff)
start = time.monotonic()
first, last = int(sys.argv[1]), int(sys.argv[2])
progress = os.open(sys.argv[3], os.O_WRONLY | os.O_CREAT, 0o644)
rate, port = int(sys.argv[4]), int(sys.argv[5])
step = max(1, rate // 10)
for n in range(first, last):
    s.send(eth + ip + struct.pack("!HHIIBBHHH", 40000, port, n, 0, 0x50, 0x02, 1024, 0, 0))
    if (n - first) % step == step - 1:
        os.pwrite(progress, b"%-12d\n" % (n + 1), 0)
        time.sleep(max(0, start + (n - first + 1) / rate - time.monotonic()))
os.pwrite(progress, b"%-12d\n" % last, 0)
PY
}

# es_pki: $W/pki/ca.pem, a CA, and es.pem with es.key, a certificate it
# signed for 127.0.0.1, where es_contract.py listens
es_pki() {
	mkdir -p "$W/pki"
	openssl req -x509 -new -newkey rsa:2048 -nodes -subj "/CN=test CA" -days 2 \
		-keyout "$W/pki/ca.key" -out "$W/pki/ca.pem" 2> /dev/null
	openssl req -new -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$W/pki/es.key" \
		-out "$W/pki/es.csr" 2> /dev/null
	openssl x509 -req -in "$W/pki/es.csr" -CA "$W/pki/ca.pem" -CAkey "$W/pki/ca.key" -CAcreateserial \
		-days 2 -extfile <(echo "subjectAltName=IP:127.0.0.1") -out "$W/pki/es.pem" 2> /dev/null
}

# sender_totals INPUT QUEUE: over every rsyslogd instance that wrote $W/stats
# (counters restart with the process), "submitted kernel.drops seq.gaps
# discarded instances spilled": the packets input INPUT (the start of its
# impstats name) submitted in all, its largest kernel.drops and seq.gaps,
# the most discarded.full of ruleset queue QUEUE (memory or disk), the
# instances, and the most messages QUEUE's disk part took
sender_totals() {
	python3 - "$W/stats" "$1" "$2" <<'PY'
import json, sys
inputs, run, spilled, discarded = [], None, 0, 0
for line in open(sys.argv[1]):
    o = json.loads(line[line.index("{"):])
    name = o.get("name", "")
    if name.startswith(sys.argv[2]):
        if run is None or o["received"] < run["received"]:
            inputs.append(o)
        inputs[-1] = run = o
    if name == sys.argv[3] + "[DA]":
        spilled = max(spilled, o["enqueued"])
    if name.startswith(sys.argv[3]):
        discarded = max(discarded, o["discarded.full"])
print(sum(i["submitted"] for i in inputs), max(i["kernel.drops"] for i in inputs),
      max(i["seq.gaps"] for i in inputs), discarded, len(inputs), spilled)
PY
}
