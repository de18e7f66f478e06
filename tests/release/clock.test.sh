#!/usr/bin/env bash
# examples/clock from the release tree: on port 0 it prints its URL, and a client gets the
# classic clock stream (`retry: 10000`, a `connecttime` event, then the time each second).
set -euo pipefail
: "${HERALD_BUILD_DIR:?the release build tree}"

work=$(mktemp -d)
clock_pid=""
cleanup() {
  if [ -n "$clock_pid" ]; then kill "$clock_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkfifo "$work/stdout"
"$HERALD_BUILD_DIR/examples/clock" 0 >"$work/stdout" &
clock_pid=$!
exec 3<"$work/stdout"
read -r -t 10 line <&3
echo "$line"
url=${line#clock on }
[ "$url" != "$line" ] || { echo "unexpected first line: $line" >&2; exit 1; }

# Two seconds of stream: the connecttime event and at least one tick.
curl -sS -N --max-time 2.5 "$url" >"$work/stream" || [ $? -eq 28 ]  # 28: the time limit
cat "$work/stream"
grep -qx 'retry: 10000' "$work/stream"
grep -qx 'event: connecttime' "$work/stream"
[ "$(grep -c '^data: ' "$work/stream")" -ge 2 ]

kill -TERM "$clock_pid"
wait "$clock_pid" || true  # the example has no signal handling: SIGTERM ends it
clock_pid=""
