#!/usr/bin/env bash
# Side by side with ccusage 20.0.24 on one generated corpus: one-shot reports, syncs, peak memory.
#
#   benches/compare.sh [--size 1GiB] [--seed 42] [--runs 5]   the quality-bar comparison
#   benches/compare.sh --smoke                                a 4 MB corpus, well under a minute (CI)
#   benches/compare.sh --replicate DIR [--size 1GiB]          on the transcripts of the Claude dir
#                                                             DIR copied with fresh ids up to the
#                                                             size (real line shapes; DIR is only
#                                                             read)
#   benches/compare.sh --all                                  then every other bar: API load at 100k
#                                                             sessions (scripts/load), drop mode in
#                                                             Chromium (drop.sh), serve memory
#                                                             (serve-memory.sh)
#
# The corpus goes to target/bench-corpus-<size> (target/bench-corpus-replicated-<size>) and is
# reused while its size and seed (source) match.
# ccusage, the one-shot commands, the first sync and a plain read of the files (`cat` on every
# core: the floor under any one-shot) run interleaved (one of each per round), so that the
# machine's drift falls on all of them alike; peak memory likewise.
# Prints a markdown table of medians and ratios (also saved as target/bench-results-<size>.md).
# Needs hyperfine, jq, /usr/bin/time, cargo and npm (for benches/peer, if not installed yet).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
size=1GiB
seed=42
runs=5
all=0
replicate=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --smoke) size=4MB; shift ;;
    --all) all=1; shift ;;
    --replicate) replicate=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$runs" -ge 5 ] || { echo "compare.sh: at least 5 runs" >&2; exit 2; }
for tool in hyperfine jq /usr/bin/time cargo; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool is needed" >&2; exit 2; }
done

. "$root/benches/common.sh"

say "the peer (ccusage 20.0.24, pinned in benches/peer)"
ccusage=$("$root/benches/peer/install.sh")

build_release

if [ -n "$replicate" ]; then
  corpus=$(replicated_corpus "$size" "$replicate")
  made="copies of $(cd "$replicate" && pwd) with fresh ids"
else
  corpus=$(bench_corpus size "$size" "$seed")
  made="generated, seed $seed"
fi
bytes=$(find "$corpus/projects" -name '*.jsonl' -printf '%s\n' | awk '{s += $1} END {print s}')
files=$(find "$corpus/projects" -name '*.jsonl' | wc -l)

work=$(mktemp -d)
grow=$(find "$corpus/projects" -name '*.jsonl' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
cp -p "$grow" "$work/grown.backup"
cleanup() {
  # The appended-to file gets its bytes back: the corpus stays reusable.
  cp -p "$work/grown.backup" "$grow"
  rm -rf "$work"
}
trap cleanup EXIT

export CLAUDE_CONFIG_DIR="$corpus" TZ=UTC NO_COLOR=1
hf() { hyperfine --style basic --shell=none --runs "$runs" "$@" >&2; }

# The machine drifts by 10-30% within an hour, so the commands compared run interleaved: each
# round runs every one of them once, and the medians are over rounds.
say "one-shot (ccusage daily, report daily, query overview), first sync and a plain read: $runs interleaved rounds after a warm-up round"
round() {
  hyperfine --style none --shell=none --runs 1 --export-json "$work/round-$1.json" \
    --prepare "rm -f $work/first.redb" \
    -n ccusage "$ccusage claude daily --offline --json" \
    -n report "$bin report daily --json --claude-dir $corpus" \
    -n query "$bin query --claude-dir $corpus /api/analytics/overview" \
    -n first "$bin sync --db $work/first.redb --claude-dir $corpus" \
    -n read "bash -c 'find $corpus/projects -name \"*.jsonl\" -print0 | xargs -0 -P$(nproc) -n 200 cat >/dev/null'" >&2
}
round warmup
for i in $(seq "$runs"); do round "$i"; done

say "sync with nothing changed"
"$bin" sync --db "$work/db.redb" --claude-dir "$corpus" >/dev/null 2>&1
hf --warmup 2 --export-json "$work/nochange.json" -n nochange "$bin sync --db $work/db.redb --claude-dir $corpus"

say "sync after appending 1 MB to the largest file ($(basename "$grow"))"
hf --warmup 1 --export-json "$work/append.json" \
  --prepare "$gen --append-to $grow --bytes 1MB --seed $seed" \
  -n append "$bin sync --db $work/db.redb --claude-dir $corpus"

say "peak memory: $runs interleaved rounds"
peak() { /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1; cat "$work/rss"; }
for i in $(seq "$runs"); do
  echo "ccusage $(peak "$ccusage" claude daily --offline --json)"
  echo "report $(peak "$bin" report daily --json --claude-dir "$corpus")"
  echo "query $(peak "$bin" query --claude-dir "$corpus" /api/analytics/overview)"
  rm -f "$work/first.redb"
  echo "first $(peak "$bin" sync --db "$work/first.redb" --claude-dir "$corpus")"
done >"$work/peaks"
# Median peak (KiB) of one command over the rounds.
peak_median() { awk -v n="$1" '$1 == n {print $2}' "$work/peaks" | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
mem_ccusage=$(peak_median ccusage)
mem_report=$(peak_median report)
mem_query=$(peak_median query)
mem_sync=$(peak_median first)

# Seconds of one measurement: median, or user+system CPU (mean) for per-core throughput; of a
# hyperfine export, or over the interleaved rounds.
median() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .median' "$work/$1.json"; }
rounds() { jq -s "$1" "$work"/round-[0-9]*.json; }
round_median() {
  rounds "[.[].results[] | select(.command == \"$1\") | .mean] | sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end"
}
cpu() { rounds "[.[].results[] | select(.command == \"$1\") | .user + .system] | add / length"; }
t_ccusage=$(round_median ccusage)
t_report=$(round_median report)
t_query=$(round_median query)
t_first=$(round_median first)
t_read=$(round_median read)
t_nochange=$(median nochange nochange)
t_append=$(median append append)

awk -v bytes="$bytes" -v files="$files" -v size="$size" -v made="$made" -v runs="$runs" \
  -v cpu_model="$(lscpu | sed -n 's/^Model name: *//p' | head -1)" -v cores="$(nproc)" \
  -v tc="$t_ccusage" -v tr="$t_report" -v tq="$t_query" -v tf="$t_first" -v tread="$t_read" -v tn="$t_nochange" -v ta="$t_append" \
  -v cc="$(cpu ccusage)" -v cr="$(cpu report)" -v cq="$(cpu query)" \
  -v mc="$mem_ccusage" -v mr="$mem_report" -v mq="$mem_query" -v ms="$mem_sync" '
function t(s) { return s < 1 ? sprintf("%.1f ms", s * 1000) : sprintf("%.2f s", s) }
function mb(kb) { return sprintf("%.0f MB", kb / 1024) }
function faster(a, b) { return a >= b ? sprintf("%.1fx faster", a / b) : sprintf("%.1fx slower", b / a) }
function less(a, b) { return b <= a ? sprintf("%.2fx (%.1fx less)", b / a, a / b) : sprintf("%.2fx (%.1fx more)", b / a, b / a) }
function rate(s) { return sprintf("%.0f MB/s", bytes / 1e6 / s) }
BEGIN {
  printf "Corpus: %s (%s): %.1f MB in %d transcript files. Machine: %s, %d cores. Medians of %d interleaved rounds after a warm-up round (each round runs every compared command once); peak memory: median of %d interleaved runs.\n\n",
    size, made, bytes / 1e6, files, cpu_model, cores, runs, runs
  print "| measurement | ccusage 20.0.24 | cc-analytics | ratio |"
  print "| --- | --- | --- | --- |"
  printf "| one-shot: `ccusage claude daily` vs `report daily --json` | %s | %s | %s |\n", t(tc), t(tr), faster(tc, tr)
  printf "| one-shot: `ccusage claude daily` vs `query /api/analytics/overview` | %s | %s | %s |\n", t(tc), t(tq), faster(tc, tq)
  printf "| first sync into an empty database (vs ccusage one-shot) | %s | %s | %s |\n", t(tc), t(tf), faster(tc, tf)
  printf "| floor: the files only read, on every core (`cat`), vs 5x faster than ccusage | | | %s vs %s |\n", t(tread), t(tc / 5)
  printf "| sync, nothing changed (bar: < 50 ms) | | %s | |\n", t(tn)
  printf "| sync after appending 1 MB to one file (bar: < 100 ms) | | %s | |\n", t(ta)
  printf "| peak memory: daily vs `report daily` | %s | %s | %s |\n", mb(mc), mb(mr), less(mc, mr)
  printf "| peak memory: daily vs `query overview` | %s | %s | %s |\n", mb(mc), mb(mq), less(mc, mq)
  printf "| peak memory: first sync | | %s | |\n", mb(ms)
  printf "| throughput, wall clock (daily / report) | %s | %s | |\n", rate(tc), rate(tr)
  printf "| throughput per core (bytes / user+system CPU) | %s | %s | |\n", rate(cc), rate(cr)
}' | tee "$root/target/bench-results-${replicate:+replicated-}$size.md"

if [ "$all" = 1 ]; then
  say "API load at 100k sessions (scripts/load)"
  LOAD_SESSIONS=100000 LOAD_SYNCING=both "$root/scripts/load"
  say "drop mode in headless Chromium (benches/drop.sh)"
  "$root/benches/drop.sh"
  say "serve memory as the corpus grows (benches/serve-memory.sh)"
  "$root/benches/serve-memory.sh" --no-build --sessions 100000
fi
