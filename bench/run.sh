#!/usr/bin/env bash
# `make bench`: micro-benchmarks, the idle-subscriber memory probe, herald side by side
# with nchan and a Node.js hub (`herald bench` scenarios, bench/compare.py), HTTP/2
# fan-out against HTTP/1.1, plain and over TLS (bench/h2_fanout.py), and durable history,
# LMDB against memory (bench/durable_history.py), and fan-out by matcher kind
# (bench/matcher_fanout.py), and herald nodes on one Redis stream (bench/cluster.py), in
# one run, on the release build.
# Results go to build/bench/; docs/BENCHMARKS.md records them.
# HERALD_BENCH_BUILD picks another build tree (default build/release).
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
build=${HERALD_BENCH_BUILD:-build/release}
mkdir -p "$out"
cmake --build "$build" -j "$(nproc)" --target herald_microbench herald
echo "== micro-benchmarks (Google Benchmark)"
"$build"/bench/herald_microbench --benchmark_out="$out/microbench.json" \
  --benchmark_out_format=json --benchmark_min_time=0.2
echo "== user-space memory per idle HTTP/1.1 subscriber"
python3 bench/idle_memory.py --binary "$build/herald" --subscribers 5000 | tee "$out/idle_memory.json"
echo "== user-space memory per idle HTTP/2 stream (10,000 streams on 100 h2c connections)"
python3 bench/idle_memory.py --binary "$build/herald" --subscribers 10000 --http2 --streams 100 \
  | tee "$out/idle_memory_h2.json"

echo "== side by side: herald, nchan (nginx), Node.js"
bench/install-peers.sh
python3 bench/compare.py --herald "$build/herald" --out "$out"
echo "== written: $out/compare.md, $out/compare.json"

echo "== fan-out over HTTP/2 (100 streams per connection) against HTTP/1.1, plain and over TLS"
python3 bench/h2_fanout.py --herald "$build/herald" --out "$out" --tls
echo "== written: $out/h2_fanout.md, $out/h2_fanout.json"

echo "== durable history (issue 11): LMDB against memory, publishes (--sync full/batch/off), fan-out, restart with 1,000,000 events held"
python3 bench/durable_history.py --herald "$build/herald" --out "$out"
echo "== written: $out/durable_history.md, $out/durable_history.json"

echo "== fan-out by matcher kind (issue 13): 0.x topic=, 1.0 match=, 1.0 match_urlpattern="
python3 bench/matcher_fanout.py --herald "$build/herald" --out "$out"
echo "== written: $out/matcher_fanout.md, $out/matcher_fanout.json"

echo "== cluster on Redis (issue 12): one node on memory, one and two nodes on Redis (CPU per delivery), publishes/s and publish latency against LMDB"
python3 bench/cluster.py --herald "$build/herald" --out "$out"
echo "== written: $out/cluster.md, $out/cluster.json"
