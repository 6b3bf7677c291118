#!/usr/bin/env bash
# Memory of `cc-analytics serve` as the corpus grows: for each generated corpus, serve it from a
# fresh database, wait for the first sync to finish, ask for the overview, a sessions page and a
# session's detail, then read VmRSS and VmHWM from /proc/<pid>/status. Then serve the synced
# database again with --no-sync and ask the same: after the overview and the sessions page, the
# memory of the index alone, without what the first sync left behind; then after the costliest
# session's conversation was read from the database and sent. Prints a markdown table (also saved as target/bench-serve-memory.md).
#
#   benches/serve-memory.sh                                   0.25, 0.5 and 1 GiB
#   benches/serve-memory.sh --sizes "256MiB 1GiB" --sessions "10000 100000"
#
# Corpora are target/bench-corpus-<size> (as in compare.sh, reused while the .generated marker
# matches) and target/bench-corpus-sessions-<n> (gen-corpus --sessions). Builds the release
# binaries unless --no-build (CARGO_TARGET_DIR is honoured for them). Needs curl.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
sizes="256MiB 512MiB 1GiB"
session_counts=""
seed=42
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --sessions) session_counts=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "serve-memory.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v curl >/dev/null || { echo "serve-memory.sh: curl is needed" >&2; exit 2; }

. "$root/benches/common.sh"
if [ "$build" = 1 ]; then build_release; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cc-analytics-memory.XXXXXX")
server=""
base=""
sessions=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

kib() { awk -v key="$1:" '$1 == key {print $2}' "/proc/$server/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f MiB", k / 1024}'; }

# start <corpus> <db> [flags]: serve in the background; sets $server and $base.
start() {
  serve_in_background "$bin" "$work" --db "$2" --claude-dir "$1" "${@:3}"
}
stop() {
  kill "$server" && wait "$server" 2>/dev/null || true
  server=""
}
# The overview and the first sessions page by cost; sets $sessions and $top (its first session).
figures() {
  local page
  curl -fsS "$base/api/analytics/overview?tz=UTC" >/dev/null
  page=$(curl -fsS "$base/api/analytics/sessions?limit=50&offset=0&sort=cost&tz=UTC")
  sessions=$(echo "$page" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
  top=$(echo "$page" | sed -n 's/.*"sessions":\[{"id":"\([^"]*\)".*/\1/p')
  [ -n "$top" ] || { echo "serve-memory.sh: no session id in the sessions page" >&2; exit 1; }
}
# The detail (the whole conversation) of the costliest session.
detail() {
  curl -fsS "$base/api/analytics/sessions/$top?tz=UTC" >/dev/null
}

rows=()
run() {
  local kind=$1 value=$2 dir bytes files status sync_ms db label rss_sync rss hwm rss_index rss_again hwm_again
  dir=$(bench_corpus "$kind" "$value" "$seed")
  bytes=$(find "$dir/projects" -name '*.jsonl' -printf '%s\n' | awk '{s += $1} END {printf "%.0f", s / 1e6}')
  files=$(find "$dir/projects" -name '*.jsonl' | wc -l)
  db="$work/analytics-$kind-$value.redb"
  say "serving $dir (first sync into $db)"
  start "$dir" "$db"
  until status=$(curl -fsS "$base/api/sync/status") && echo "$status" | grep -q '"lastSync":"' \
    && echo "$status" | grep -q '"isRunning":false'; do
    sleep 0.2
  done
  sync_ms=$(echo "$status" | sed -n 's/.*"lastSyncDuration":\([0-9]*\).*/\1/p')
  rss_sync=$(kib VmRSS)
  figures
  detail
  rss=$(kib VmRSS)
  hwm=$(kib VmHWM)
  stop
  say "serving $db again (--no-sync)"
  start "$dir" "$db" --no-sync
  figures
  rss_index=$(kib VmRSS)
  detail
  rss_again=$(kib VmRSS)
  hwm_again=$(kib VmHWM)
  stop
  label=$value
  [ "$kind" = sessions ] && label="$value sessions"
  rows+=("| $label | $bytes MB | $files | $sessions | $(du -m "$db" | cut -f1) MB | $sync_ms ms | $(mib "$rss_sync") | $(mib "$rss") | $(mib "$hwm") | $(mib "$rss_index") | $(mib "$rss_again") | $(mib "$hwm_again") |")
  rm -f "$db"
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for size in $sizes; do run size "$size"; done
for n in $session_counts; do run sessions "$n"; done

{
  echo "serve memory, $(date -u +%Y-%m-%d), $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), load average at the start $load_start, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| corpus | transcripts | files | sessions | database | first sync | VmRSS after sync | VmRSS after queries | VmHWM | --no-sync: VmRSS after overview and sessions page | after the costliest session's detail | --no-sync: VmHWM |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
} | tee "$root/target/bench-serve-memory.md"
