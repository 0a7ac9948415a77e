#!/usr/bin/env bash
# Time until N new projects are committed and listed by `lakestream dev`, as a user would see it:
# one small OTLP/JSON logs batch per project, produced with kcat (not a Java client), then
# `GET /list_tables` polled with curl until every project's table is there (the live tail lists a
# table before its first commit), the warehouse until every table has its first Delta commit, and
# each project's rows read back over HTTP.
#
#   bench/scripts/new-tenants.sh [projects (1000)] [rows per batch (20)] [rounds (1)] [-- extra `dev` flags]
#
# Each round produces batches for as many projects never seen before (tenant-<round>-<n>), in the
# same `dev` process: round 1 meets a process that has just started (its code not yet compiled by
# the JIT), later rounds a running one.
#
# Needs kcat (apt-get install kcat) and curl. Ports: KAFKA_PORT (19092), HTTP_PORT (18080),
# S3_PORT (19000). The figures go to stdout; the dev log stays in the printed work folder.
set -euo pipefail

numbers=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do numbers+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
projects=${numbers[0]:-1000}
rows=${numbers[1]:-20}
rounds=${numbers[2]:-1}
source "$(dirname "${BASH_SOURCE[0]}")/dev.sh"
start_dev lakestream-tenants "$@"

# One line per project of round $1 (its first $2 projects): an OTLP/JSON LogsData with $rows records.
make_batches() {
  local round=$1 now_ns records p i
  now_ns=$(( $(date +%s) * 1000000000 ))
  for p in $(seq -w 1 "$projects" | head -"$2"); do
    records=""
    for i in $(seq 1 "$rows"); do
      [ -n "$records" ] && records+=","
      records+="{\"timeUnixNano\":\"$(( now_ns + i * 1000 ))\",\"severityText\":\"INFO\",\"body\":{\"stringValue\":\"hello $i\"}}"
    done
    printf '{"resourceLogs":[{"resource":{"attributes":[{"key":"project_id","value":{"stringValue":"tenant-%s-%s"}},{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeLogs":[{"scope":{"name":"bench"},"logRecords":[%s]}]}]}\n' "$round" "$p" "$records"
  done
}

# A table is committed once its first Delta log entry exists (the local warehouse of `dev`).
tables="$work/data/warehouse/projects"
first_commit() { echo "$tables/$1/otel_logs_and_spans/_delta_log/00000000000000000000.json"; }

# Warm up: the clock starts once one project's batch has gone through the whole pipeline (listed
# and committed), so the figure is the steady roles', not their start-up (group joins, topic
# creation, the first Parquet file and Delta commit of the process).
make_batches 0 1 | sed 's/tenant-0-[0-9]*/warmup/' | kcat -P -b "localhost:$kafka_port" -t otlp_logs
until curl -sf "$q/list_tables" | grep -q '"project_id":"warmup"' && [ -f "$(first_commit warmup)" ]; do
  sleep 0.2
done

ms() { echo $(( ($1 - started) / 1000000 )); }  # milliseconds since the round's produce began
echo "projects a round:         $projects ($rows rows each, OTLP/JSON via kcat)"
for round in $(seq 1 "$rounds"); do
  batches="$work/batches-$round.ndjson"
  make_batches "$round" "$projects" >"$batches"
  started=$(date +%s%N)
  kcat -P -b "localhost:$kafka_port" -t otlp_logs -l "$batches"
  produced=$(date +%s%N)

  listed=0
  committed=0
  all_listed=""
  all_committed=""
  while [ -z "$all_listed" ] || [ -z "$all_committed" ]; do
    if [ -z "$all_listed" ]; then
      listed=$(curl -sf "$q/list_tables" | grep -o "\"project_id\":\"tenant-$round-[0-9]*\"" | sort -u | wc -l || true)
      [ "$listed" -ge "$projects" ] && all_listed=$(date +%s%N)
    fi
    if [ -z "$all_committed" ]; then
      committed=$( (ls -d "$tables"/tenant-"$round"-*/otel_logs_and_spans/_delta_log/00000000000000000000.json 2>/dev/null || true) | wc -l)
      [ "$committed" -ge "$projects" ] && all_committed=$(date +%s%N)
    fi
    [ $(( ($(date +%s%N) - started) / 1000000000 )) -gt 900 ] && {
      echo "after 900 s: $listed listed, $committed committed" >&2
      exit 1
    }
    sleep 0.1
  done

  missing=0
  for p in $(seq -w 1 "$projects"); do
    n=$(curl -sf -H 'Accept: application/x-ndjson' \
      "$q/v1/projects/tenant-$round-$p/tables/otel_logs_and_spans/rows?limit=100000" | wc -l)
    [ "$n" -eq "$rows" ] || missing=$(( missing + 1 ))
  done

  echo "round $round (from $(date -d "@$((started / 1000000000)).$(printf %09d $((started % 1000000000)))" +%T.%3N)):" \
    "produced after $(ms "$produced") ms, all listed after $(ms "$all_listed") ms," \
    "all committed after $(ms "$all_committed") ms (the first Delta commit of each);" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg); projects with a row count other than $rows: $missing"
done
echo "work folder:              $work"
