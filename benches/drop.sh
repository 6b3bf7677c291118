#!/usr/bin/env bash
# Drop mode in headless Chromium: a generated corpus picked on the dashboard's folder input, timed
# from the pick to the painted overview; the page's figures checked against the CLI; the size of
# the wasm binary (raw and gzipped) and of the JS the page loads.
#
#   benches/drop.sh [--size 100MB] [--seed 42] [--runs 5]   the quality-bar run (bar: under 2 s)
#   benches/drop.sh --smoke                                 a 4 MB corpus, 1 warm-up + 1 run (CI)
#   --no-build                                              use web/dist and target/release as built
#
# Builds web/dist (scripts/build-web) and the release `cc-analytics` and `gen-corpus` first. The
# corpus goes to target/bench-corpus-<size> and is reused while its size and seed match (as in
# compare.sh). Prints a markdown table (also saved as target/bench-drop-<size>.md). Needs Node.js,
# web/node_modules (playwright-core) and Chromium (/usr/bin/chromium, or CHROMIUM).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
size=100MB
seed=42
runs=5
warmup=1
smoke=0
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --smoke) smoke=1; size=4MB; runs=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "drop.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$smoke" = 1 ] || [ "$runs" -ge 5 ] || { echo "drop.sh: at least 5 runs (or --smoke)" >&2; exit 2; }
command -v node >/dev/null || { echo "drop.sh: node is needed" >&2; exit 2; }

. "$root/benches/common.sh"

if [ "$build" = 1 ]; then
  say "building web/dist (scripts/build-web)"
  "$root/scripts/build-web" >&2
  build_release
fi
for need in "$root/web/dist/index.html" "$root/web/node_modules/playwright-core/package.json" "$bin" "$gen"; do
  [ -e "$need" ] || { echo "drop.sh: missing $need (run without --no-build, or scripts/build-web and cargo build --release)" >&2; exit 2; }
done

corpus=$(bench_corpus size "$size" "$seed")

say "measuring: $size picked in headless Chromium, $warmup warm-up + $runs run(s)"
node "$root/benches/drop/measure.mjs" --corpus "$corpus" --bin "$bin" --dist "$root/web/dist" \
  --runs "$runs" --warmup "$warmup" --out "$root/target/bench-drop-$size.md"
