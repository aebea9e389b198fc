#!/usr/bin/env bash
# Installs what is missing and runs every test: formatting, lints (server and
# wasm halves), unit + database + HTTP tests (SQLite always; PostgreSQL too
# under CI=true or with POLKU_TEST_POSTGRES=1), and the e2e journeys in
# headless Chromium with axe-core.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash scripts/setup.sh --test

cleanup_steps=()
cleanup() { for step in "${cleanup_steps[@]}"; do eval "$step" || true; done; }
trap cleanup EXIT

say "cargo fmt --check"
cargo fmt --all --check

say "cargo clippy (server half)"
cargo clippy --workspace --all-targets -- -D warnings
if [ "$(cat "$POLKU_CACHE/wasm-route")" = "rustup" ]; then
  say "cargo clippy (wasm half)"
  cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate \
    --target-dir "$CARGO_TARGET_DIR/wasm" -- -D warnings
fi

say "dependencies: cargo machete (unused), cargo deny (licences, sources, duplicate versions)"
cargo machete
# deny reads every package of the lock file, for every platform: fetched first
# (a fresh machine has only what its own builds downloaded).
cargo fetch --locked --quiet
cargo deny --offline check bans licenses sources
# Advisories need the RustSec database, fetched from GitHub: checked when
# it can be fetched, said plainly when it cannot.
if timeout 120 cargo deny check advisories 2>"$POLKU_CACHE/advisories.log"; then
  say "advisories: no known vulnerability in the dependency tree"
elif grep -q "failed to fetch advisory database" "$POLKU_CACHE/advisories.log"; then
  say "advisories SKIPPED: the RustSec database cannot be fetched from here (offline); run 'cargo deny check advisories' where GitHub is reachable"
else
  cat "$POLKU_CACHE/advisories.log" >&2
  exit 1
fi

bash scripts/build.sh

if [ "${CI:-}" = "true" ] || [ -n "${POLKU_TEST_POSTGRES:-}" ]; then
  pg_dir="$(mktemp -d /tmp/polku-pg.XXXXXX)"
  pg_port="${POLKU_TEST_POSTGRES_PORT:-55432}"
  say "starting PostgreSQL on 127.0.0.1:$pg_port"
  start_postgres "$pg_dir" "$pg_port" fsync=off
  cleanup_steps+=("stop_postgres '$pg_dir'; rm -rf '$pg_dir'")
  export POLKU_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
else
  say "PostgreSQL tests SKIPPED: they run under CI=true or with POLKU_TEST_POSTGRES=1"
fi

say "cargo test"
# polku-core's badge test writes credentials it signed here, for the
# independent verifier among the e2e tests.
POLKU_CONFORMANCE_DIR="$(mktemp -d /tmp/polku-conformance.XXXXXX)"
export POLKU_CONFORMANCE_DIR
cleanup_steps+=("rm -rf '$POLKU_CONFORMANCE_DIR'")
cargo test --workspace

say "e2e: starting the server"
e2e_dir="$(mktemp -d /tmp/polku-e2e.XXXXXX)"
port="${POLKU_E2E_PORT:-3901}"
# A fresh admin token per run, passed in the environment (never on a command line).
POLKU_E2E_ADMIN_TOKEN="e2e-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
export POLKU_E2E_ADMIN_TOKEN
# The first admin account, made with the CLI as an operator would (the
# password in the environment, never on a command line).
POLKU_E2E_ADMIN_PASSWORD="e2e-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
export POLKU_E2E_ADMIN_PASSWORD
POLKU_ADMIN_PASSWORD="$POLKU_E2E_ADMIN_PASSWORD" "$CARGO_TARGET_DIR/debug/polku" \
  --database-url "sqlite://$e2e_dir/polku.db" create-admin e2e-admin
# The e2e tests check many badges from one address in a minute: the
# per-address limit of /verify (tested on its own in server/tests/http.rs)
# is raised for them.
# The issuers the e2e server trusts: the did:keys polku-core's badge tests
# signed with (each wrote a trust-*.toml piece).
cat "$POLKU_CONFORMANCE_DIR"/trust-*.toml > "$e2e_dir/trust.toml"
# A real SMTP server on loopback: the e2e tests read the e-mails it
# receives from its Maildir.
smtp_port="${POLKU_E2E_SMTP_PORT:-3925}"
export POLKU_E2E_MAILDIR="$e2e_dir/mail"
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$POLKU_E2E_MAILDIR" \
  >"$e2e_dir/smtp.log" 2>&1 &
smtp_pid=$!
cleanup_steps+=("kill $smtp_pid 2>/dev/null; wait $smtp_pid 2>/dev/null")
POLKU_ADMIN_TOKEN="$POLKU_E2E_ADMIN_TOKEN" "$CARGO_TARGET_DIR/debug/polku" --site-dir "$SITE_DIR" \
  --database-url "sqlite://$e2e_dir/polku.db" --port "$port" --trust-file "$e2e_dir/trust.toml" --verify-burst 200 \
  --smtp-url "smtp://127.0.0.1:$smtp_port" --smtp-from "Polku <polku@localhost>" \
  >"$e2e_dir/server.log" 2>&1 &
server_pid=$!
cleanup_steps+=("kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null; rm -rf '$e2e_dir'")
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$e2e_dir/server.log"; echo "the server did not start" >&2; exit 1; }
  sleep 0.5
done
say "e2e: headless Chromium"
if ! POLKU_BASE_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 e2e/; then
  # The requests that were not answered with success, and the last lines;
  # the whole log is kept for a closer look.
  cp "$e2e_dir/server.log" "$POLKU_CACHE/e2e-server.log"
  echo "--- server log: warnings, errors and answers of 400 and above ---" >&2
  grep -E ' (WARN|ERROR) |status=[45][0-9][0-9]' "$e2e_dir/server.log" | tail -n 60 >&2 || true
  echo "--- server log: the last lines (all of it: $POLKU_CACHE/e2e-server.log) ---" >&2
  tail -n 30 "$e2e_dir/server.log" >&2
  exit 1
fi
