#!/usr/bin/env bash
# Scale-out, shown on loopback: a real PostgreSQL, two Polku instances
# (release build, shared issuer keys and public address, a search index
# each) and nginx balancing between them. Then:
#  1. the learners' load (scripts/bench-load.sh's mix) through nginx:
#     requests/s, latency, errors, both instances' memory;
#  2. a badge earned through instance 1 verifies through instance 2;
#  3. a lesson published through instance 1 is found by search on
#     instance 2 (the time it took is printed);
#  4. the last lesson marked done through both instances at the same
#     moment issues one badge, not two.
# Any failed check exits non-zero.
#   BENCH_LEARNERS (default 300), BENCH_DURATION (default 60s), BENCH_THREADS (default 2)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_env
learners="${BENCH_LEARNERS:-300}"
duration="${BENCH_DURATION:-60s}"
threads="${BENCH_THREADS:-2}"
pg_port=55441 one=3931 two=3932 front=3930
token="scale-bench-admin-token-0123456789"

bash scripts/setup.sh
apt_need wrk curl nginx postgresql
bash scripts/build.sh --release >/dev/null

work="$(mktemp -d /tmp/polku-scale.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  stop_postgres "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT

say "PostgreSQL on 127.0.0.1:$pg_port"
start_postgres "$work/pg" "$pg_port"
db="postgres://postgres@127.0.0.1:$pg_port/postgres"

start() { # port n
  "$CARGO_TARGET_DIR/release/polku" --site-dir "$SITE_DIR" --database-url "$db" --port "$1" \
    --search-index "$work/search-$2" --issuer-keys "$work/issuer-keys.json" \
    --public-url "http://127.0.0.1:$front" --admin-token "$token" >"$work/polku-$2.log" 2>&1 &
  pids+=($!)
  echo $! >"$work/pid-$2"
  wait_healthy "http://127.0.0.1:$1" 150 && return 0
  echo "instance $2 did not start; its log:" >&2
  tail -n 20 "$work/polku-$2.log" >&2
  exit 1
}
# One after the other: the first migrates, imports the courses and makes
# the issuer keys; the second finds them.
say "two Polku instances on :$one and :$two"
start "$one" 1
start "$two" 2

cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 2048; }
http {
  access_log off;
  client_body_temp_path $work;
  proxy_temp_path $work;
  fastcgi_temp_path $work;
  uwsgi_temp_path $work;
  scgi_temp_path $work;
  upstream polku { server 127.0.0.1:$one; server 127.0.0.1:$two; keepalive 64; }
  server {
    listen 127.0.0.1:$front;
    location / {
      proxy_pass http://polku;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host:\$server_port;
    }
  }
}
CONF
nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$front/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

say "load through nginx: $learners learners, $duration"
BENCH_BASE="http://127.0.0.1:$front" BENCH_SERVER_PIDS="$(cat "$work/pid-1") $(cat "$work/pid-2")" \
  BENCH_LEARNERS="$learners" BENCH_DURATION="$duration" BENCH_THREADS="$threads" \
  bash scripts/bench-load.sh | tee "$work/load.log"
grep -q '^errors: none' "$work/load.log" || { echo "FAILED: the load had errors" >&2; exit 1; }

# sign_up PORT NAME: a learner's session cookie value.
sign_up() { session_of "http://127.0.0.1:$1" "$2" "scale-password-$2"; }
post() { # port session path data
  curl -fs -o /dev/null -H 'Sec-Fetch-Site: same-origin' -b "polku_session=$2" --data "$4" \
    "http://127.0.0.1:$1$3"
}
lessons=(devices browser email passwords-and-phishing)
count_badges() { # username
  runuser -u postgres -- psql -h "$work/pg" -p "$pg_port" -At -c \
    "SELECT count(*) FROM badge_awards b JOIN users u ON u.id = b.user_id WHERE u.username = '$1' AND b.revoked_at IS NULL" postgres
}

say "a badge earned through instance 1, checked through instance 2"
s=$(sign_up "$one" scaleone)
post "$one" "$s" /api/enrol "course=digital-basics"
for l in "${lessons[@]}"; do post "$one" "$s" /api/mark_done "course=digital-basics&lesson=$l&done=true"; done
id=$(runuser -u postgres -- psql -h "$work/pg" -p "$pg_port" -At -c \
  "SELECT b.id FROM badge_awards b JOIN users u ON u.id = b.user_id WHERE u.username = 'scaleone'" postgres)
[ -n "$id" ] || { echo "FAILED: no badge was issued" >&2; exit 1; }
curl -fs -b "polku_session=$s" "http://127.0.0.1:$two/badges/$id/badge.json" >"$work/badge.json"
verdict=$(curl -s -H 'Content-Type: application/json' --data-binary @"$work/badge.json" "http://127.0.0.1:$two/api/verify")
outcome=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["outcome"])' "$verdict")
echo "badge $id issued through :$one, checked through :$two: $outcome"
[ "$outcome" = valid ] || { echo "FAILED: $verdict" >&2; exit 1; }

say "a lesson published through instance 1, searched through instance 2"
author=$(curl -s -o /dev/null -D - -H 'Sec-Fetch-Site: same-origin' --data "token=$token" \
  "http://127.0.0.1:$one/author/login" | cookie_from polku_author)
word="zebrakuvio$(date +%s)"
text="$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote_plus(sys.argv[1]))' \
  "+++
title = \"Laitteet\"
+++

Uusi sana: $word.")"
published=$(date +%s%N)
curl -fs -o /dev/null -H 'Sec-Fetch-Site: same-origin' -b "polku_author=$author" \
  --data "course=digital-basics&lesson=devices&lang=fi&text=$text&intent=publish" "http://127.0.0.1:$one/api/save_lesson"
found=""
for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:$two/api/search?q=$word&locale=fi" | grep -q '"total":[1-9]'; then found=1; break; fi
  sleep 0.02
done
[ -n "$found" ] || { echo "FAILED: instance 2 did not find the published word within 2 s" >&2; exit 1; }
echo "published through :$one, found by search on :$two after $(( ($(date +%s%N) - published) / 1000000 )) ms"
# The lesson page follows by instance 2's content watch (every 250 ms).
shown=""
for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:$two/courses/digital-basics/devices" | grep -q "$word"; then shown=1; break; fi
  sleep 0.02
done
[ -n "$shown" ] || { echo "FAILED: instance 2's lesson page did not show the published text within 2 s" >&2; exit 1; }
echo "instance 2's lesson page shows it after $(( ($(date +%s%N) - published) / 1000000 )) ms"

say "the last lesson marked done through both instances at once"
s=$(sign_up "$one" scaletwo)
post "$one" "$s" /api/enrol "course=digital-basics"
for l in devices browser email; do post "$one" "$s" /api/mark_done "course=digital-basics&lesson=$l&done=true"; done
last="course=digital-basics&lesson=passwords-and-phishing&done=true"
post "$one" "$s" /api/mark_done "$last" &
a=$!
post "$two" "$s" /api/mark_done "$last" &
b=$!
wait "$a" || true
wait "$b" || true
n=$(count_badges scaletwo)
echo "badges held after both: $n"
[ "$n" = 1 ] || { echo "FAILED: $n badges" >&2; exit 1; }
errors=$(cat "$work"/polku-*.log | grep -c 'ERROR' || true)
echo "server errors logged: $errors"
cat "$work"/polku-*.log | grep 'ERROR' | sed 's/\x1b\[[0-9;]*m//g' | cut -c1-300 | sort | uniq -c | sort -rn | head -5 || true
say "scale-out checks passed"
