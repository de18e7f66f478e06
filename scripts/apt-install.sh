#!/usr/bin/env bash
# apt-install.sh PACKAGE...: installs the Debian packages not installed yet, and nothing
# else. Packages that ship a service (redis-server, nginx, caddy) must not start it: the
# tests and benchmarks start their own, on loopback ports, so a policy-rc.d forbids
# service starts meanwhile (unless the machine has one of its own).
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "apt-install: installing ${missing[*]}"
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
policy=/usr/sbin/policy-rc.d
own_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee "$policy" >/dev/null
  $sudo_cmd chmod +x "$policy"
  own_policy=1
fi
trap 'if [ -n "$own_policy" ]; then $sudo_cmd rm -f "$policy"; fi' EXIT
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
