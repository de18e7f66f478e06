#!/usr/bin/env bash
# Events/s received on one connection: `herald sub` (the C++ EventSource, printing each
# event's data) against `curl -N | grep -c '^data:'`, both reading the same firehose
# (bench/sse_firehose.py) over loopback and writing into a pipe. Each is run RUNS times;
# the best run counts (the machine is shared and noisy). docs/BENCHMARKS.md records results.
#   HERALD_BIN=build/release/herald EVENTS=1000000 SIZE=64 RUNS=3 bench/client_vs_curl.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${HERALD_BIN:-build/release/herald}
events=${EVENTS:-1000000}
size=${SIZE:-64}
runs=${RUNS:-3}
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

out=$(mktemp)
python3 bench/sse_firehose.py --events "$events" --data-size "$size" >"$out" &
firehose=$!
trap 'kill $firehose 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$out")
stream="$url/.well-known/mercure?topic=bench"

# Runs "$@" (a pipeline printing a count) RUNS times; prints the best events/s.
best_rate() {
  local best=0
  for _ in $(seq "$runs"); do
    local start end count rate
    start=$(date +%s%N)
    count=$("$@")
    end=$(date +%s%N)
    if [ "$count" -ne "$events" ]; then echo "got $count events, expected $events" >&2; exit 1; fi
    rate=$(( events * 1000000000 / (end - start) ))
    [ "$rate" -gt "$best" ] && best=$rate
  done
  echo "$best"
}

curl_count() { curl -sN "$stream" | grep -c '^data:'; }
sub_count() { timeout 120 "$bin" sub "$url" --topic bench --count "$events" | wc -l; }
sub_json_count() { timeout 120 "$bin" sub "$url" --topic bench --count "$events" --json | wc -l; }

echo "events=$events data=${size}B runs=$runs (best run)"
echo "curl -N | grep -c      $(best_rate curl_count) events/s"
echo "herald sub | wc -l     $(best_rate sub_count) events/s"
echo "herald sub --json      $(best_rate sub_json_count) events/s"
