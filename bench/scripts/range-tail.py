#!/usr/bin/env python3
"""Read latency of a 1,000-row range that spans the live tail and files, against the same range
entirely in files, through `lakestream dev` over HTTP.

500 OTLP/JSON log records (even keys) are produced with kcat and committed; 500 more (odd keys,
interleaved with the first) are produced and read into the live tail; the range of all 1,000 is
read `reads` times (after 3 × `reads` warm-up reads of the first half) while the second half is still in the tail (one file + tail), then again once
the writer has committed it (two files). Prints p50 and p99 of each.

    bench/scripts/range-tail.py [reads (100)] [-- extra `dev` flags, e.g. --set warehouse=s3://lakestream/lake]

Needs kcat. Ports: KAFKA_PORT (19092), HTTP_PORT (18080), S3_PORT (19000), PG_PORT (15432).
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
args = sys.argv[1:]
reads = int(args[0]) if args and args[0] != "--" else 100
extra = args[args.index("--") + 1 :] if "--" in args else []
kafka = os.environ.get("KAFKA_PORT", "19092")
http = os.environ.get("HTTP_PORT", "18080")
work = tempfile.mkdtemp(prefix="lakestream-range-tail-")
origin = f"http://localhost:{http}"
log = open(os.path.join(work, "dev.log"), "w")
# a 20 s flush: long enough to read the second half while it is only in the tail
dev = subprocess.Popen(
    [os.path.join(root, "lakestream"), "dev", "--data-dir", os.path.join(work, "data"),
     "--kafka-port", kafka, "--http-port", http,
     "--s3-port", os.environ.get("S3_PORT", "19000"), "--pg-port", os.environ.get("PG_PORT", "15432"),
     "--set", "ingest.otlp.logs.encoding=otlp_json", "--set", "writer.flush.age=20s"] + extra,
    stdout=log, stderr=subprocess.STDOUT)
table = "/v1/projects/ranges/tables/otel_logs_and_spans"


def get(path):
    try:
        with urllib.request.urlopen(origin + path, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return 0, b""


def status():
    code, body = get(table)
    return json.loads(body) if code == 200 else {}


def await_(condition, what, seconds=120):
    deadline = time.time() + seconds
    while not condition():
        if time.time() > deadline:
            sys.exit(f"{what} not reached after {seconds} s; see {work}/dev.log")
        time.sleep(0.1)


def produce(keys):
    records = [{"timeUnixNano": str(k * 1000), "severityText": "INFO",
                "body": {"stringValue": f"row {k}"}} for k in keys]
    batch = json.dumps({"resourceLogs": [{"resource": {"attributes": [
        {"key": "project_id", "value": {"stringValue": "ranges"}},
        {"key": "service.name", "value": {"stringValue": "bench"}}]},
        "scopeLogs": [{"scope": {"name": "bench"}, "logRecords": records}]}]})
    subprocess.run(["kcat", "-P", "-b", f"localhost:{kafka}", "-t", "otlp_logs"],
                   input=batch + "\n", text=True, check=True)


def timed_reads(base, expected=1000):
    path = f"{table}/rows?from={base}&to={base + 1000}&limit=1000"
    figures = []
    for _ in range(reads):
        started = time.perf_counter()
        code, body = get(path)
        figures.append((time.perf_counter() - started) * 1000)
        rows = body.count(b'"timestamp"')
        if code != 200 or rows != expected:
            sys.exit(f"the range read answered {code} with {rows} rows")
    figures.sort()
    return [figures[max(0, math.ceil(p / 100 * len(figures)) - 1)] for p in (50, 99)]


try:
    await_(lambda: get("/ready")[0] == 200, "ready", 600)
    base = int(time.time() * 1_000_000)
    produce(range(base, base + 1000, 2))
    await_(lambda: status().get("rows") == 500 and status().get("tail_rows") == 0, "first commit")
    for _ in range(3):  # warm-up of the read path (JIT), on the committed half
        timed_reads(base, 500)
    produce(range(base + 1, base + 1000, 2))
    await_(lambda: status().get("tail_rows") == 500, "second half in the tail", 20)
    mixed = timed_reads(base)
    still = status()
    if still.get("tail_rows") != 500:
        sys.exit("the second half was committed during the reads: raise writer.flush.age")
    await_(lambda: status().get("rows") == 1000 and status().get("tail_rows") == 0, "second commit")
    files = timed_reads(base)
    print(f"{reads} reads of a 1,000-row range (JSON), each")
    print(f"500 rows in a file + 500 in the live tail:  p50 {mixed[0]:.1f} ms   p99 {mixed[1]:.1f} ms")
    print(f"all 1,000 in files (2 files):             p50 {files[0]:.1f} ms   p99 {files[1]:.1f} ms")
    print(f"work folder: {work}")
finally:
    dev.terminate()
    try:
        dev.wait(60)
    except subprocess.TimeoutExpired:
        dev.kill()
