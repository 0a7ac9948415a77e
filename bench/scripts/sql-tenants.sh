#!/usr/bin/env bash
# SQL through the PostgreSQL protocol for many projects at once in one `lakestream dev`, as their
# Grafana data sources would send it: one OTLP/JSON logs batch per project (rows 30 s apart over the
# last rows/2 minutes, produced with kcat), then, once every table is committed, node-postgres
# (npm's `pg`, not our code) connects as each project in turn and runs Grafana's connection test, a
# per-minute count over an hour, the last 15 minutes' ERRORs and the last 20 rows, checking each
# answer against the rows produced (sql-tenants.mjs). Every pass goes over all projects; the first
# meets each project's tables for the first time. Prints each statement's p50/p90/p99 by pass and
# the process's resident memory before and after.
#
#   bench/scripts/sql-tenants.sh [projects (1000)] [rows per project (200)] [passes (2)] [-- extra `dev` flags]
#
# Needs kcat (apt-get install kcat), curl, node and npm (the `pg` package is installed into the
# work folder). Ports: KAFKA_PORT (19092), HTTP_PORT (18080), S3_PORT (19000), PG_PORT (15432).
set -euo pipefail

numbers=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do numbers+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
projects=${numbers[0]:-1000}
rows=${numbers[1]:-200}
passes=${numbers[2]:-2}
pg_port=${PG_PORT:-15432}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/dev.sh"
start_dev lakestream-sql-tenants --pg-port "$pg_port" "$@"

mkdir -p "$work/node"
cp "$here/sql-tenants.mjs" "$work/node/"
(cd "$work/node" && npm install --silent --no-audit --no-fund pg@8 >/dev/null)

now_ms=$(( $(date +%s%3N) - 60000 ))
node "$work/node/sql-tenants.mjs" gen "$projects" "$rows" tenant "$now_ms" >"$work/batches.ndjson"
kcat -P -b "localhost:$kafka_port" -t otlp_logs -l "$work/batches.ndjson"
tables="$work/data/warehouse/projects"
until [ "$( (ls -d "$tables"/tenant-*/otel_logs_and_spans/_delta_log/00000000000000000000.json 2>/dev/null || true) | wc -l)" -ge "$projects" ]; do
  sleep 0.5
done
sleep 5 # the sidecar follows the commits within a second or two

java_pid=$(pgrep -f "dev --data-dir $work/data" | tail -1)
rss() { echo "$(( $(ps -o rss= -p "$java_pid") / 1024 )) MiB"; }
echo "resident before the statements: $(rss) (load average $(cut -d' ' -f1-3 /proc/loadavg))"
node "$work/node/sql-tenants.mjs" query "$projects" "$rows" tenant "$now_ms" "$pg_port" "$passes"
echo "resident after: $(rss) (load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "work folder: $work"
