#!/usr/bin/env bash
# Installs the pinned peer (ccusage 20.0.24, from the committed lock) into benches/peer unless it
# is there, and prints the path of its native binary. `npm install`, not `npm ci`: npm ci
# rejects a lock that leaves out the platform packages of other machines.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin="$here/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage"
if [ ! -x "$bin" ]; then
  npm install --prefix "$here" --no-audit --no-fund --loglevel=error >&2
  chmod +x "$bin"
fi
echo "$bin"
