# SPDX-License-Identifier: Apache-2.0
"""Compare one conntrack JSON line (ECS) with an expected object, exactly.

The volatile parts are checked, then removed: @timestamp, event.start and
event.end lie within 60 s of now and in order, event.duration is end - start,
netfilter.ct.id and .portid are positive, netfilter.ct.timeout is 1..30 s
(the UDP timeout of an unreplied flow, counting down).
"""
import datetime
import json
import sys

path, line, want = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
with open(path) as f:
    lines = f.read().splitlines()
if len(lines) < line:
    sys.exit(f"only {len(lines)} lines in {path}")
got = json.loads(lines[line - 1])
now = datetime.datetime.now(datetime.timezone.utc).timestamp()


def near_now(ts):
    t = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ")
    t = t.replace(tzinfo=datetime.timezone.utc).timestamp()
    if abs(t - now) > 60:
        sys.exit(f"{ts} is not near now")
    return t


stamp = near_now(got.pop("@timestamp"))
event, ct = got["event"], got["netfilter"]["ct"]
start, end = near_now(event.pop("start")), near_now(event.pop("end"))
duration = event.pop("duration")
if not start <= end <= stamp:
    sys.exit("start, end and @timestamp out of order")
if abs(duration / 1e9 - (end - start)) > 2e-6:
    sys.exit(f"duration {duration} ns is not end - start")
for key in ("id", "portid"):
    if not isinstance(ct.get(key), int) or ct.pop(key) <= 0:
        sys.exit(f"netfilter.ct.{key} is not a positive integer")
if not 1 <= ct.pop("timeout", 0) <= 30:
    sys.exit("netfilter.ct.timeout not within 1..30")
if got != want:
    print("want", json.dumps(want, sort_keys=True))
    print("got ", json.dumps(got, sort_keys=True))
    sys.exit(1)
