#!/usr/bin/env bash
# `make bench`: micro-benchmarks and the idle-subscriber memory probe, in one run, on the
# release build. Results go to build/bench/; docs/BENCHMARKS.md records them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
cmake --build build/release -j "$(nproc)" --target herald_microbench herald
echo "== micro-benchmarks (Google Benchmark)"
build/release/bench/herald_microbench --benchmark_out="$out/microbench.json" \
  --benchmark_out_format=json --benchmark_min_time=0.2
echo "== user-space memory per idle HTTP/1.1 subscriber"
python3 bench/idle_memory.py --subscribers 5000 | tee "$out/idle_memory.json"
