# Sourced by the bench scripts: starts `lakestream dev` in the background on KAFKA_PORT (19092),
# HTTP_PORT (18080) and S3_PORT (19000) with OTLP/JSON logs, its data and log in a new work folder,
# waits until it is ready, and stops it when the script exits.
#   start_dev <work folder prefix> [extra `dev` flags]  →  sets $work, $q (the query API's URL), $dev
start_dev() {
  local prefix=$1
  shift
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  kafka_port=${KAFKA_PORT:-19092}
  http_port=${HTTP_PORT:-18080}
  s3_port=${S3_PORT:-19000}
  work="$(mktemp -d "/tmp/$prefix-XXXX")"
  q="http://localhost:$http_port"
  command -v kcat >/dev/null || { echo "kcat is needed: apt-get install kcat" >&2; exit 2; }
  "$root/lakestream" dev --data-dir "$work/data" --kafka-port "$kafka_port" --http-port "$http_port" \
    --s3-port "$s3_port" --set ingest.otlp.logs.encoding=otlp_json "$@" >"$work/dev.log" 2>&1 &
  dev=$!
  trap 'kill $dev 2>/dev/null; wait $dev 2>/dev/null || true' EXIT
  for _ in $(seq 600); do
    curl -sf "$q/ready" >/dev/null 2>&1 && return 0
    kill -0 $dev 2>/dev/null || { echo "dev exited; see $work/dev.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "dev not ready after 300 s; see $work/dev.log" >&2
  exit 1
}
