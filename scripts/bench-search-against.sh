#!/usr/bin/env bash
# The search index build side by side with another commit's: builds that
# commit's in-process search bench (in a worktree, with its own target
# directory), then runs it and this checkout's in turn, and prints each
# build and the ratio. On a shared machine one build varies by 5-15 % from
# minute to minute, so only a comparison made in the same minutes says how
# much faster the code is.
#   bash scripts/bench-search-against.sh COMMIT [PAIRS]   (default 3 pairs)
# The bench's corpus is generated from a fixed seed; check that COMMIT's
# generator matches (`git diff COMMIT -- server/core/benches/search.rs`).
#
# POLKU_TANTIVY_TABLE_POWER=N (an experiment, nothing of it is kept): also
# builds this checkout's committed HEAD against tantivy's own source with
# one change, a term table of 2^N slots at the start of each segment
# (tantivy as released: 2^19, 4 MiB, for any memory budget it accepts), and
# runs it third in each round.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
base="${1:?usage: bench-search-against.sh COMMIT [PAIRS]}"
pairs="${2:-3}"
base="$(git rev-parse --short "$base")"
base_target="${POLKU_BASE_TARGET:-$POLKU_CACHE/target-$base}"
work="$(mktemp -d /tmp/polku-bench-against.XXXXXX)"
trap 'for t in tree table; do git worktree remove --force "$work/$t" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT

# bench_binary DIR TARGET: builds DIR's search bench, prints its path.
bench_binary() {
  (cd "$1" && CARGO_TARGET_DIR="$2" cargo bench -q -p polku-core --bench search --no-run \
    --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
}

say "building the search bench at $base (target $base_target)"
git worktree add -q --detach "$work/tree" "$base"
cp "$(bench_binary "$work/tree" "$base_target")" "$work/base"
say "building the search bench here ($(git rev-parse --short HEAD))"
cp "$(bench_binary "$ROOT" "$CARGO_TARGET_DIR")" "$work/here"

power="${POLKU_TANTIVY_TABLE_POWER:-}"
if [ -n "$power" ]; then
  tantivy="$(cargo metadata -q --format-version 1 |
    grep -o '"manifest_path":"[^"]*/tantivy-[0-9][0-9.]*/Cargo.toml"' | head -1 |
    sed -E 's/"manifest_path":"(.*)\/Cargo.toml"/\1/')"
  [ -d "$tantivy" ] || { echo "tantivy's source not found" >&2; exit 1; }
  cp -r "$tantivy" "$work/tantivy"
  # The table's size is chosen in one place: the largest power of two in
  # 2^10..2^19 that the budget allows; the cap becomes the variable's.
  sed -i 's|(10\.\.20) // We cap it|(10..std::env::var("POLKU_TANTIVY_TABLE_POWER").ok().and_then(\|p\| p.parse::<usize>().ok()).map_or(20, \|p\| p + 1)) // We cap it|' \
    "$work/tantivy/src/index/inverted_index_plugin.rs"
  grep -q POLKU_TANTIVY_TABLE_POWER "$work/tantivy/src/index/inverted_index_plugin.rs" || {
    echo "tantivy no longer sizes its term table as this script expects: $tantivy" >&2
    exit 1
  }
  git worktree add -q --detach "$work/table" HEAD
  printf '\n[patch.crates-io]\ntantivy = { path = "%s" }\n' "$work/tantivy" >>"$work/table/Cargo.toml"
  say "building the search bench here with tantivy's term table at 2^$power slots"
  cp "$(bench_binary "$work/table" "$CARGO_TARGET_DIR")" "$work/table-bench"
  git worktree remove --force "$work/table"
fi

# build_seconds [env VAR=VALUE] BINARY: runs the bench with one build
# (POLKU_BENCH_BUILDS; older benches build once anyway) until its size
# line, prints the build's seconds.
build_seconds() {
  local out="$work/out" tmp="$work/tmp"
  rm -rf "$tmp" && mkdir -p "$tmp"
  POLKU_BENCH_BUILDS=1 TMPDIR="$tmp" "$@" --bench >"$out" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null && ! grep -q '^size on disk' "$out"; do sleep 0.2; done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$tmp"
  grep -q '^build:' "$out" || { cat "$out" >&2; return 1; }
  sed -nE 's/^build: ([0-9.]+) s.*/\1/p' "$out"
}

say "$pairs pairs, one build of each in turn"
ratio() { awk -v b="$1" -v h="$2" 'BEGIN { printf "%.2f", b / h }'; }
median() {
  printf '%s\n' "${@:2}" | sort -n |
    awk -v what="$1" '{ r[NR] = $1 } END { printf "search index build, %s: median %.2fx (of %d pairs, %.2f-%.2fx)\n", what, r[int((NR + 1) / 2)], NR, r[1], r[NR] }'
}
ratios=()
tables=()
for i in $(seq 1 "$pairs"); do
  b="$(build_seconds "$work/base")"
  h="$(build_seconds "$work/here")"
  r="$(ratio "$b" "$h")"
  ratios+=("$r")
  if [ -n "$power" ]; then
    t="$(build_seconds env POLKU_TANTIVY_TABLE_POWER="$power" "$work/table-bench")"
    tables+=("$(ratio "$b" "$t")")
    echo "pair $i: $base ${b} s, here ${h} s: ${r}x; here with a 2^$power table ${t} s: ${tables[-1]}x"
  else
    echo "pair $i: $base ${b} s, here ${h} s: ${r}x"
  fi
done
median "here against $base" "${ratios[@]}"
if [ -n "$power" ]; then
  median "here with tantivy's term table at 2^$power slots, against $base" "${tables[@]}"
fi
