# SPDX-License-Identifier: Apache-2.0
"""The Elasticsearch 8 side of the contract, on the wire: an HTTPS server on
127.0.0.1 that records what omelasticsearch and contrib/elasticsearch/setup
send and checks it against the rules of Elasticsearch 8 and the shipped
index template. Not Elasticsearch: it indexes nothing but a dict.

Checked on every request: the user and password. Bulk requests: NDJSON,
only "create" with no _type, into a name the template's index_patterns
match that is a valid data stream name, every document a JSON object with
@timestamp and every field mapped by the template with a type that accepts
its value. Setup requests: the body equals the shipped file.

Answers: 201 for a new _id, 409 for an _id already indexed (what
Elasticsearch answers to a create), 429 to the first try of every fifth
new _id, and once, after indexing a whole request, no answer at all (the
connection closes, as when a reply is lost). GET /_test/report gives the
findings; the test decides; GET /_test/summary the same without the
indexed documents.

With JOURNAL, the index outlives the process, as Elasticsearch's does: each
indexed document is appended to JOURNAL as one line {"_id", "index", "doc"},
and a new process loads what an earlier one indexed (so an _id indexed
before a restart is answered 409 after it).

usage: es_contract.py PORT CERT KEY USER PASSWORD CONTRIB_ELASTICSEARCH_DIR [JOURNAL]
"""
import base64
import datetime
import fnmatch
import hashlib
import http.server
import ipaddress
import json
import os
import re
import ssl
import sys
import threading

port, cert, key, user, password, contrib = sys.argv[1:7]
journal_path = sys.argv[7] if len(sys.argv) > 7 else None
template = json.load(open(os.path.join(contrib, "index-template.json")))
expected_puts = {
    "/_ilm/policy/netfilter-logs": json.load(open(os.path.join(contrib, "ilm-policy.json"))),
    "/_ingest/pipeline/netfilter-geoip": json.load(open(os.path.join(contrib, "ingest-pipeline.json"))),
    "/_index_template/netfilter": template,
    "/_security/role/netfilter-writer": json.load(open(os.path.join(contrib, "role.json"))),
}
auth = "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
lock = threading.Lock()
state = {"violations": [], "indexed": {}, "items": 0, "answered_429": 0, "answered_409": 0,
         "bulk_requests": 0, "dropped_replies": 0, "puts": {}, "seen": set()}
journal = None
if journal_path:
    if os.path.exists(journal_path):
        for line in open(journal_path):
            entry = json.loads(line)
            state["indexed"][entry["_id"]] = {"index": entry["index"], "doc": entry["doc"]}
            state["seen"].add(entry["_id"])
    journal = open(journal_path, "a")


def mapping_of(path):
    """The template's mapping of a dotted field path, or None."""
    node = {"properties": template["template"]["mappings"]["properties"]}
    for part in path:
        node = node.get("properties", {}).get(part)
        if node is None:
            return None
    return node


def accepts(ftype, value):
    if isinstance(value, list):
        return all(accepts(ftype, v) for v in value)
    if ftype in ("keyword", "match_only_text"):
        return isinstance(value, str)
    if ftype == "long":
        return isinstance(value, int) and not isinstance(value, bool) and -2**63 <= value < 2**63
    if ftype == "ip":
        try:
            ipaddress.ip_address(value)
            return True
        except (ValueError, TypeError):
            return False
    if ftype in ("date", "date_nanos"):
        # strict_date_optional_time: what Elasticsearch parses by default
        if not isinstance(value, str) or not re.fullmatch(
                r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})", value):
            return False
        try:
            datetime.datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", value).replace("Z", "+00:00"))
            return True
        except ValueError:
            return False
    if ftype == "boolean":
        return isinstance(value, bool)
    return False


def check_doc(doc, where, path=()):
    for k, v in doc.items():
        p = path + (k,)
        m = mapping_of(p)
        if m is None:
            state["violations"].append("%s: field %s is not in the template" % (where, ".".join(p)))
        elif isinstance(v, dict):
            if "properties" not in m:
                state["violations"].append("%s: %s is an object, mapped as %s" % (where, ".".join(p), m.get("type")))
            else:
                check_doc(v, where, p)
        elif "properties" in m or not accepts(m["type"], v):
            state["violations"].append("%s: %s = %r not accepted by %s" % (where, ".".join(p), v, m.get("type", "object")))


def valid_data_stream(name):
    # Elasticsearch's rules for index names, and logs-<dataset>-<namespace>
    return (name == name.lower() and not re.search(r'[\\/*?"<>| ,#:]', name)
            and len(name.encode()) <= 255 and re.fullmatch(r"logs-[^-]+-[^-]+", name) is not None)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body):
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def authorized(self):
        if self.headers.get("Authorization") == auth:
            return True
        with lock:
            state["violations"].append("%s %s without the user's credentials" % (self.command, self.path))
        self.reply(401, {"error": "unauthorized", "status": 401})
        return False

    def do_GET(self):
        if self.path in ("/_test/report", "/_test/summary"):
            with lock:
                report = {k: v for k, v in state.items() if k != "seen"}
                if self.path == "/_test/summary":
                    report["indexed"] = len(report["indexed"])
                self.reply(200, report)
            return
        if not self.authorized():
            return
        if self.path.startswith("/_cat/health"):
            self.reply(200, b"1700000000 00:00:00 contract green 1 1 0 0 0 0 0 0 - 100.0%\n")
        else:
            self.reply(404, {"status": 404})

    def do_PUT(self):
        body = self.body()
        if not self.authorized():
            return
        with lock:
            want = expected_puts.get(self.path)
            if self.path == "/_security/user/rsyslog-netfilter":
                ok = json.loads(body) == {"password": password, "roles": ["netfilter-writer"]}
            else:
                ok = want is not None and json.loads(body) == want
            state["puts"][self.path] = ok
        self.reply(200 if ok else 400, {"acknowledged": ok})

    def do_POST(self):
        body = self.body()
        if not self.authorized():
            return
        if self.path.split("?")[0] != "/_bulk":
            with lock:
                state["violations"].append("POST %s: not a bulk request" % self.path)
            self.reply(404, {"status": 404})
            return
        with lock:
            drop = self.bulk(body)
        if drop:
            self.close_connection = True
            return
        self.reply(200, self.answer)

    def bulk(self, body):
        state["bulk_requests"] += 1
        if not self.headers.get("Content-Type", "").startswith(("application/json", "application/x-ndjson")):
            state["violations"].append("bulk Content-Type %r" % self.headers.get("Content-Type"))
        lines = body.decode("utf-8").split("\n")
        if lines[-1] != "":
            state["violations"].append("bulk body does not end with a newline")
        lines = lines[:-1]
        if len(lines) % 2:
            state["violations"].append("bulk body has an action without a document")
        items, errors = [], False
        # the third request is indexed and then left without an answer
        drop = state["bulk_requests"] == 3
        for i in range(0, len(lines) - 1, 2):
            state["items"] += 1
            where = "item %d" % state["items"]
            try:
                action, doc = json.loads(lines[i]), json.loads(lines[i + 1])
            except ValueError as e:
                state["violations"].append("%s: not JSON: %s" % (where, e))
                continue
            op = list(action)
            meta = action[op[0]] if len(op) == 1 and isinstance(action[op[0]], dict) else {}
            if op != ["create"]:
                state["violations"].append("%s: operation %s, data streams take only create" % (where, op))
            if "_type" in meta:
                state["violations"].append("%s: _type %r, which Elasticsearch 8 rejects" % (where, meta["_type"]))
            if set(meta) - {"_index", "_id"}:
                state["violations"].append("%s: unexpected metadata %s" % (where, sorted(set(meta) - {"_index", "_id"})))
            index, _id = meta.get("_index", ""), meta.get("_id")
            if not any(fnmatch.fnmatchcase(index, p) for p in template["index_patterns"]):
                state["violations"].append("%s: index %r matches no index pattern of the template" % (where, index))
            if not valid_data_stream(index):
                state["violations"].append("%s: %r is no valid data stream name" % (where, index))
            if not isinstance(doc, dict) or "@timestamp" not in doc:
                state["violations"].append("%s: a data stream document needs @timestamp" % where)
                continue
            check_doc(doc, where)
            if not _id:
                state["violations"].append("%s: no _id: a retried document could be indexed twice" % where)
                continue
            first_try = _id not in state["seen"]
            state["seen"].add(_id)
            if _id in state["indexed"]:
                status = 409
                state["answered_409"] += 1
            elif first_try and not drop and int(hashlib.sha1(_id.encode()).hexdigest(), 16) % 5 == 0:
                status = 429
                state["answered_429"] += 1
            else:
                status = 201
                state["indexed"][_id] = {"index": index, "doc": doc}
                if journal:
                    journal.write(json.dumps({"_id": _id, "index": index, "doc": doc}) + "\n")
            result = {"_index": index, "_id": _id, "status": status}
            if status == 409:
                result["error"] = {"type": "version_conflict_engine_exception",
                                   "reason": "[%s]: version conflict, document already exists" % _id}
            elif status == 429:
                result["error"] = {"type": "es_rejected_execution_exception",
                                   "reason": "rejected execution of coordinating operation"}
            else:
                result["result"] = "created"
            errors = errors or status >= 300
            items.append({"create": result})
        if drop:
            state["dropped_replies"] += 1
        if journal:
            journal.flush()
        self.answer = {"took": 1, "errors": errors, "items": items}
        return drop


server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
print("listening", flush=True)
server.serve_forever()
