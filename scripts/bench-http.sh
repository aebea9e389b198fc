#!/usr/bin/env bash
# HTTP benchmark on loopback: the lesson page served by Polku (release
# build, SQLite) next to nginx serving the same HTML as a static file, in
# the same run, with the same wrk settings: read anonymously (a page kept
# whole in memory after its first render) and by a signed-in learner
# (session, enrolment and progress, her counts and the discussion: the
# page kept with holes for her parts, which are filled for each request
# from what the server keeps of her, the view noted every 30 s).
#   BENCH_DURATION (default 15s), BENCH_CONNECTIONS (default 32), BENCH_THREADS (default 1)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_env
duration="${BENCH_DURATION:-15s}"
connections="${BENCH_CONNECTIONS:-32}"
threads="${BENCH_THREADS:-1}"
path="/courses/digital-basics/devices"

bash scripts/setup.sh
apt_need wrk nginx curl
bash scripts/build.sh --release >/dev/null

work="$(mktemp -d /tmp/polku-bench.XXXXXX)"
mkdir -p "$work/www"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.5; rm -rf "$work"' EXIT

"$CARGO_TARGET_DIR/release/polku" --site-dir "$SITE_DIR" --database-url "sqlite://$work/polku.db" --port 3902 \
  >"$work/polku.log" 2>&1 &
pids+=($!)
polku_pid=$!
wait_healthy http://127.0.0.1:3902 || true
wait_sandbox "$work/polku.log" || true
curl -fs "http://127.0.0.1:3902$path" >"$work/www/lesson.html"
# Idle: some seconds without a request. The start's import and index
# build free their memory, the code grammars its lessons were rendered
# with are dropped 10 s after their last use (content::highlight), and
# jemalloc returns freed pages a quarter second after their last use
# (dirty_decay_ms, .cargo/config.toml). Sampled each second after start:
# 32-33 MiB of heap until the grammars go, 22-23 MiB from then on.
sleep 15
idle_rss_kb=$(ps -o rss= -p "$polku_pid" | tr -d ' ')
idle_anon_kb=$(awk '$1 == "RssAnon:" {print $2}' "/proc/$polku_pid/status")

cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work;
  proxy_temp_path $work;
  fastcgi_temp_path $work;
  uwsgi_temp_path $work;
  scgi_temp_path $work;
  server {
    listen 127.0.0.1:3903;
    root $work/www;
    location / { default_type text/html; }
  }
}
CONF
nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 1 50); do curl -fs http://127.0.0.1:3903/lesson.html >/dev/null 2>&1 && break; sleep 0.1; done

run() { # name url [wrk options]
  local out name="$1" url="$2"
  shift 2
  out="$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" "$url")"
  local rps p50 p99 errors
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  errors="$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)"
  printf '%-28s %12s req/s   p50 %-9s p99 %-9s %s\n' "$name" "$rps" "$p50" "$p99" "${errors:-no errors}"
  echo "$rps"  >"$work/$name.rps"
}

html_bytes=$(stat -c %s "$work/www/lesson.html")
html_gz=$(gzip -9 -c "$work/www/lesson.html" | wc -c)
css_gz=$(stat -c %s "$SITE_DIR/pkg/polku.css.gz")
echo "lesson page: $html_bytes bytes HTML ($html_gz gzip) + $css_gz bytes CSS gzip; wasm $(stat -c %s "$SITE_DIR/pkg/polku_bg.wasm.gz") bytes gzip"
echo "server idle RSS: $((idle_rss_kb / 1024)) MiB (RssAnon, the heap: $((idle_anon_kb / 1024)) MiB; the rest is the binary's code mapped from disk)"
echo "wrk -t$threads -c$connections -d$duration, loopback, $(nproc) cores shared by wrk and the server"
token="$(session_of http://127.0.0.1:3902 benchreader bench-password-long)"
[ -n "$token" ] || { echo "sign-up failed" >&2; exit 1; }
curl -fs -o /dev/null -H 'Sec-Fetch-Site: same-origin' -b "polku_session=$token" \
  --data 'course=digital-basics' "http://127.0.0.1:3902/api/enrol"
curl -fs -b "polku_session=$token" "http://127.0.0.1:3902$path" | grep -q '/api/log_out' ||
  { echo "the signed-in page is not the reader's (no sign-out form)" >&2; exit 1; }

run polku-anonymous "http://127.0.0.1:3902$path"
run polku-signed-in "http://127.0.0.1:3902$path" -H "Cookie: polku_session=$token"
run nginx-static "http://127.0.0.1:3903/lesson.html"
ratio() { awk -v a="$(cat "$work/$1.rps")" -v b="$(cat "$work/nginx-static.rps")" 'BEGIN { printf "%.0f", 100 * a / b }'; }
echo "polku anonymous / nginx: $(ratio polku-anonymous)%"
echo "polku signed in / nginx: $(ratio polku-signed-in)%"
echo "server RSS after load: $(( $(ps -o rss= -p "$polku_pid" | tr -d ' ') / 1024 )) MiB"
