#!/usr/bin/env bash
# The .deb, installed on this machine as a user would: cpack builds it from the release tree,
# dpkg installs it, then /usr/bin/herald serves, the herald user and the systemd unit exist,
# and dpkg removes it again (so the test can run again). Needs root (or sudo) for dpkg.
set -euo pipefail
: "${HERALD_BUILD_DIR:?the release build tree}"

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo -n"

work=$(mktemp -d)
server_pid=""
installed=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  if [ -n "$installed" ]; then $sudo_cmd dpkg --purge herald >/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== cpack"
(cd "$HERALD_BUILD_DIR" && cpack -B "$work/package" >/dev/null)
deb=$(ls "$work"/package/herald_*.deb)
ls "$work"/package/herald-dev_*.deb >/dev/null
dpkg-deb --info "$deb"
# Into files first: `grep -q` in a pipe would cut dpkg-deb off (SIGPIPE fails the pipe).
dpkg-deb --contents "$deb" | tee "$work/contents"
for path in ./usr/bin/herald ./lib/systemd/system/herald.service ./etc/default/herald \
  ./usr/share/man/man1/herald.1.gz; do
  grep -q " $path\$" "$work/contents" || { echo "not in the .deb: $path" >&2; exit 1; }
done
dpkg-deb --field "$deb" Depends >"$work/depends"
grep -q libssl3 "$work/depends"
dpkg-deb --ctrl-tarfile "$deb" >"$work/control.tar"
tar -xOf "$work/control.tar" ./conffiles >"$work/conffiles"
grep -qx /etc/default/herald "$work/conffiles"

echo "== dpkg -i"
installed=yes
$sudo_cmd dpkg -i "$deb"
/usr/bin/herald --help >/dev/null
getent passwd herald
getent group herald
[ -f /lib/systemd/system/herald.service ]
[ -f /etc/default/herald ]
if command -v systemd-analyze >/dev/null && systemd-analyze --version >/dev/null 2>&1; then
  # The unit's syntax, its executable and man page; works without a running systemd. It
  # only warns about an unknown key or a bad value, so any output fails the test.
  verify=$(systemd-analyze verify /lib/systemd/system/herald.service 2>&1)
  [ -z "$verify" ] || { echo "$verify" >&2; exit 1; }
fi

echo "== herald serve"
mkfifo "$work/stdout"
/usr/bin/herald serve --dev --listen 127.0.0.1:0 --no-ticker >"$work/stdout" &
server_pid=$!
exec 3<"$work/stdout"
read -r -t 10 line <&3
echo "$line"
url=${line#herald listening on }
[ "$url" != "$line" ] || { echo "unexpected first line: $line" >&2; exit 1; }
curl -fsS --max-time 5 "$url/healthz"
echo
kill -TERM "$server_pid"
wait "$server_pid"  # herald exits 0 on SIGTERM; set -e fails the test otherwise
server_pid=""
exec 3<&-

echo "== dpkg --purge (also /etc/default/herald: the machine is left as it was, but for the user)"
$sudo_cmd dpkg --purge herald
installed=""
[ ! -e /usr/bin/herald ]
