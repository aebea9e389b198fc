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
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
base="${1:?usage: bench-search-against.sh COMMIT [PAIRS]}"
pairs="${2:-3}"
base="$(git rev-parse --short "$base")"
base_target="${POLKU_BASE_TARGET:-$POLKU_CACHE/target-$base}"
work="$(mktemp -d /tmp/polku-bench-against.XXXXXX)"
trap 'git worktree remove --force "$work/tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

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

# build_seconds BINARY: runs the bench with one build (POLKU_BENCH_BUILDS;
# older benches build once anyway) until its size line, prints the build's
# seconds.
build_seconds() {
  local out="$work/out" tmp="$work/tmp"
  rm -rf "$tmp" && mkdir -p "$tmp"
  POLKU_BENCH_BUILDS=1 TMPDIR="$tmp" "$1" --bench >"$out" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null && ! grep -q '^size on disk' "$out"; do sleep 0.2; done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$tmp"
  grep -q '^build:' "$out" || { cat "$out" >&2; return 1; }
  sed -nE 's/^build: ([0-9.]+) s.*/\1/p' "$out"
}

say "$pairs pairs, one build of each in turn"
ratios=()
for i in $(seq 1 "$pairs"); do
  b="$(build_seconds "$work/base")"
  h="$(build_seconds "$work/here")"
  r="$(awk -v b="$b" -v h="$h" 'BEGIN { printf "%.2f", b / h }')"
  ratios+=("$r")
  echo "pair $i: $base ${b} s, here ${h} s: ${r}x"
done
printf '%s\n' "${ratios[@]}" | sort -n |
  awk -v base="$base" '{ r[NR] = $1 } END { printf "search index build, here against %s: median %.2fx (of %d pairs, %.2f-%.2fx)\n", base, r[int((NR + 1) / 2)], NR, r[1], r[NR] }'
