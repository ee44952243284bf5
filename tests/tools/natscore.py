#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Score nat-who's answers against what the traffic really was.

natscore.py NATWHO SERVERLOG OUTFILE [--live STOPFILE DELAY_MS] STORE...

For every flow the server logged (natflows.py serve: the outside address
and port it saw, the inside address in the payload), asks nat-who "who was
behind OUTSIDE at the server's receive time", towards the server's address
and port (--remote) and without it, from every STORE: "files:PATH[,PATH]"
or "pg:CONNINFO" (as the postgres user). An answer is correct (found, the
true inside host), ambiguous or unknown with the truth among the candidates
named (or none named), or wrong: another host, or "no mapping".

--live: ask while the traffic flows, each flow DELAY_MS after the server saw
it, until STOPFILE exists and every flow logged by then was asked.
Prints one line per store and mode, "STORE MODE correct ambiguous unknown
wrong", and the wrong answers as comments; OUTFILE gets every answer.
"""
import concurrent.futures
import json
import os
import subprocess
import sys
import time


def ask(natwho, store, outside, t, remote, proto):
    kind, where = store.split(":", 1)
    cmd = [natwho, outside, "%.3f" % (t / 1000), "--proto", proto, "--json"]
    if remote:
        cmd += ["--remote", remote]
    if kind == "pg":
        cmd = ["runuser", "-u", "postgres", "--"] + cmd + ["--pg", where]
    else:
        cmd += ["--files"] + where.split(",")
    p = subprocess.run(cmd, capture_output=True, text=True)
    if not p.stdout:
        return {"answer": "failed: " + p.stderr.strip(), "mappings": [], "possible": []}
    return json.loads(p.stdout)


def score(r, want):
    got = {m["inside"] for m in r["mappings"]}
    maybe = got | {m["inside"] for m in r.get("possible", [])}
    if r["answer"] == "found" and got == {want}:
        return "correct"
    if r["answer"] in ("ambiguous", "unknown") and (not maybe or want in maybe):
        return r["answer"]
    return "wrong"


def flows(path):
    out = []
    try:
        for line in open(path):
            f = line.split()
            if len(f) == 9:
                out.append((int(f[0]), f[1], f"{f[2]}:{f[3]}", f"{f[4]}:{f[5]}", f[8]))
    except FileNotFoundError:
        pass
    return out


def main():
    natwho, serverlog, outfile = sys.argv[1:4]
    rest = sys.argv[4:]
    live = None
    if rest and rest[0] == "--live":
        live = (rest[1], int(rest[2]))
        rest = rest[3:]
    stores = rest
    counts = {(s, m): dict(correct=0, ambiguous=0, unknown=0, wrong=0)
              for s in stores for m in ("remote", "no-remote")}
    wrong, done = [], 0
    out = open(outfile, "w")
    pool = concurrent.futures.ThreadPoolExecutor(3)

    def run(flow):
        t, proto, outside, local, want = flow
        res = []
        for s in stores:
            for mode in ("remote", "no-remote"):
                r = ask(natwho, s, outside, t, local if mode == "remote" else None, proto)
                res.append((s, mode, flow, r, score(r, want)))
        return res

    def take(results):
        for s, mode, flow, r, verdict in results:
            counts[(s, mode)][verdict] += 1
            out.write(f"{s} {mode} {' '.join(map(str, flow))} {r['answer']} {verdict}\n")
            if verdict == "wrong":
                wrong.append((s, mode, flow, r["answer"], sorted(m["inside"] for m in r["mappings"])))

    while True:
        all_flows = flows(serverlog)
        stopping = live is None or os.path.exists(live[0])
        now = int(time.time() * 1000)
        batch = []
        for f in all_flows[done:]:  # in the server's order, each once it is due
            if live is not None and not stopping and f[0] + live[1] > now:
                break
            batch.append(f)
        for results in pool.map(run, batch):
            take(results)
        done += len(batch)
        if stopping and done == len(flows(serverlog)):
            break
        if not batch:
            time.sleep(0.1)
    for (s, m), c in counts.items():
        print(f"{s.split(':')[0]} {m} {c['correct']} {c['ambiguous']} {c['unknown']} {c['wrong']}")
    for w in wrong[:8]:
        print("#  wrong:", w)


if __name__ == "__main__":
    main()
