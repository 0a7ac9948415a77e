#!/usr/bin/env bash
# Fills DIR with a warehouse of N projects, each table with ROUNDS commits and writer checkpoints
# every 3 commits: `lakestream dev`, one 20-row OTLP/JSON batch per project and round via kcat.
#   1-commits.sh <checkout> <DIR> [projects 1000] [rounds 6]
set -euo pipefail
root=$1; dir=$2; projects=${3:-1000}; rounds=${4:-6}
kport=29092; hport=28080; s3port=29000
"$root/lakestream" dev --data-dir "$dir" --kafka-port $kport --http-port $hport --s3-port $s3port --pg-port -1 \
  --set ingest.otlp.logs.encoding=otlp_json --set writer.checkpoint.interval=3 --set writer.checkpoint.spacing=0s \
  >"$dir.fill.log" 2>&1 &
dev=$!
trap 'kill $dev 2>/dev/null; wait $dev 2>/dev/null || true' EXIT
until curl -sf "http://localhost:$hport/ready" >/dev/null 2>&1; do kill -0 $dev; sleep 0.5; done
tables="$dir/warehouse/projects"
for round in $(seq 1 "$rounds"); do
  now_ns=$(( $(date +%s) * 1000000000 ))
  for p in $(seq -w 1 "$projects"); do
    records=""
    for i in $(seq 1 20); do
      [ -n "$records" ] && records+=","
      records+="{\"timeUnixNano\":\"$(( now_ns + i * 1000 ))\",\"severityText\":\"INFO\",\"body\":{\"stringValue\":\"round $round row $i\"}}"
    done
    printf '{"resourceLogs":[{"resource":{"attributes":[{"key":"project_id","value":{"stringValue":"p-%s"}},{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeLogs":[{"scope":{"name":"bench"},"logRecords":[%s]}]}]}\n' "$p" "$records"
  done >"$dir.batches"
  kcat -P -b "localhost:$kport" -t otlp_logs -l "$dir.batches"
  v=$(printf '%020d' $((round - 1)))
  for _ in $(seq 600); do
    n=$( (ls "$tables"/p-*/otel_logs_and_spans/_delta_log/$v.json 2>/dev/null || true) | wc -l)
    [ "$n" -ge "$projects" ] && break
    sleep 1
  done
  echo "round $round: $n tables at version $((round - 1)) $(date -u +%T)"
  sleep 2
done
echo "checkpoints: $(ls "$tables"/p-*/otel_logs_and_spans/_delta_log/*.checkpoint.parquet | wc -l)"
