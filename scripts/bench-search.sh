#!/usr/bin/env bash
# Search benchmark on a generated corpus (default 10 000 lessons):
#  1. in-process: the tantivy index (build time, size, query latency) next to
#     an SQLite FTS5 table and a LIKE scan on the same data, in one run
#     (cargo bench -p polku-core --bench search);
#  2. over HTTP on loopback: the release server on the same content, wrk
#     rotating through the same queries on /search under concurrent load.
#   POLKU_BENCH_LESSONS (default 10000), POLKU_BENCH_QUERIES (default 2000)
#   BENCH_DURATION (default 30s), BENCH_CONNECTIONS (default 32), BENCH_THREADS (default 1)
#   BENCH_READY_TIMEOUT seconds to wait for import + index build (default 900)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_env
duration="${BENCH_DURATION:-30s}"
connections="${BENCH_CONNECTIONS:-32}"
threads="${BENCH_THREADS:-1}"
ready_timeout="${BENCH_READY_TIMEOUT:-900}"
port=3903
base="http://127.0.0.1:$port"

bash scripts/setup.sh
apt_need wrk curl
bash scripts/build.sh --release >/dev/null

work="$(mktemp -d /tmp/polku-bench-search.XXXXXX)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.5; rm -rf "$work"' EXIT

say "in-process: tantivy vs SQLite FTS5 / LIKE (the corpus is kept for the HTTP run)"
POLKU_BENCH_KEEP="$work" cargo bench -p polku-core --bench search

say "over HTTP: release server on the same content"
started=$(date +%s)
"$CARGO_TARGET_DIR/release/polku" --site-dir "$SITE_DIR" --content-dir "$work/content" \
  --database-url "sqlite://$work/polku.db" --port "$port" >"$work/polku.log" 2>&1 &
pids+=($!)
polku_pid=$!

alive() {
  kill -0 "$polku_pid" 2>/dev/null && return 0
  echo "the server stopped; its log:" >&2
  tail -n 30 "$work/polku.log" >&2
  exit 1
}
# Result links on a page; the page chrome may link to courses too, so a
# query that finds nothing gives the baseline.
result_links() { curl -s "$base/search?q=$1" | grep -o 'href="/courses/' | wc -l || true; }

# The server imports the content before it listens, then builds the index
# in the background: wait until a search finds lessons.
until curl -fs "$base/healthz" >/dev/null 2>&1; do
  alive
  [ $(($(date +%s) - started)) -gt "$ready_timeout" ] && { echo "the server did not start in ${ready_timeout}s" >&2; exit 1; }
  sleep 0.5
done
listening=$(($(date +%s) - started))
if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/search?q=salasana")" = 404 ]; then
  echo "GET /search answers 404: this server has no search page yet" >&2
  exit 1
fi
none="$(result_links xylofoni)"
until [ "$(result_links salasana)" -gt "$none" ]; do
  alive
  [ $(($(date +%s) - started)) -gt "$ready_timeout" ] && { echo "no search results after ${ready_timeout}s" >&2; exit 1; }
  sleep 1
done
ready=$(($(date +%s) - started))
echo "server: listening after ${listening}s (content import), search results after ${ready}s (index built in the background)"
grep -m1 'search index updated' "$work/polku.log" | sed 's/\x1b\[[0-9;]*m//g' || true
sleep 1
echo "server RSS with the index: $(($(ps -o rss= -p "$polku_pid" | tr -d ' ') / 1024)) MiB"

# The same queries as the in-process bench, URL-encoded by wrk's Lua.
cat >"$work/queries.lua" <<'LUA'
local queries = {
  "salasanan", "sähköpostiin", "password", "browser", "lösenordet",
  "vahva salasana", "työhakemus haastattelu", "pasword", "salasnaa",
  [["vahva salasana"]], "turva", "kvanttitietokone", "xylofoni",
}
for i, q in ipairs(queries) do
  queries[i] = "/search?q=" .. q:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end)
end
local n = 0
request = function()
  n = n % #queries + 1
  return wrk.format("GET", queries[n])
end
LUA

echo "wrk -t$threads -c$connections -d$duration, the 13 queries of the in-process bench in turn, loopback, $(nproc) cores shared by wrk and the server"
out="$(wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$work/queries.lua" "$base")"
rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
requests="$(awk '/requests in/ {print $1}' <<<"$out")"
p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
p75="$(awk '$1=="75%" {print $2}' <<<"$out")"
p90="$(awk '$1=="90%" {print $2}' <<<"$out")"
p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
errors="$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)"
printf '%-24s %10s req/s   p50 %-9s p75 %-9s p90 %-9s p99 %-9s %s requests, %s\n' \
  "HTTP /search?q=…" "$rps" "$p50" "$p75" "$p90" "$p99" "$requests" "${errors:-no errors}"
echo "server RSS after load: $(($(ps -o rss= -p "$polku_pid" | tr -d ' ') / 1024)) MiB"
# One reader at a time: the latency a learner sees on an idle server.
out="$(wrk -t1 -c1 -d"$duration" --latency -s "$work/queries.lua" "$base")"
printf '%-24s %10s req/s   p50 %-9s p99 %-9s\n' "HTTP /search?q=… (c1)" \
  "$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" \
  "$(awk '$1=="99%" {print $2}' <<<"$out")"
