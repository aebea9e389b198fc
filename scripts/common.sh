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
