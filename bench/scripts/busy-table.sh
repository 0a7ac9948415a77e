#!/usr/bin/env bash
# Rows per second of one busy table through `lakestream dev`, as a user would see them: N rows of
# one project in 100-row OTLP/JSON logs batches, produced with kcat (not a Java client), then the
# table's status polled with curl until every row is readable (files + live tail) and until every
# row is in Delta (files only).
#
#   bench/scripts/busy-table.sh [rows (800000)] [rows per batch (100)] [-- extra `dev` flags]
#
# Needs kcat (apt-get install kcat), curl and python3. Ports: KAFKA_PORT (19092), HTTP_PORT
# (18080), S3_PORT (19000). The figures go to stdout; the dev log stays in the printed work folder.
set -euo pipefail

rows=${1:-800000}
per_batch=${2:-100}
shift $(( $# > 2 ? 2 : $# ))
[ "${1:-}" = "--" ] && shift
source "$(dirname "${BASH_SOURCE[0]}")/dev.sh"
start_dev lakestream-busy "$@"
status="$q/v1/projects/busy/tables/otel_logs_and_spans"

# One line per batch: an OTLP/JSON LogsData of $per_batch records, distinct timestamps.
python3 - "$rows" "$per_batch" "$work/batches.ndjson" <<'PY'
import json, sys, time
rows, per, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
start = time.time_ns() - rows * 1000
with open(out, "w") as f:
    for b in range(0, rows, per):
        recs = [{"timeUnixNano": str(start + (b + i) * 1000), "severityText": "INFO",
                 "body": {"stringValue": f"request {b + i} served in {(b + i) % 997} ms"},
                 "attributes": [{"key": "http.route", "value": {"stringValue": f"/api/{(b + i) % 13}"}}]}
                for i in range(min(per, rows - b))]
        f.write(json.dumps({"resourceLogs": [{"resource": {"attributes": [
            {"key": "project_id", "value": {"stringValue": "busy"}},
            {"key": "service.name", "value": {"stringValue": "api"}}]},
            "scopeLogs": [{"scope": {"name": "bench"}, "logRecords": recs}]}]}) + "\n")
PY

# Warm up: the clock starts once one batch of another project has gone through the pipeline.
head -1 "$work/batches.ndjson" | sed 's/"busy"/"warmup"/' | kcat -P -b "localhost:$kafka_port" -t otlp_logs
until curl -sf "$q/list_tables" | grep -q '"project_id":"warmup"'; do sleep 0.2; done

field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d.get('$1', 0))"; }
started=$(date +%s%N)
kcat -P -b "localhost:$kafka_port" -t otlp_logs -l "$work/batches.ndjson"
produced=$(date +%s%N)

readable=""
while :; do
  body=$(curl -sf "$status" || echo '{}')
  in_files=$(echo "$body" | field rows)
  in_tail=$(echo "$body" | field tail_rows)
  now=$(date +%s%N)
  [ -z "$readable" ] && [ $(( in_files + in_tail )) -ge "$rows" ] && readable=$now
  [ "$in_files" -ge "$rows" ] && break
  [ $(( (now - started) / 1000000000 )) -gt 1800 ] && { echo "not all committed after 1800 s: $in_files" >&2; exit 1; }
  sleep 0.2
done
committed=$(date +%s%N)

count=$(curl -sf -X POST "$q/v1/sql" -H 'Content-Type: application/json' \
  -d '{"sql":"SELECT count(*) AS n, count(DISTINCT timestamp) AS d FROM otel_logs_and_spans WHERE project_id = '"'busy'"'"}')

ms() { echo $(( ($1 - started) / 1000000 )); }
rate() { echo $(( rows * 1000 / ( ($1 - started) / 1000000 ) )); }
echo "rows:                     $rows in batches of $per_batch (OTLP/JSON via kcat)"
echo "produced after:           $(ms "$produced") ms"
echo "all readable after:       $(ms "$readable") ms ($(rate "$readable") rows/s)"
echo "all in Delta after:       $(ms "$committed") ms ($(rate "$committed") rows/s)"
echo "SQL count, distinct keys: $count"
echo "work folder:              $work"
