# SPDX-License-Identifier: Apache-2.0
"""Compare one JSON line with an expected object, exactly.

Timestamps are the one volatile part: they must be well-formed, agree with
each other (ulogd: oob.time.* vs timestamp) and lie within 60 s of now.
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

def check_time(ts, fmt):
    t = datetime.datetime.strptime(ts, fmt)
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    if abs(t.timestamp() - now) > 60:
        sys.exit(f"timestamp {ts} is not near now")
    return t.timestamp()

if "@timestamp" in got:
    check_time(got.pop("@timestamp"), "%Y-%m-%dT%H:%M:%S.%fZ")
if "timestamp" in got:
    t = check_time(got.pop("timestamp"), "%Y-%m-%dT%H:%M:%S.%f%z")
    sec, usec = got.pop("oob.time.sec"), got.pop("oob.time.usec")
    if abs(sec + usec / 1e6 - t) > 1e-6:
        sys.exit("timestamp and oob.time.* disagree")
if got != want:
    for k in sorted(set(got) | set(want)):
        if got.get(k) != want.get(k):
            print(f"{k}: want {json.dumps(want.get(k))} got {json.dumps(got.get(k))}")
    sys.exit(1)
