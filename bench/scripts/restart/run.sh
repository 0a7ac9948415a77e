#!/usr/bin/env bash
# Starts `lakestream dev` of CHECKOUT on the warehouse DIR, polls /ready every 100 ms, prints the
# time to ready and the registry's "after loading N tables in M ms", stops it.
#   run.sh <checkout> <DIR>   (LAKESTREAM_JAVA_OPTS passed on)
set -euo pipefail
root=$1; dir=$2; hport=28080
log=$(mktemp /tmp/restart-run-XXXX.log)
started=$(date +%s%N)
"$root/lakestream" dev --data-dir "$dir" --kafka-port 29092 --http-port $hport --s3-port 29000 --pg-port -1 \
  --set ingest.otlp.logs.encoding=otlp_json >"$log" 2>&1 &
dev=$!
trap 'kill $dev 2>/dev/null; wait $dev 2>/dev/null || true' EXIT
until curl -sf "http://localhost:$hport/ready" >/dev/null 2>&1; do
  kill -0 $dev 2>/dev/null || { echo "dev exited; see $log" >&2; exit 1; }
  sleep 0.1
done
ready=$(date +%s%N)
loaded=$(grep -o "after loading [0-9]* tables in [0-9]* ms" "$log" | head -1)
echo "$(date -u +%T) $root: ready after $(( (ready - started) / 1000000 )) ms; $loaded; load $(cut -d' ' -f1-3 /proc/loadavg); log $log"
