#!/usr/bin/env bash
# Memory of the server under password hashing: N sign-ups and then N
# sign-ins (default 300 each; every sign-up also signs in, so 3 argon2id
# hashes per learner) against a release build on a fresh SQLite file,
# posted as forms by curl in parallel batches. Prints how many worked, how
# many were refused as busy (503), the time taken, and the server's VmRSS
# (idle before, after) and VmHWM (peak) from /proc.
#   BENCH_SIGNINS  (default 300)  learners
#   BENCH_PARALLEL (default 8)    requests in flight at once
#   POLKU_BIN      a server binary to measure instead of building this
#                  clone's (`cargo build --release -p server`)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_env
count="${BENCH_SIGNINS:-300}"
parallel="${BENCH_PARALLEL:-8}"
port="${BENCH_PORT:-3906}"

apt_need curl
bin="${POLKU_BIN:-}"
if [ -z "$bin" ]; then
  say "building the server (release)"
  cargo build --release -p server >&2
  bin="$CARGO_TARGET_DIR/release/polku"
fi

work="$(mktemp -d /tmp/polku-signins.XXXXXX)"
mkdir -p "$work/site"
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; sleep 0.5; rm -rf "$work"' EXIT
# An empty site folder: pages may lack their scripts and styles, the
# server functions under /api work the same.
"$bin" --site-dir "$work/site" --database-url "sqlite://$work/polku.db" \
  --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
wait_healthy "http://127.0.0.1:$port" 300 || { cat "$work/server.log" >&2; exit 1; }

status() { awk -v k="$1:" '$1 == k {print int($2 / 1024)}' "/proc/$server_pid/status"; }
idle=$(status VmRSS)

# post ENDPOINT N: one form post; prints the status code and whether a
# session cookie came back.
post() {
  local headers
  headers="$(curl -s -o /dev/null -D - -H 'Sec-Fetch-Site: same-origin' \
    --data "username=bench$2&password=bench-password-$2" "http://127.0.0.1:$port/api/$1")"
  local code cookie=no
  code="$(awk 'NR == 1 {print $2}' <<<"$headers")"
  grep -qi '^set-cookie: \(__Host-\)\?polku_session=[^;]' <<<"$headers" && cookie=yes
  echo "$code $cookie"
}
export -f post
export port

run() { # ENDPOINT
  local start end
  start=$(date +%s.%N)
  seq 1 "$count" | xargs -P "$parallel" -I{} bash -c "post $1 {}" >"$work/$1.out"
  end=$(date +%s.%N)
  local ok busy
  ok=$(grep -c '^200 yes$' "$work/$1.out" || true)
  busy=$(grep -c '^503 ' "$work/$1.out" || true)
  printf '%-8s %d of %d with a session, %d busy (503), other: %s; %.1f s\n' "$1" "$ok" "$count" "$busy" \
    "$(grep -v -e '^200 yes$' -e '^503 ' "$work/$1.out" | sort | uniq -c | tr -s ' \n' ' ' || true)" \
    "$(echo "$end - $start" | bc)"
}

say "$count sign-ups, then $count sign-ins, $parallel at a time"
run sign_up
run log_in
echo "server: $bin"
echo "VmRSS idle before: ${idle} MiB; after: $(status VmRSS) MiB; VmHWM (peak): $(status VmHWM) MiB"
