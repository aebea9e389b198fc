# Shared settings for Polku's scripts; sourced, not run.
# Build output lives outside the clone (reused by every clone on this machine):
#   POLKU_CACHE        default ~/.cache/polku
#   CARGO_TARGET_DIR   default $POLKU_CACHE/target
#   POLKU_WASM_ROUTE   "fallback" forces the Debian build-std route for the wasm half
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POLKU_CACHE="${POLKU_CACHE:-$HOME/.cache/polku}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$POLKU_CACHE/target}"
# Incremental caches grow by gigabytes per edit and do not help a clean
# checkout's build; keep the shared target directory small.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
TOOLS="$POLKU_CACHE/tools"
SITE_DIR="$CARGO_TARGET_DIR/site"
export PATH="$HOME/.cargo/bin:$TOOLS/bin:$PATH"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# apt_need PKG...: installs the Debian packages that are missing.
APT_UPDATED=""
apt_need() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "installing Debian packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then $sudo apt-get update -q >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# The wasm-bindgen version pinned in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# cookie_from NAME: reads response headers on stdin, prints cookie NAME's value.
cookie_from() {
  awk -F'[=;]' -v name="$1" 'tolower($1) == "set-cookie: " name {print $2}' | tr -d '\r'
}

# Benches measure serving: no lesson audio is made in the background while
# they run (espeak-ng and opusenc work for minutes after an import, so
# they would measure it too), unless POLKU_TTS_COMMAND asks for it.
bench_env() { export POLKU_TTS_COMMAND="${POLKU_TTS_COMMAND:-off}"; }

# wait_sandbox LOG: waits (up to 60 s) until the server writing LOG has its
# Python sandbox (at a first start a child process compiles it: seconds of
# CPU a bench should not count), or says it checks no programs.
wait_sandbox() {
  local _
  for _ in $(seq 1 300); do
    grep -qE "Python sandbox is ready|programs are not checked|programs will not be checked" "$1" && return 0
    sleep 0.2
  done
  return 1
}

# wait_healthy BASE [TRIES]: waits until BASE/healthz answers, trying every
# 0.2 s (default 100 tries); fails when it never did.
wait_healthy() {
  local _
  for _ in $(seq 1 "${2:-100}"); do
    curl -fs "$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

# session_of BASE USERNAME PASSWORD: signs a learner up at BASE and prints
# the session cookie's value (empty when the sign-up failed).
session_of() {
  curl -s -o /dev/null -D - -H 'Sec-Fetch-Site: same-origin' \
    --data "username=$2&password=$3" "$1/api/sign_up" | cookie_from polku_session
}

# start_postgres DIR PORT [SETTING...]: a private PostgreSQL cluster in DIR
# (created, owned by the postgres user) on 127.0.0.1:PORT, each SETTING
# passed as `-c SETTING` (the postgres user must be able to reach DIR);
# stop_postgres DIR stops it.
start_postgres() {
  local dir="$1" port="$2" extra="" setting
  shift 2
  for setting in "$@"; do extra+=" -c $setting"; done
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  mkdir -p "$dir"
  chown postgres:postgres "$dir"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir$extra" start >/dev/null
}
stop_postgres() {
  runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl" \
    -D "$1/data" -m fast -w stop >/dev/null 2>&1 || true
}
