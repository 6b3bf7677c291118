#!/usr/bin/env bash
# How fast `cc-analytics serve` shows lines Claude Code appends: serves a generated corpus from a
# database synced beforehand (by this binary, outside the timing), loads the index, then appends
# about 1 MB of new lines to the largest transcript (gen-corpus --append-to) several times. For
# each append it reports the sync's own duration as /api/sync/status gives it (reading, merging,
# committing and bringing the index up to date) and the wall time from the append to the first
# overview that counts the new responses (the watcher waits 300 ms for writes to settle first).
# The appended-to file gets its bytes back at the end.
#
#   benches/refresh.sh                             the 1 GiB corpus, 3 appends
#   benches/refresh.sh --sessions 100000 --runs 5
#   benches/refresh.sh --bin /path/to/other/cc-analytics   (another build, side by side)
#
# Corpora are target/bench-corpus-<size> and target/bench-corpus-sessions-<n>, as compare.sh
# and serve-memory.sh name them (generated when missing). Builds the release binaries unless
# --no-build (CARGO_TARGET_DIR is honoured). Needs curl.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
size=1GiB
sessions=""
runs=3
seed=42
other=""
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --sessions) sessions=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --bin) other=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "refresh.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v curl >/dev/null || { echo "refresh.sh: curl is needed" >&2; exit 2; }

. "$root/benches/common.sh"
if [ "$build" = 1 ]; then build_release; fi
bin=${other:-$bin}
if [ -n "$sessions" ]; then
  corpus=$(bench_corpus sessions "$sessions" "$seed")
else
  corpus=$(bench_corpus size "$size" "$seed")
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cc-analytics-refresh.XXXXXX")
grow=$(find "$corpus/projects" -name '*.jsonl' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
cp -p "$grow" "$work/grown.backup"
server=""
base=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  cp -p "$work/grown.backup" "$grow"
  rm -rf "$work"
}
trap cleanup EXIT

say "syncing $corpus into a fresh database"
"$bin" sync --db "$work/analytics.redb" --claude-dir "$corpus" >&2
serve_in_background "$bin" "$work" --db "$work/analytics.redb" --claude-dir "$corpus"

status() { curl -fsS "$base/api/sync/status"; }
field() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"; }
responses() { curl -fsS "$base/api/analytics/overview?tz=UTC" | field totalResponses; }
until status | grep -q '"lastSync":"' && status | grep -q '"isRunning":false'; do sleep 0.1; done
responses >/dev/null

echo "| append | sync, as /api/sync/status reports it | append → overview with the new responses |"
echo "| --- | --- | --- |"
for run in $(seq 1 "$runs"); do
  counted=$(responses)
  last=$(status | field lastSync)
  "$gen" --append-to "$grow" --bytes 1MB --seed "$run" >/dev/null
  appended=$(date +%s%N)
  while [ "$(responses)" = "$counted" ]; do sleep 0.005; done
  shown=$(date +%s%N)
  until s=$(status) && echo "$s" | grep -q '"isRunning":false' && [ "$(echo "$s" | field lastSync)" != "$last" ]; do
    sleep 0.01
  done
  echo "| $run | $(echo "$s" | field lastSyncDuration) ms | $(( (shown - appended) / 1000000 )) ms |"
done
