#!/usr/bin/env bash
# One bench command: runs the HTTP, load, hostile-badge, Lighthouse and
# Python-exercise page benches against one release build (and, in the full run, the in-process
# badge bench, the search bench at 10 000 lessons and the search index
# build side by side with the code the performance issue was filed on)
# and prints one table of their figures, which it also writes to
# bench/RESULTS.md with the commit measured.
#   bash scripts/bench.sh            the full run (about 30 minutes; the
#                                    first also builds the old code's
#                                    search bench, about 8 more)
#   bash scripts/bench.sh --short    shorter runs, fewer learners, no badge or search bench (under 5 minutes)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
short=""
# The commit before the performance issue's first change.
FILED_AT=e2e7188
[ "${1:-}" = "--short" ] && short=1

bash scripts/setup.sh
bash scripts/build.sh --release >/dev/null
out="$(mktemp -d /tmp/polku-bench-all.XXXXXX)"
trap 'rm -rf "$out"' EXIT

if [ -n "$short" ]; then
  http_duration=5s load_learners=100 load_duration=15s open_seconds=15 verify_duration=10s
else
  http_duration=15s load_learners=300 load_duration=60s open_seconds=30 verify_duration=30s
fi

say "lesson page, anonymous and signed in, next to nginx ($http_duration each)"
BENCH_DURATION=$http_duration bash scripts/bench-http.sh | tee "$out/http.log"
say "$load_learners learners reading and marking lessons ($load_duration)"
BENCH_LEARNERS=$load_learners BENCH_DURATION=$load_duration BENCH_OPEN_SECONDS=$open_seconds \
  bash scripts/bench-load.sh | tee "$out/load.log"
say "hostile badge checks and the revocation list ($verify_duration)"
BENCH_DURATION=$verify_duration POLKU_BIN="$CARGO_TARGET_DIR/release/polku" bash scripts/bench-verify.sh |
  tee "$out/verify.log"

say "Lighthouse, mobile (catalog, lesson, search, verify)"
bash scripts/bench-lighthouse.sh | tee "$out/lighthouse.log"
say "a lesson with a Python exercise in Chromium: bytes, the code editor, trial runs"
BENCH_RUNS=${short:+3} POLKU_BIN="$CARGO_TARGET_DIR/release/polku" bash scripts/bench-exercises.sh |
  tee "$out/exercises.log"
if [ -z "$short" ]; then
  say "badges in process: issue and check (criterion bench)"
  cargo bench -q -p polku-core --bench badges 2>/dev/null | tee "$out/badges.log"
  say "search at 10 000 lessons: index build, HTTP at 32 connections and at 1"
  bash scripts/bench-search.sh | tee "$out/search.log"
  # The build's speed-up, measured side by side with the code the
  # performance issue was filed on (the commit before its first change):
  # one machine's figure from another hour is not a fair baseline.
  say "search index build, side by side with the code at $FILED_AT"
  bash scripts/bench-search-against.sh "$FILED_AT" 3 | tee "$out/against.log"
fi

# pick FILE NAME FIELD: the FIELD-th word after NAME on its line.
pick() { awk -v name="$2" -v n="$3" '$1 == name { print $(n + 1); exit }' "$out/$1"; }
line() { grep -m1 -E "$2" "$out/$1" | sed -E "s/^ +//" || true; }
size() { stat -c %s "$SITE_DIR/pkg/$1" 2>/dev/null || echo "?"; }
# What every page loads: the first module, its JavaScript and the split
# modules' loader. The islands loaded when their page opens (the read-aloud
# player on a lesson with audio, a conversation's messages, the lesson
# editor) and the chunks they share, each by name.
wasm_br=$(( $(size polku_bg.wasm.br) + $(size polku.js.br) + $(size __wasm_split.js.br) ))
wasm_gz=$(( $(size polku_bg.wasm.gz) + $(size polku.js.gz) + $(size __wasm_split.js.gz) ))
lazy=""
for f in "$SITE_DIR"/pkg/split_*.wasm.br "$SITE_DIR"/pkg/chunk_*.wasm.br; do
  [ -e "$f" ] || continue
  name="$(basename "$f" .wasm.br)"; name="${name#split_}"; name="${name%_loader_*}"
  lazy="$lazy${lazy:+, }$name $(stat -c %s "$f")"
done

commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench' || echo '+changes')"
table="$(cat <<TABLE
| what | measured |
| --- | --- |
| anonymous lesson page (wrk -c32, loopback) | $(pick http.log polku-anonymous 1) req/s, p50 $(pick http.log polku-anonymous 4), p99 $(pick http.log polku-anonymous 6) |
| signed-in lesson page | $(pick http.log polku-signed-in 1) req/s, p50 $(pick http.log polku-signed-in 4), p99 $(pick http.log polku-signed-in 6) |
| nginx, the same HTML as a file | $(pick http.log nginx-static 1) req/s, p99 $(pick http.log nginx-static 6) |
| Polku / nginx | $(line http.log 'anonymous / nginx' | awk '{print $NF}') anonymous, $(line http.log 'signed in / nginx' | awk '{print $NF}') signed in |
| $load_learners learners, closed loop ($load_duration) | $(line load.log '^requests/s') |
| server memory under that load | $(line load.log '^server RSS:') |
| the sign-ups before it (argon2id, two at a time) | $(line load.log '^server RSS during') |
| its heap (RssAnon) | $(line load.log '^server RssAnon') |
| the same learners, open loop (one request each a second) | $(line load.log '^open loop') |
| idle server | $(line http.log '^server idle RSS') |
| JavaScript + wasm every page loads | $wasm_br bytes brotli, $wasm_gz gzip |
| islands' modules, loaded when their page opens (bytes brotli) | $lazy |
| 16 clients posting a compressed-iTXt PNG | $(line verify.log 'requests/s;' ) $(line verify.log 'peak RSS') |
| signed revocation list | $(line verify.log 'badges/status/1') |
$(sed -nE 's/^lighthouse ([a-z-]+): (.*)$/| Lighthouse mobile, \1 page | \2 |/p' "$out/lighthouse.log")
| first visit to a lesson without a Python exercise (Chromium, fresh profile) | $(line exercises.log '^lesson without' | sed -E 's/^[^:]*: //') |
| the same, with one | $(line exercises.log '^lesson with a' | sed -E 's/^[^:]*: //') |
| the code editor in place | $(line exercises.log 'code editor in place') |
| the first trial run in the browser | $(line exercises.log '^the first trial run' | sed -E 's/^[^:]*: //') |
TABLE
)"
if [ -z "$short" ]; then
  table+="
| issue one badge, in process | $(line badges.log '^issue ' | sed -E 's/^[^:]*: //') |
| check one badge, in process | $(line badges.log '^verify \(' | sed -E 's/^[^:]*: //') |
| search index build, 10 000 lessons | $(line search.log '^build:' | sed -E 's/^build: //') |
| the same, side by side with $FILED_AT | $(line against.log '^search index build, here against' | sed -E 's/^[^:]*: //'); $(grep -E '^pair ' "$out/against.log" | sed -E 's/^pair [0-9]+: //' | paste -sd ';' | sed 's/;/; /g') |
| search over HTTP, 32 connections | $(line search.log '^HTTP /search\?q=… +[0-9]' | sed -E 's/^HTTP [^ ]+ +//') |
| search over HTTP, 1 connection | $(line search.log '\(c1\)' | sed -E 's/^.*\(c1\) +//') |
| server RSS with the search index, after load | $(line search.log '^server RSS after load' | sed -E 's/^[^:]*: //') |"
else
  table+="
| badges in process, search at 10 000 lessons | not in short mode: \`bash scripts/bench.sh\` |"
fi
echo
echo "Polku benchmarks, commit $commit, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores shared by the load generator and the server${short:+, short mode}"
echo
echo "$table"
mkdir -p bench
# The table replaces the file's first section; the sections after it
# (other benches' figures, written by hand with their commits) stay.
rest=""
[ -f bench/RESULTS.md ] && rest="$(awk 'seen || /^## / { seen = 1; print }' bench/RESULTS.md)"
{
  echo "# Benchmark results"
  echo
  echo "The last run of \`bash scripts/bench.sh${short:+ --short}\`: commit $commit, $(date -u '+%Y-%m-%d %H:%M UTC'),"
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), shared by the load generator and the server."
  echo
  echo "$table"
  if [ -n "$rest" ]; then
    echo
    echo "$rest"
  fi
} >bench/RESULTS.md.new
mv bench/RESULTS.md.new bench/RESULTS.md
say "written to bench/RESULTS.md"
