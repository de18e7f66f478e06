#!/usr/bin/env bash
# The comparison's peers, from Debian: nginx with nchan (libnginx-mod-nchan). Node.js
# comes with scripts/install-deps.sh; the Node peer (bench/peers/node_hub.mjs) needs no npm
# package. Only `make bench` calls this, never `make test`. Idempotent.
# The packages' maintainer scripts must not start nginx as a system service (the bench
# starts its own on a loopback port), so a policy-rc.d forbids service starts meanwhile.
set -euo pipefail
packages=(nginx libnginx-mod-nchan)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-peers: installing ${missing[*]}"
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
