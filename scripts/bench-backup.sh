#!/usr/bin/env bash
# Backup and restore, timed and sized, with the release build: the bundled
# site (content/) and the 10 000-lesson corpus of the search bench
# (POLKU_BENCH_LESSONS to change it), each on SQLite: import, `polku
# backup` while the server runs, `polku restore` into an empty database,
# `polku migrate-db` into a second SQLite file. Prints one line per step.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_env
lessons="${POLKU_BENCH_LESSONS:-10000}"
port=3904

bash scripts/setup.sh
apt_need curl
bash scripts/build.sh --release >/dev/null
polku="$CARGO_TARGET_DIR/release/polku"

work="$(mktemp -d /tmp/polku-bench-backup.XXXXXX)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.5; rm -rf "$work"' EXIT

seconds() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}'; }
# mib FILE: its size with its SQLite -wal and -shm files, if any.
mib() { awk -v n="$(du -cb "$1"* | tail -n1 | cut -f1)" 'BEGIN {printf "%.1f MiB", n / 1048576}'; }

# run NAME CONTENT: import CONTENT into a fresh database, back it up while
# a server runs on it, restore and copy the archive, printing the figures.
run() {
  local name="$1" content="$2" dir="$work/$1"
  mkdir -p "$dir"
  local url="sqlite://$dir/site.db"
  local start
  start=$(date +%s.%N)
  "$polku" --database-url "$url" --content-dir "$content" import >/dev/null 2>"$dir/import.log"
  echo "$name: import $(seconds "$start") s, database $(mib "$dir/site.db")"
  "$polku" --database-url "$url" --content-dir "$content" --site-dir "$SITE_DIR" --port "$port" \
    >"$dir/server.log" 2>&1 &
  pids+=($!)
  wait_healthy "http://127.0.0.1:$port" 3000
  start=$(date +%s.%N)
  "$polku" --database-url "$url" backup "$dir/backup.zip" >"$dir/backup.out" 2>"$dir/backup.log"
  echo "$name: backup while the server runs $(seconds "$start") s, archive $(mib "$dir/backup.zip") ($(grep -o '[0-9]* rows' "$dir/backup.out"))"
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  start=$(date +%s.%N)
  "$polku" --database-url "sqlite://$dir/restored.db" --issuer-keys "$dir/restored-keys.json" \
    --search-index "$dir/restored.search" restore "$dir/backup.zip" >"$dir/restore.out" 2>"$dir/restore.log"
  echo "$name: restore into an empty database (search index rebuilt) $(seconds "$start") s, database $(mib "$dir/restored.db")"
  start=$(date +%s.%N)
  "$polku" --database-url "$url" migrate-db --to "sqlite://$dir/copy.db" >/dev/null 2>&1
  echo "$name: migrate-db into an empty SQLite file $(seconds "$start") s"
}

say "the bundled site (content/)"
run bundled "$ROOT/content"

say "the search bench's corpus: $lessons lessons"
POLKU_BENCH_LESSONS="$lessons" POLKU_BENCH_QUERIES=10 POLKU_BENCH_KEEP="$work/corpus" \
  cargo bench -q -p polku-core --bench search >/dev/null 2>&1
run corpus "$work/corpus/content"
