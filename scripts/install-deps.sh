#!/usr/bin/env bash
# Installs what herald needs to build and test, from Debian's packages and npm only.
# Idempotent: a package already present is not installed again, and no service starts.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(
  cmake ninja-build g++ clang-14 libclang-rt-14-dev clang-format
  libboost1.74-dev libssl-dev libnghttp2-dev liblmdb-dev libhiredis-dev
  nlohmann-json3-dev libcli11-dev
  # URL patterns (lib/match) compile to RE2: linear-time matching
  libre2-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  redis-server chromium
  # `make package` and the release tests: the man page, the .deb's library dependencies,
  # pkg-config, curl
  help2man dpkg-dev pkgconf curl
  # HTTP/2 tests and benchmarks: h2load
  nghttp2-client
  # the proxy setups of docs/HUB-CONTRACT.md, run by tests/integration/proxies.test.mjs
  nginx caddy
)
# Node.js and npm: the machine's own when present (Debian's npm package conflicts with a
# Node.js installed from elsewhere), else Debian's.
command -v node >/dev/null 2>&1 || debian_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || debian_packages+=(npm)

scripts/apt-install.sh "${debian_packages[@]}"

# npm packages for the browser and real-client tests live in tests/node_modules; a package
# tests/package.json gained since the last install is installed too.
missing_npm=$(cd tests && node -e '
  const fs = require("fs");
  const deps = Object.keys(require("./package.json").dependencies || {});
  console.log(deps.filter((d) => !fs.existsSync(`node_modules/${d}/package.json`)).join(" "));')
if [ -n "$missing_npm" ]; then
  echo "install-deps: npm install in tests/ ($missing_npm)"
  (cd tests && npm install --no-audit --no-fund --loglevel=error)
fi
