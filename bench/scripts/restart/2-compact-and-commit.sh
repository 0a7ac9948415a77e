#!/usr/bin/env bash
# Runs `lakestream dev` on DIR until maintenance has compacted and checkpointed every table
# (its checkpoint at version 6), then one more 20-row batch per project (version 7, after it).
set -euo pipefail
# usage: 2-compact-and-commit.sh <checkout> <DIR> [projects 1000]
root=$1; dir=$2; projects=${3:-1000}
kport=29092; hport=28080
"$root/lakestream" dev --data-dir "$dir" --kafka-port $kport --http-port $hport --s3-port 29000 --pg-port -1 \
  --set ingest.otlp.logs.encoding=otlp_json --set maintenance.threads=2 >"$dir.settle.log" 2>&1 &
dev=$!
trap 'kill $dev 2>/dev/null; wait $dev 2>/dev/null || true' EXIT
until curl -sf "http://localhost:$hport/ready" >/dev/null 2>&1; do kill -0 $dev; sleep 0.5; done
tables="$dir/warehouse/projects"
for _ in $(seq 1200); do
  n=$( (ls "$tables"/p-*/otel_logs_and_spans/_delta_log/00000000000000000006.checkpoint.parquet 2>/dev/null || true) | wc -l)
  [ "$n" -ge "$projects" ] && break
  sleep 2
done
echo "maintained: $n $(date -u +%T)"
sed 's/"round [0-9]* row/"round 7 row/g' "$dir.batches" >"$dir.batches7"
kcat -P -b "localhost:$kport" -t otlp_logs -l "$dir.batches7"
for _ in $(seq 600); do
  n=$( (ls "$tables"/p-*/otel_logs_and_spans/_delta_log/00000000000000000007.json 2>/dev/null || true) | wc -l)
  [ "$n" -ge "$projects" ] && break
  sleep 1
done
echo "version 7: $n $(date -u +%T)"
sleep 5
