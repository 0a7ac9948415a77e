#!/usr/bin/env bash
# Time until N new projects are committed and listed by `lakestream dev`, as a user would see it:
# one small OTLP/JSON logs batch per project, produced with kcat (not a Java client), then
# `GET /list_tables` polled with curl until every project's table is there, and each project's
# rows read back over HTTP.
#
#   bench/scripts/new-tenants.sh [projects (1000)] [rows per batch (20)] [-- extra `dev` flags]
#
# Needs kcat (apt-get install kcat) and curl. Ports: KAFKA_PORT (19092), HTTP_PORT (18080),
# S3_PORT (19000). The figures go to stdout; the dev log stays in the printed work folder.
set -euo pipefail

projects=${1:-1000}
rows=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
[ "${1:-}" = "--" ] && shift
source "$(dirname "${BASH_SOURCE[0]}")/dev.sh"
start_dev lakestream-tenants "$@"

# One line per project: an OTLP/JSON LogsData with $rows records.
now_ns=$(( $(date +%s) * 1000000000 ))
batches="$work/batches.ndjson"
for p in $(seq -w 1 "$projects"); do
  records=""
  for i in $(seq 1 "$rows"); do
    [ -n "$records" ] && records+=","
    records+="{\"timeUnixNano\":\"$(( now_ns + i * 1000 ))\",\"severityText\":\"INFO\",\"body\":{\"stringValue\":\"hello $i\"}}"
  done
  printf '{"resourceLogs":[{"resource":{"attributes":[{"key":"project_id","value":{"stringValue":"tenant-%s"}},{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeLogs":[{"scope":{"name":"bench"},"logRecords":[%s]}]}]}\n' "$p" "$records"
done >"$batches"

# Warm up: the clock starts once one project's batch has gone through the whole pipeline, so the
# figure is the steady writer's, not the roles' start-up (group joins, topic creation).
head -1 "$batches" | sed 's/tenant-[0-9]*/warmup/' | kcat -P -b "localhost:$kafka_port" -t otlp_logs
until curl -sf "$q/list_tables" | grep -q '"project_id":"warmup"'; do sleep 0.2; done

started=$(date +%s%N)
kcat -P -b "localhost:$kafka_port" -t otlp_logs -l "$batches"
produced=$(date +%s%N)

listed=0
while [ "$listed" -lt "$projects" ]; do
  listed=$(curl -sf "$q/list_tables" | grep -o '"project_id":"tenant-[0-9]*"' | sort -u | wc -l || true)
  [ $(( ($(date +%s%N) - started) / 1000000000 )) -gt 900 ] && { echo "not all listed after 900 s: $listed" >&2; exit 1; }
  sleep 0.2
done
all_listed=$(date +%s%N)

missing=0
for p in $(seq -w 1 "$projects"); do
  n=$(curl -sf -H 'Accept: application/x-ndjson' \
    "$q/v1/projects/tenant-$p/tables/otel_logs_and_spans/rows?limit=100000" | wc -l)
  [ "$n" -eq "$rows" ] || missing=$(( missing + 1 ))
done

ms() { echo $(( ($1 - started) / 1000000 )); }
echo "projects:                 $projects ($rows rows each, OTLP/JSON via kcat)"
echo "produced after:           $(ms "$produced") ms"
echo "all tables listed after:  $(ms "$all_listed") ms"
echo "projects with a row count other than $rows: $missing"
echo "work folder:              $work"
