#!/bin/bash
# Why one of two nodes spends more CPU than the other in bench/cluster.py's scaling shape:
# Redis, nodes A and B with 1,500 subscribers each (one `herald bench --scenario fanout`
# per node, publishing to a sink), a node C with none; 500 publishes at 100/s sent to the
# node given (A, B or C). Prints each node's CPU ticks (1/100 s) over the publishes and
# the sendmsg calls of A and B (perf stat). See docs/BENCHMARKS.md.
#   bench/cluster_asymmetry.sh HERALD A|B|C
# Every process is started here and ended by its pid; every run is bounded.
set -u
[ $# -eq 2 ] || { sed -n 2,8p "$0"; exit 2; }
H=$1 TO=$2
DIR=$(mktemp -d /tmp/herald-cluster-asym-XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
RPORT=$(free_port)
redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync always \
  --dir "$DIR" --daemonize no --loglevel warning > "$DIR/redis.log" 2>&1 &
REDIS=$!
sleep 0.5
declare -A PORT PID
for n in A B C S; do
  PORT[$n]=$(free_port)
  store="redis://127.0.0.1:$RPORT"; [ $n = S ] && store=memory
  "$H" serve --dev --no-ticker --heartbeat 0 --log-level error --threads 1 \
    --listen "127.0.0.1:${PORT[$n]}" --store "$store" > "$DIR/$n.log" 2>&1 &
  PID[$n]=$!
done
sleep 1.5
P=asym$RANDOM
BENCHES=()
for n in A B; do
  timeout 120 "$H" bench --url "http://127.0.0.1:${PORT[$n]}" --publish-url "http://127.0.0.1:${PORT[S]}" \
    --scenario fanout --subscribers 1500 --drain 60 --server-pid "${PID[$n]}" --events 500 \
    --window 8 --per-topic 8 --topic-prefix "$P" --compact > "$DIR/bench$n.json" 2> "$DIR/bench$n.err" &
  BENCHES+=($!)
done
for _ in $(seq 150); do
  grep -q publishing "$DIR/benchA.err" && grep -q publishing "$DIR/benchB.err" && break
  sleep 0.2
done
declare -A BEFORE
for n in A B C; do BEFORE[$n]=$(cpu "${PID[$n]}"); done
PERFS=()
for n in A B; do
  perf stat -e syscalls:sys_enter_sendmsg -p "${PID[$n]}" -o "$DIR/$n.stat" 2> /dev/null &
  PERFS+=($!)
done
timeout 60 "$H" bench --url "http://127.0.0.1:${PORT[$TO]}" --scenario publish --rate 100 --events 500 \
  --window 8 --per-topic 8 --topic-prefix "$P" --compact > "$DIR/publish.json" 2>&1
sleep 2  # the subscribers get the last events
line="publishes to $TO:"
for n in A B C; do line+=" $n $(( $(cpu "${PID[$n]}") - ${BEFORE[$n]} )) ticks"; done
kill -INT "${PERFS[@]}"
wait "${PERFS[@]}" 2> /dev/null
for n in A B; do line+=" sendmsg $n $(awk '/sendmsg/{print $1}' "$DIR/$n.stat")"; done
echo "$line"
wait "${BENCHES[@]}"
kill "${PID[@]}" "$REDIS"
wait "${PID[@]}" "$REDIS" 2> /dev/null
rm -rf "$DIR"
