#!/usr/bin/env bash
# A lesson with a Python exercise as a learner's phone loads it (headless
# Chromium at 360 px, a fresh profile each time, loopback): the bytes
# fetched with and without such an exercise, when the code editor is in
# place, and how long the first trial run in the browser takes (MicroPython
# fetched and compiled) and a second one. The server-side check's figures
# come from `cargo bench -p polku-sandbox --bench check`.
#   POLKU_BIN: the server binary to measure (default: a release build)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_env
port="${BENCH_PORT:-3907}"

if [ -z "${POLKU_BIN:-}" ]; then
  bash scripts/setup.sh
  bash scripts/build.sh --release >/dev/null
  POLKU_BIN="$CARGO_TARGET_DIR/release/polku"
fi
[ -d e2e/node_modules ] || npm ci --prefix e2e --no-audit --no-fund --loglevel=error

work="$(mktemp -d /tmp/polku-exercise-bench.XXXXXX)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT

"$POLKU_BIN" --database-url "sqlite://$work/polku.db" --site-dir "$SITE_DIR" --port "$port" \
  >"$work/server.log" 2>&1 &
server_pid=$!
wait_healthy "http://127.0.0.1:$port" 300
echo "server: $POLKU_BIN"
POLKU_BASE_URL="http://127.0.0.1:$port" node e2e/bench-exercises.mjs
