#!/usr/bin/env bash
# Messages on loopback, against a release build on a fresh SQLite file
# (WAL, synchronous=FULL) with a real SMTP server (Debian's aiosmtpd) for
# the notification e-mails: 10 coaches, each with a group of 30 learners
# (300), every learner with an e-mail address.
#   1. Messages per second over HTTP: every learner writes to her coach
#      (POST /api/send_message, a plain form: one message, one
#      notification, its e-mail queued), wrk with one connection per
#      learner, BENCH_SEND_SECONDS (default 10; the per-sender limit of
#      30 messages per 10 minutes is not reached in that time).
#   2. The inbox page (GET /messages) of all 310 people, BENCH_DURATION
#      (default 30s): requests/s and latency percentiles.
#   3. E-mails: queued by (1), sent by the server's mailer meanwhile;
#      the rate at which the outbox empties.
# Prints the figures; checks nothing (tests check behaviour).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_env
duration="${BENCH_DURATION:-30s}"
send_seconds="${BENCH_SEND_SECONDS:-10}"
threads="${BENCH_THREADS:-2}"
port=3907
smtp_port=3927

bash scripts/setup.sh
apt_need wrk curl sqlite3 python3-aiosmtpd
bash scripts/build.sh --release >/dev/null

work="$(mktemp -d /tmp/polku-messages.XXXXXX)"
server_pid=""
smtp_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  if [ -n "$smtp_pid" ]; then kill "$smtp_pid" 2>/dev/null || true; fi
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT
if curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
  echo "port $port is in use: stop what runs there first" >&2
  exit 1
fi
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$work/mail" \
  >"$work/smtp.log" 2>&1 &
smtp_pid=$!
"$CARGO_TARGET_DIR/release/polku" --site-dir "$SITE_DIR" --database-url "sqlite://$work/polku.db" \
  --port "$port" --smtp-url "smtp://127.0.0.1:$smtp_port" >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
wait_healthy "$base"
wait_sandbox "$work/server.log" || true
db="$work/polku.db"

say "signing up 10 coaches and 300 learners (argon2id per sign-up)"
sign_up_mail() {
  curl -s -o /dev/null -D - -H 'Sec-Fetch-Site: same-origin' \
    --data "username=$1&password=bench-password-$1&email=$1@example.fi" "$base/api/sign_up" |
    cookie_from polku_session | sed "s/^/$1 /"
}
export -f sign_up_mail cookie_from
export base
{ seq -f 'coach%g' 1 10; seq -f 'learner%g' 1 300; } | xargs -P 2 -I{} bash -c 'sign_up_mail {}' >"$work/sessions"
[ "$(grep -c ' .' "$work/sessions")" -eq 310 ] || { echo "not every sign-up worked" >&2; exit 1; }
# The coaches' role, set in the database (the admin page does the same
# one row at a time); the session reads the role on each request.
sqlite3 "$db" "UPDATE users SET role = 'coach' WHERE username LIKE 'coach%'"
token() { awk -v u="$1" '$1 == u {print $2}' "$work/sessions"; }
for c in $(seq 1 10); do
  curl -fs -o /dev/null -H 'Sec-Fetch-Site: same-origin' -b "polku_session=$(token "coach$c")" \
    --data "name=Ryhmä $c" "$base/api/create_group"
done
for l in $(seq 1 300); do
  c=$(( (l - 1) / 30 + 1 ))
  code=$(sqlite3 "$db" "SELECT g.join_code FROM groups g JOIN users u ON u.id = g.coach_id WHERE u.username = 'coach$c'")
  curl -fs -o /dev/null -H 'Sec-Fetch-Site: same-origin' -b "polku_session=$(token "learner$l")" \
    --data "code=$code" "$base/api/join_group"
done
members=$(sqlite3 "$db" "SELECT COUNT(*) FROM group_members WHERE accepted_at IS NOT NULL")
echo "groups: 10, members: $members"

# wrk: each learner (a connection each) writes to her coach.
{
  echo 'local learners = {'
  for l in $(seq 1 300); do
    c=$(( (l - 1) / 30 + 1 ))
    coach_id=$(sqlite3 "$db" "SELECT id FROM users WHERE username = 'coach$c'")
    echo "  { \"$(token "learner$l")\", $coach_id },"
  done
  echo '}'
  cat <<'LUA'
local n = 0
request = function()
  n = n + 1
  local who = learners[(n % #learners) + 1]
  local headers = {
    ["Cookie"] = "polku_session=" .. who[1],
    ["Sec-Fetch-Site"] = "same-origin",
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "text/html",
  }
  return wrk.format("POST", "/api/send_message", headers,
    "person=" .. who[2] .. "&body=Hei%2C+tarvitsen+apua+teht%C3%A4v%C3%A4n+" .. n .. "+kanssa.")
end
LUA
} >"$work/send.lua"
{
  echo 'local tokens = {'
  awk '{print "  \"" $2 "\","}' "$work/sessions"
  echo '}'
  cat <<'LUA'
local n = 0
request = function()
  n = n + 1
  local headers = { ["Cookie"] = "polku_session=" .. tokens[(n % #tokens) + 1] }
  return wrk.format("GET", "/messages", headers)
end
LUA
} >"$work/inbox.lua"

say "1. messages: 300 learners write to their coaches for ${send_seconds}s (wrk -t$threads -c300)"
sent_before=$(sqlite3 "$db" "SELECT COUNT(*) FROM notifications WHERE email_state = 'sent'")
out="$(wrk -t"$threads" -c300 -d"${send_seconds}s" --latency -s "$work/send.lua" "$base")"
stored=$(sqlite3 "$db" "SELECT COUNT(*) FROM messages")
learner_messages=$(sqlite3 "$db" "SELECT COUNT(*) FROM messages m JOIN users u ON u.id = m.author_id WHERE u.username LIKE 'learner%'")
echo "$out" | sed -n '/Latency Distribution/,/Requests\/sec/p'
requests=$(awk '/requests in/ {print $1}' <<<"$out")
echo "messages stored: $stored in ${send_seconds} s = $((stored / send_seconds)) messages/s; p50 $(awk '$1=="50%" {print $2}' <<<"$out"), p99 $(awk '$1=="99%" {print $2}' <<<"$out")"
# A refusal of a plain form comes back as a redirect, which wrk counts as
# a success: compare with what was stored.
echo "requests: $requests, not stored: $((requests - stored))"
echo "errors: $(grep -E 'Non-2xx|Socket errors|Timeout' <<<"$out" || echo none)"
queued=$(sqlite3 "$db" "SELECT COUNT(*) FROM notifications WHERE email_state IS NOT NULL")
echo "e-mails queued: $queued (one per message: $learner_messages)"

say "2. the inbox page: 310 people, $duration (wrk -t$threads -c310)"
out="$(wrk -t"$threads" -c310 -d"$duration" --latency -s "$work/inbox.lua" "$base")"
echo "$out" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "inbox: $(awk '/^Requests\/sec:/ {print $2}' <<<"$out") requests/s, p50 $(awk '$1=="50%" {print $2}' <<<"$out"), p99 $(awk '$1=="99%" {print $2}' <<<"$out")"
echo "errors: $(grep -E 'Non-2xx|Socket errors|Timeout' <<<"$out" || echo none)"

say "3. e-mails: the outbox empties"
start=$(date +%s.%N)
sent_start=$(sqlite3 "$db" "SELECT COUNT(*) FROM notifications WHERE email_state = 'sent'")
for _ in $(seq 1 600); do
  pending=$(sqlite3 "$db" "SELECT COUNT(*) FROM notifications WHERE email_state = 'pending'")
  [ "$pending" -eq 0 ] && break
  sleep 0.5
done
end=$(date +%s.%N)
sent=$(sqlite3 "$db" "SELECT COUNT(*) FROM notifications WHERE email_state = 'sent'")
received=$(find "$work/mail/new" -type f | wc -l)
echo "e-mails sent: $sent (during the loads: $((sent_start - sent_before)); after: $((sent - sent_start)) in $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}') s = $(awk -v n=$((sent - sent_start)) -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", n / (b - a)}') e-mails/s); received by the SMTP server: $received; still pending: $pending"
echo "server RSS: $(awk '$1 == "VmRSS:" {print int($2 / 1024)}' "/proc/$server_pid/status") MiB, peak $(awk '$1 == "VmHWM:" {print int($2 / 1024)}' "/proc/$server_pid/status") MiB"
echo "server errors logged: $(grep -c 'ERROR' "$work/server.log" || true)"
grep 'ERROR' "$work/server.log" | sed 's/\x1b\[[0-9;]*m//g; s/^[^ ]* *//' | sort | uniq -c | sort -rn | head -5 || true
