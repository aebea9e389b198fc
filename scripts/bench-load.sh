#!/usr/bin/env bash
# Load on loopback: N simulated learners (default 300) reading lessons and
# posting progress for a while (default 60 s) against a release build on a
# fresh SQLite file (WAL, synchronous=FULL: every acknowledged write is on
# disk). Each learner has their own account and session; wrk keeps one
# connection per learner and, per request, reads a lesson (about 2 in 3
# requests) or marks one done / undone (about 1 in 3, a POST with a
# database write). Prints requests/s, latency percentiles, errors, and the
# server's memory: RSS before, peak (VmHWM) and after, and the anonymous
# part (RssAnon: the heap, not the binary's mapped code) before, peak
# (sampled every 100 ms) and after.
#   BENCH_LEARNERS (default 300), BENCH_DURATION (default 60s), BENCH_THREADS (default 2),
#   BENCH_OPEN_SECONDS (default 30; 0: no open-loop run)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_env
learners="${BENCH_LEARNERS:-300}"
duration="${BENCH_DURATION:-60s}"
threads="${BENCH_THREADS:-2}"
port=3904

bash scripts/setup.sh
apt_need wrk curl
bash scripts/build.sh --release >/dev/null

work="$(mktemp -d /tmp/polku-load.XXXXXX)"
server_pid=""
sampler=""
cleanup() {
  if [ -n "$sampler" ]; then kill "$sampler" 2>/dev/null || true; fi
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT
if [ -n "${BENCH_BASE:-}" ]; then
  # Servers started by the caller (scripts/bench-scale.sh): load BENCH_BASE,
  # and measure the memory of BENCH_SERVER_PIDS.
  base="$BENCH_BASE"
  server_pids="${BENCH_SERVER_PIDS:?BENCH_SERVER_PIDS names the servers behind BENCH_BASE}"
else
  "$CARGO_TARGET_DIR/release/polku" --site-dir "$SITE_DIR" --database-url "sqlite://$work/polku.db" \
    --port "$port" >"$work/server.log" 2>&1 &
  server_pid=$!
  server_pids=$server_pid
  base="http://127.0.0.1:$port"
  wait_healthy "$base" || true
  wait_sandbox "$work/server.log" || true
fi

say "signing up $learners learners (argon2id per sign-up)"
sign_up() { session_of "$base" "bench$1" "bench-password-$1"; }
export -f sign_up session_of cookie_from
export base
seq 1 "$learners" | xargs -P 2 -I{} bash -c 'sign_up {}' >"$work/tokens"
got=$(grep -c . "$work/tokens" || true)
[ "$got" -eq "$learners" ] || { echo "only $got of $learners sign-ups worked" >&2; exit 1; }
while read -r token; do
  curl -fs -o /dev/null -H 'Sec-Fetch-Site: same-origin' -b "polku_session=$token" \
    --data 'course=digital-basics' "$base/api/enrol"
done <"$work/tokens"

{
  echo 'local tokens = {'
  sed 's/.*/  "&",/' "$work/tokens"
  echo '}'
  cat <<'LUA'
local lessons = { "devices", "browser", "email", "passwords-and-phishing" }
local n = 0
request = function()
  n = n + 1
  local token = tokens[(n % #tokens) + 1]
  local lesson = lessons[(n % #lessons) + 1]
  local headers = { ["Cookie"] = "polku_session=" .. token, ["Sec-Fetch-Site"] = "same-origin" }
  if n % 3 == 0 then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    local done = (n % 2 == 0) and "true" or "false"
    return wrk.format("POST", "/api/mark_done", headers,
      "course=digital-basics&lesson=" .. lesson .. "&done=" .. done)
  end
  return wrk.format("GET", "/courses/digital-basics/" .. lesson, headers)
end
LUA
} >"$work/learners.lua"

# The servers' memory in MiB, summed: rss FIELD (VmRSS now, VmHWM peak).
mem() { local total=0 p; for p in $server_pids; do total=$((total + $(awk -v f="$1:" '$1 == f {print int($2 / 1024)}' "/proc/$p/status"))); done; echo "$total"; }
rss() { mem VmRSS; }
anon() { mem RssAnon; }
# The highest RssAnon seen, sampled every 100 ms while the load runs.
sample_anon() {
  local top=0 now
  while :; do
    now=$(anon 2>/dev/null || echo 0)
    [ "$now" -gt "$top" ] && top=$now && echo "$top" >"$work/anon-peak"
    sleep 0.1
  done
}
# The sign-ups' peak is their own: two argon2id hashes at a time, their
# 19 MiB buffers kept while sign-ups keep coming and all given back 5 s
# after the last (accounts::passwords::IDLE_RELEASE). The load's peak
# is measured from here on: the high-water mark is reset (clear_refs 5).
signup_peak=$(mem VmHWM)
sleep 6
for p in $server_pids; do echo 5 >"/proc/$p/clear_refs" 2>/dev/null || true; done
before=$(rss)
anon_before=$(anon)
sample_anon &
sampler=$!
say "load: $learners learners, $duration, wrk -t$threads -c$learners"
out="$(wrk -t"$threads" -c"$learners" -d"$duration" --latency -s "$work/learners.lua" "$base")"
peak=$(mem VmHWM)
after=$(rss)
kill "$sampler" 2>/dev/null || true
anon_peak=$(cat "$work/anon-peak" 2>/dev/null || echo "?")
echo "$out" | sed -n '/Latency Distribution/,/Requests\/sec/p'
errors="$(grep -E 'Non-2xx|Socket errors|Timeout' <<<"$out" || true)"
done_rows=$(sqlite3 "$work/polku.db" 'SELECT COUNT(*) FROM lesson_progress' 2>/dev/null || echo "?")
if [ -n "${BENCH_BASE:-}" ]; then touch "$work/server.log"; fi
echo "learners: $learners, duration: $duration, $(nproc) cores shared by wrk and the server"
echo "requests/s: $(awk '/^Requests\/sec:/ {print $2}' <<<"$out"), p50 $(awk '$1=="50%" {print $2}' <<<"$out"), p99 $(awk '$1=="99%" {print $2}' <<<"$out")"
echo "errors: ${errors:-none}"
echo "server RSS: ${before} MiB before, ${peak} MiB peak, ${after} MiB after; lesson_progress rows: $done_rows"
echo "server RSS during the $learners sign-ups before it (peak): ${signup_peak} MiB"
echo "server RssAnon (heap): ${anon_before} MiB before, ${anon_peak} MiB peak, $(anon) MiB after"
failed=$(grep -c 'ERROR' "$work/server.log" || true)
echo "server errors logged: $failed"
grep 'ERROR' "$work/server.log" | grep -v 'on_failure' | sed 's/\x1b\[[0-9;]*m//g' | sort | uniq -c | sort -rn | head -5 || true

# The same learners at a realistic rate: one request each a second (open
# loop, latency from when each request was due).
open_seconds="${BENCH_OPEN_SECONDS:-30}"
if [ "$open_seconds" != 0 ]; then
  sleep 2
  node scripts/open-loop.mjs "$base" "$work/tokens" "$open_seconds" || echo "open loop: errors (see above)"
  echo "server RSS after the open loop: $(rss) MiB (RssAnon $(anon) MiB); peak $(mem VmHWM) MiB"
fi
