# Shared by the benchmark scripts (sourced, not run): progress lines, the release build, the
# generated corpora they reuse, and a server in the background. Expects $root (the repository);
# sets $target, $bin and $gen.

target=${CARGO_TARGET_DIR:-$root/target}
bin="$target/release/cc-analytics"
gen="$target/release/gen-corpus"

say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

# build_release: the release `cc-analytics` and `gen-corpus`.
build_release() {
  say "building release binaries"
  (cd "$root" && cargo build --release --quiet -p cc-analytics-host --bin cc-analytics \
    && cargo build --release --quiet -p cc-analytics-benches --bin gen-corpus)
}

# bench_corpus <size|sessions> <value> <seed>: prints target/bench-corpus-<value> (by size) or
# target/bench-corpus-sessions-<value>, generated unless its marker says it was made the same way.
bench_corpus() {
  local kind=$1 value=$2 seed=$3 dir marker
  if [ "$kind" = size ]; then dir="$root/target/bench-corpus-$value"; else dir="$root/target/bench-corpus-sessions-$value"; fi
  marker="$kind=$value seed=$seed"
  if [ "$(cat "$dir/.generated" 2>/dev/null)" != "$marker" ]; then
    say "generating $dir ($marker)"
    rm -rf "$dir"
    "$gen" --out "$dir" "--$kind" "$value" --seed "$seed" >&2
    echo "$marker" >"$dir/.generated"
  else
    say "reusing $dir"
  fi
  echo "$dir"
}

# replicated_corpus <size> <claude dir>: prints target/bench-corpus-replicated-<size>, the
# transcripts of the Claude dir copied with fresh ids up to the size (`gen-corpus --replicate`),
# made again unless its marker says it was made the same way (ids=2: fresh ids as long as the
# originals; bump it when `--replicate` writes other bytes).
replicated_corpus() {
  local size=$1 source dir marker
  source=$(cd "$2" && pwd)
  dir="$root/target/bench-corpus-replicated-$size"
  marker="replicate=$source size=$size ids=2"
  if [ "$(cat "$dir/.generated" 2>/dev/null)" != "$marker" ]; then
    say "replicating $source into $dir"
    rm -rf "$dir"
    "$gen" --out "$dir" --replicate "$source" --size "$size" >&2
    echo "$marker" >"$dir/.generated"
  else
    say "reusing $dir"
  fi
  echo "$dir"
}

# serve_in_background <server bin> <work dir> <serve args...>: starts `serve --port 0 --tz UTC`
# with its output in the work dir, waits for its address; sets $server (pid) and $base (URL).
serve_in_background() {
  local server_bin=$1 dir=$2
  : >"$dir/serve.out"
  "$server_bin" serve --port 0 --tz UTC "${@:3}" >"$dir/serve.out" 2>"$dir/serve.err" &
  server=$!
  base=""
  for _ in $(seq 1 400); do
    base=$(sed -n 's|^cc-analytics: serving \(http://[^ ]*\).*|\1|p' "$dir/serve.out" | head -n1)
    [ -n "$base" ] && break
    sleep 0.05
  done
  [ -n "$base" ] || { echo "$(basename "$0"): serve did not start" >&2; cat "$dir/serve.err" >&2; exit 1; }
}
