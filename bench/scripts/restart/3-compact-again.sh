#!/usr/bin/env bash
# Runs `lakestream dev` on DIR until maintenance has compacted every table again (checkpoint at 8).
set -euo pipefail
# usage: 3-compact-again.sh <checkout> <DIR> [projects 1000]
root=$1; dir=$2; projects=${3:-1000}
"$root/lakestream" dev --data-dir "$dir" --kafka-port 29092 --http-port 28080 --s3-port 29000 --pg-port -1 \
  --set ingest.otlp.logs.encoding=otlp_json --set maintenance.threads=2 >"$dir.settle2.log" 2>&1 &
dev=$!
trap 'kill $dev 2>/dev/null; wait $dev 2>/dev/null || true' EXIT
until curl -sf "http://localhost:28080/ready" >/dev/null 2>&1; do kill -0 $dev; sleep 0.5; done
for _ in $(seq 1200); do
  n=$( (ls "$dir"/warehouse/projects/p-*/otel_logs_and_spans/_delta_log/00000000000000000008.checkpoint.parquet 2>/dev/null || true) | wc -l)
  [ "$n" -ge "$projects" ] && break
  sleep 2
done
echo "maintained: $n $(date -u +%T)"
sleep 20
