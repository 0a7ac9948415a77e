#!/usr/bin/env bash
# One JVM loading the latest snapshot of every table of DIR 3 times, on one thread, with CHECKOUT's
# jars (LoadLoop.java: StandaloneDeltaLogReader.open(table).snapshot(), as a sidecar's load).
#   loop.sh <checkout> <DIR>
root=$1; dir=$2
echo "== $root $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$root/cli-dev/target/lakestream-cli-dev.jar:$root/cli-dev/target/lib-dev/*" \
  -Dlogback.configurationFile="$root/cli/src/main/resources/logback.xml" \
  "$(dirname "${BASH_SOURCE[0]}")/LoadLoop.java" "$dir/warehouse" 3 2>&1 | grep pass
