#!/bin/bash
# Redis's CPU per publish with K herald nodes reading the stream (no subscribers), for two
# herald binaries side by side in one run (e.g. before and after a change to the stream
# read), rounds alternating: 1,000 publishes at 100/s to the first node, each node
# reading every entry. Prints one line per round; see docs/BENCHMARKS.md.
#   bench/cluster_reads.sh OLD_HERALD NEW_HERALD [K] [ROUNDS]
# Every process is started here and ended by its pid; each publish run is bounded (60 s).
set -u
[ $# -ge 2 ] || { sed -n 2,7p "$0"; exit 2; }
OLD=$1 NEW=$2 K=${3:-4} ROUNDS=${4:-3}
DIR=$(mktemp -d /tmp/herald-cluster-reads-XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_cpu() { redis-cli -p "$1" INFO cpu | awk -F: '/used_cpu_(sys|user):/{s+=$2} END{printf "%.6f", s}'; }

round() {
  local herald=$1 rport pids=() first="" port
  rport=$(free_port)
  rm -rf "$DIR/redis" && mkdir -p "$DIR/redis"
  redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync always \
    --dir "$DIR/redis" --daemonize no --loglevel warning > "$DIR/redis.log" 2>&1 &
  local redis_pid=$!
  for _ in $(seq 50); do redis-cli -p "$rport" PING 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  for i in $(seq "$K"); do
    port=$(free_port)
    [ -z "$first" ] && first=$port
    "$herald" serve --dev --no-ticker --heartbeat 0 --log-level error --threads 1 \
      --listen "127.0.0.1:$port" --store "redis://127.0.0.1:$rport" > "$DIR/node$i.log" 2>&1 &
    pids+=($!)
  done
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$first/readyz" > /dev/null && break; sleep 0.1; done
  sleep 1  # every node read the (empty) stream
  local before after calls
  before=$(redis_cpu "$rport")
  timeout 60 "$herald" bench --url "http://127.0.0.1:$first" --scenario publish --rate 100 \
    --events 1000 --window 8 --per-topic 8 --compact > "$DIR/publish.json" 2>&1
  after=$(redis_cpu "$rport")
  calls=$(redis-cli -p "$rport" INFO commandstats | tr -d '\r' | grep -E '^cmdstat_(xread|exec|xinfo)' | cut -d, -f1 | tr '\n' ' ')
  echo "$herald K=$K redis_cpu_us_per_publish=$(echo "($after - $before) * 1000" | bc) $calls"
  kill "${pids[@]}" "$redis_pid"
  wait "${pids[@]}" "$redis_pid" 2>/dev/null
}

for _ in $(seq "$ROUNDS"); do
  round "$OLD"
  round "$NEW"
done
rm -rf "$DIR"
