#!/usr/bin/env python3
"""Produce -> readable over HTTP through `lakestream dev`, as a user would see it.

One OTLP/JSON log record at a time is produced with kcat (not a Java client) to `otlp_logs`, then
its point get (`GET /v1/projects/<p>/tables/otel_logs_and_spans/rows/<timestamp>`) is polled every
~2 ms until it answers the row; the time from starting kcat until the row is served is one sample
(so it includes kcat's start and connection, printed apart for scale). Prints p50, p99 and max.

    bench/scripts/freshness.py [samples (200)] [-- extra `dev` flags, e.g. --set query.tail.enabled=false]

Needs kcat (apt-get install kcat). Ports: KAFKA_PORT (19092), HTTP_PORT (18080), S3_PORT (19000),
PG_PORT (15432). The dev log stays in the printed work folder.
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
samples = int(args[0]) if args and args[0] != "--" else 200
extra = args[args.index("--") + 1 :] if "--" in args else []
kafka = os.environ.get("KAFKA_PORT", "19092")
http = os.environ.get("HTTP_PORT", "18080")
s3 = os.environ.get("S3_PORT", "19000")
pg = os.environ.get("PG_PORT", "15432")
work = tempfile.mkdtemp(prefix="lakestream-freshness-")
origin = f"http://localhost:{http}"

log = open(os.path.join(work, "dev.log"), "w")
dev = subprocess.Popen(
    [os.path.join(root, "lakestream"), "dev", "--data-dir", os.path.join(work, "data"),
     "--kafka-port", kafka, "--http-port", http, "--s3-port", s3, "--pg-port", pg,
     "--set", "ingest.otlp.logs.encoding=otlp_json"] + extra,
    stdout=log, stderr=subprocess.STDOUT)


def get(path):
    try:
        with urllib.request.urlopen(origin + path, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return 0, b""


try:
    deadline = time.time() + 600
    while get("/ready")[0] != 200:
        if dev.poll() is not None or time.time() > deadline:
            sys.exit(f"dev did not start; see {work}/dev.log")
        time.sleep(0.5)

    def batch(project, micros):
        record = {"timeUnixNano": str(micros * 1000), "severityText": "INFO",
                  "body": {"stringValue": f"row {micros}"}}
        return json.dumps({"resourceLogs": [{"resource": {"attributes": [
            {"key": "project_id", "value": {"stringValue": project}},
            {"key": "service.name", "value": {"stringValue": "bench"}}]},
            "scopeLogs": [{"scope": {"name": "bench"}, "logRecords": [record]}]}]})

    def readable(project, micros):
        status, body = get(f"/v1/projects/{project}/tables/otel_logs_and_spans/rows/{micros}")
        return status == 200 and str(micros) in body.decode()

    acks = []

    def one(project, micros):
        # one kcat per record: the clock starts before kcat is started, so a sample includes its
        # start and connection (kcat -P reading a pipe did not send lines before end of input)
        started = time.perf_counter()
        producer = subprocess.Popen(
            ["kcat", "-P", "-b", f"localhost:{kafka}", "-t", "otlp_logs", "-X", "linger.ms=0"],
            stdin=subprocess.PIPE, text=True)
        producer.stdin.write(batch(project, micros) + "\n")
        producer.stdin.close()
        acked = None
        while not readable(project, micros):
            if acked is None and producer.poll() is not None:
                acked = time.perf_counter()
            if time.perf_counter() - started > 120:
                sys.exit(f"row {micros} not readable after 120 s; see {work}/dev.log")
            time.sleep(0.002)
        done = time.perf_counter()
        producer.wait(30)
        acks.append(((acked or time.perf_counter()) - started) * 1000)
        return (done - started) * 1000

    base = int(time.time() * 1_000_000)
    for i in range(3):  # warm-up: creates the table, joins the groups
        one("fresh", base + i)
    figures = sorted(one("fresh", base + 10 + i) for i in range(samples))
    pct = lambda p: figures[max(0, math.ceil(p / 100 * len(figures)) - 1)]  # nearest rank
    print(f"samples: {len(figures)} (one OTLP/JSON log record each, kcat -> lakestream dev)")
    print(f"produce -> readable  p50: {pct(50):.0f} ms   p99: {pct(99):.0f} ms   max: {figures[-1]:.0f} ms")
    acks.sort()
    ack = lambda p: acks[max(0, math.ceil(p / 100 * len(acks)) - 1)]
    print(f"kcat start -> exit (delivered), for scale  p50: {ack(50):.0f} ms   p99: {ack(99):.0f} ms")
    print(f"work folder: {work}")
finally:
    dev.terminate()
    try:
        dev.wait(60)
    except subprocess.TimeoutExpired:
        dev.kill()
