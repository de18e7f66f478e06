#!/usr/bin/env bash
# The comparison's peers, from Debian: nginx with nchan (libnginx-mod-nchan). Node.js
# comes with scripts/install-deps.sh; the Node peer (bench/peers/node_hub.mjs) needs no npm
# package. Only `make bench` calls this, never `make test`. Idempotent; nginx is not
# started as a system service (the bench starts its own on a loopback port).
set -euo pipefail
exec "$(dirname "$0")/../scripts/apt-install.sh" nginx libnginx-mod-nchan
