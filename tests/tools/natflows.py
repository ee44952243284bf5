#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Traffic for the NAT accountability tests, with logs of what happened.

natflows.py serve LOG ADDRESS PROTO:PORT...
    Receives UDP datagrams and TCP connections on the given ports of
    ADDRESS, until SIGTERM. Logs one line per flow:
        RECV_MS PROTO PEER_IP PEER_PORT LOCAL_IP LOCAL_PORT PAYLOAD
    PAYLOAD is the first datagram or the first line of a connection.

natflows.py send LOG SECONDS RATE SERVER PROTO:PORT... [--twice] --from IP...
    Opens RATE flows a second for SECONDS, round robin over the inside
    addresses and the server ports: a UDP datagram, or a TCP connection
    carrying one line and closed. Each carries "flow ID INSIDE_IP:PORT".
    Logs one line per flow: SENT_MS ID PROTO INSIDE_IP INSIDE_PORT SERVER PORT
    --twice: every TCP flow is opened again at once from the same address
    and port (ID "Nb"), once the server has closed the first: the router's
    conntrack in TIME_WAIT is killed and made anew with the same tuple,
    and as a rule the same id (nf_conntrack_proto_tcp.c, "Attempt to
    reopen a closed/aborted connection").
"""
import errno
import selectors
import signal
import socket
import sys
import time


def now_ms():
    return int(time.time() * 1000)


def serve(log, addr, specs):
    out = open(log, "a", buffering=1)
    sel = selectors.DefaultSelector()
    for spec in specs:
        proto, port = spec.split(":")
        if proto == "udp":
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((addr, int(port)))
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((addr, int(port)))
            s.listen(128)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, proto)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    conns = {}
    while not stop:
        for key, _ in sel.select(0.2):
            s, what = key.fileobj, key.data
            if what == "udp":
                data, peer = s.recvfrom(2048)
                local = s.getsockname()
                out.write(f"{now_ms()} udp {peer[0]} {peer[1]} {local[0]} {local[1]} "
                          f"{data.decode(errors='replace').strip()}\n")
            elif what == "tcp":
                c, peer = s.accept()
                c.setblocking(False)
                conns[c] = (now_ms(), peer, b"")
                sel.register(c, selectors.EVENT_READ, "conn")
            else:
                t, peer, buf = conns[s]
                data = s.recv(2048)
                buf += data
                if data and b"\n" not in buf:
                    conns[s] = (t, peer, buf)
                    continue
                local = s.getsockname()
                line = buf.split(b"\n")[0].decode(errors="replace")
                out.write(f"{t} tcp {peer[0]} {peer[1]} {local[0]} {local[1]} {line}\n")
                sel.unregister(s)
                del conns[s]
                s.close()


def one_flow(out, fid, proto, src, lport, server, port):
    """one flow from src:lport (0: any port); returns the port used"""
    kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    for _ in range(100):  # the first socket of the port may still be in LAST_ACK
        try:
            s.bind((src, lport))
            break
        except OSError as e:
            if e.errno != errno.EADDRINUSE:
                raise
            time.sleep(0.001)
    lport = s.getsockname()[1]
    payload = f"flow {fid} {src}:{lport}\n".encode()
    sent = now_ms()
    try:
        if proto == "udp":
            s.sendto(payload, (server, port))
        else:
            s.settimeout(2)
            s.connect((server, port))
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
            s.recv(1)
    except OSError as e:
        out.write(f"# flow {fid} failed: {e}\n")
        s.close()
        return None
    s.close()
    out.write(f"{sent} {fid} {proto} {src} {lport} {server} {port}\n")
    return lport


def send(log, seconds, rate, server, specs, sources, twice=False):
    out = open(log, "a", buffering=1)
    start = time.monotonic()
    n = int(seconds * rate)
    for i in range(n):
        due = start + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        src = sources[i % len(sources)]
        proto, port = specs[(i // len(sources)) % len(specs)].split(":")
        lport = one_flow(out, i, proto, src, 0, server, int(port))
        if twice and proto == "tcp" and lport:
            one_flow(out, f"{i}b", proto, src, lport, server, int(port))


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) >= 7 and sys.argv[1] == "send" and "--from" in sys.argv:
        twice = "--twice" in sys.argv
        args = [a for a in sys.argv if a != "--twice"]
        i = args.index("--from")
        send(args[2], float(args[3]), float(args[4]), args[5], args[6:i], args[i + 1:], twice)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
