#!/usr/bin/env bash
# Hostile badge checks on loopback, against a fresh SQLite file:
#  1. BENCH_CLIENTS (default 16) clients post a baked PNG whose credential
#     chunk is compressed (245 KB inflating to 240 MiB) to /api/verify for
#     BENCH_DURATION (default 30s). All clients are 127.0.0.1, so the
#     per-address limit is raised for this run (every post reaches the
#     checker); the answers are counted by status.
#  2. GET /badges/status/1 (the signed revocation list) for 10 s.
# Prints requests/s and the server's RSS: idle, peak (sampled every
# 100 ms during the flood) and after.
#   POLKU_BIN: the server binary to measure (default: a release build)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_env
clients="${BENCH_CLIENTS:-16}"
duration="${BENCH_DURATION:-30s}"
port="${BENCH_PORT:-3905}"

apt_need wrk curl python3
if [ -z "${POLKU_BIN:-}" ]; then
  bash scripts/setup.sh
  bash scripts/build.sh --release >/dev/null
  POLKU_BIN="$CARGO_TARGET_DIR/release/polku"
fi

work="$(mktemp -d /tmp/polku-verify-bench.XXXXXX)"
server_pid=""
sampler_pid=""
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT

# The compressed-iTXt PNG: an 8 x 8 image with a compressed
# openbadgecredential chunk of 240 MiB of JSON-looking text.
python3 - "$work/bomb.png" <<'PY'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
z = zlib.compressobj(9)
body = [z.compress(b'{"a":"')]
block = b" " * (1 << 20)
for _ in range(240):
    body.append(z.compress(block))
body.append(z.compress(b'"}'))
body.append(z.flush())
itxt = b"openbadgecredential\0\x01\0\0\0" + b"".join(body)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 6, 0, 0, 0))
png += chunk(b"iTXt", itxt) + chunk(b"IDAT", zlib.compress(b"\0" * (8 * 33))) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
local f = io.open(os.getenv("BENCH_BODY"), "rb")
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "image/png"
local counts = {}
response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
done = function(summary, latency, requests)
  io.write(string.format("answers: %d in %.1f s\n", summary.requests, summary.duration / 1e6))
end
LUA

limits=()
# A build from before the per-address limit has no such flags.
if "$POLKU_BIN" --help | grep -q -- --verify-burst; then
  limits=(--verify-burst 1000000 --verify-per-minute 1000000)
fi
"$POLKU_BIN" --database-url "sqlite://$work/polku.db" --site-dir "$work" --port "$port" \
  "${limits[@]}" >"$work/server.log" 2>&1 &
server_pid=$!
wait_healthy "http://127.0.0.1:$port" 300 || true
rss() { echo $(( $(ps -o rss= -p "$server_pid" | tr -d ' ') / 1024 )); }
sleep 1
echo "server: $POLKU_BIN"
echo "idle RSS: $(rss) MiB"
echo "one post: $(curl -s -o /dev/null -w '%{http_code}, %{size_download} bytes in %{time_total} s' \
  -H 'content-type: image/png' --data-binary @"$work/bomb.png" "http://127.0.0.1:$port/api/verify")" \
  "($(stat -c %s "$work/bomb.png") bytes posted)"
curl -s -H 'content-type: image/png' --data-binary @"$work/bomb.png" "http://127.0.0.1:$port/api/verify" \
  | python3 -c 'import json,sys; v=json.load(sys.stdin); print("verdict:", v["outcome"], "-", v["checks"][0]["detail"])'

( peak=0
  while kill -0 "$server_pid" 2>/dev/null; do
    now=$(ps -o rss= -p "$server_pid" | tr -d ' ')
    [ -n "$now" ] && [ "$now" -gt "$peak" ] && peak=$now && echo "$peak" >"$work/peak"
    sleep 0.1
  done ) &
sampler_pid=$!
out="$(BENCH_BODY="$work/bomb.png" wrk -t2 -c"$clients" -d"$duration" --timeout 30s -s "$work/post.lua" \
  "http://127.0.0.1:$port/api/verify")"
kill "$sampler_pid" 2>/dev/null || true
sampler_pid=""
echo "$clients clients posting the compressed-iTXt PNG for $duration:"
echo "  $(awk '/^Requests\/sec:/ {print $2}' <<<"$out") requests/s; $(grep -E 'Non-2xx|Socket errors' <<<"$out" || echo 'every answer 2xx')"
echo "  peak RSS: $(( $(cat "$work/peak" 2>/dev/null || echo 0) / 1024 )) MiB; RSS after: $(rss) MiB"

list="$(wrk -t1 -c4 -d10s "http://127.0.0.1:$port/badges/status/1")"
echo "GET /badges/status/1, 4 connections, 10 s: $(awk '/^Requests\/sec:/ {print $2}' <<<"$list") requests/s" \
  "($(grep -E 'Non-2xx|Socket errors' <<<"$list" || echo 'every answer 2xx'))"
