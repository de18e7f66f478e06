#!/usr/bin/env bash
# `cmake --install` of the release tree gives a prefix that a program of one's own can build
# against twice: with find_package(herald) (examples/consumer) and with pkg-config herald.
# The consumer serves SSE with herald::sse and reads it with herald::client; it exits 0 only
# when its events arrive.
set -euo pipefail
: "${HERALD_BUILD_DIR:?the release build tree}" "${HERALD_SOURCE_DIR:?the source tree}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
consumer_src=$HERALD_SOURCE_DIR/examples/consumer

echo "== cmake --install into $prefix"
cmake --install "$HERALD_BUILD_DIR" --prefix "$prefix" >/dev/null
for installed in bin/herald lib/libherald_sse.a include/herald/sse/sse.hpp \
  lib/cmake/herald/heraldConfig.cmake lib/cmake/herald/heraldConfigVersion.cmake \
  lib/pkgconfig/herald.pc share/man/man1/herald.1.gz; do
  [ -e "$prefix/$installed" ] || { echo "missing: $installed" >&2; exit 1; }
done
# The service files belong to the .deb only.
if [ -e "$prefix/etc" ] || [ -e "$prefix/lib/systemd" ]; then
  echo "cmake --install put system files under the prefix" >&2
  exit 1
fi
"$prefix/bin/herald" --version

echo "== find_package(herald): examples/consumer"
cmake -S "$consumer_src" -B "$work/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/consumer"
"$work/consumer/consumer" 5

echo "== pkg-config herald"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
pkg-config --modversion herald
flags=$(pkg-config --cflags --libs herald)
echo "$flags"
# shellcheck disable=SC2086 # the flags are words
g++ -O1 "$consumer_src/consumer.cpp" $flags -o "$work/consumer-pc"
"$work/consumer-pc" 3
