#!/usr/bin/env bash
# Lighthouse (pinned in e2e/lighthouse, mobile: simulated slow 4G and a
# 4x slower CPU) against the release build on loopback: catalog, lesson,
# search and verify pages, and the lesson in the dark and high-contrast
# reading themes, each loaded fresh by the Debian chromium.
# Prints one line per page: performance score, LCP, TBT, CLS, bytes.
# The browser half (JavaScript and wasm) loads once the page has loaded
# and the browser is idle (app::BrowserHalf), and Lighthouse ends its
# trace when the network is quiet: in most runs the browser half is in
# the trace (about 160 KB), in some it comes after (about 16-65 KB, TBT
# near 0); the line says when it was not counted.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_env
port=3905

bash scripts/setup.sh
npm ci --prefix e2e/lighthouse --no-audit --no-fund --loglevel=error
bash scripts/build.sh --release >/dev/null

work="$(mktemp -d /tmp/polku-lighthouse.XXXXXX)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
"$CARGO_TARGET_DIR/release/polku" --site-dir "$SITE_DIR" --database-url "sqlite://$work/polku.db" \
  --port "$port" >"$work/polku.log" 2>&1 &
pid=$!
wait_healthy "http://127.0.0.1:$port" || true
wait_sandbox "$work/polku.log" || true
# The search index is built in the background at start.
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/search?q=salasana" | grep -q 'href="/courses/' && break
  sleep 0.2
done

# The lesson page also in each reading theme (the settings cookie, as a
# reader who chose them sends it), the dark one with the reading font.
for page in catalog:/ lesson:/courses/digital-basics/devices search:/search?q=salasana verify:/verify \
  lesson-dark:/courses/digital-basics/devices:normal.normal.dark.readable \
  lesson-contrast:/courses/digital-basics/devices:large.wide.contrast.normal; do
  name="${page%%:*}" rest="${page#*:}" path="${rest%%:*}" reading="${rest#*:}"
  headers='{}'
  [ "$reading" != "$rest" ] && headers="{\"Cookie\":\"polku_reading=$reading\"}"
  CHROME_PATH=/usr/bin/chromium e2e/lighthouse/node_modules/.bin/lighthouse "http://127.0.0.1:$port$path" \
    --extra-headers="$headers" \
    --only-categories=performance --output=json --output-path="$work/$name.json" --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>"$work/$name.err" ||
    { echo "lighthouse $name: failed"; tail -5 "$work/$name.err"; continue; }
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const a = r.audits;
    const ms = (id) => (a[id].numericValue / 1000).toFixed(2) + " s";
    console.log(`lighthouse ${process.argv[2]}: performance ${Math.round(r.categories.performance.score * 100)}, ` +
      `LCP ${ms("largest-contentful-paint")}, FCP ${ms("first-contentful-paint")}, ` +
      `TBT ${Math.round(a["total-blocking-time"].numericValue)} ms, CLS ${a["cumulative-layout-shift"].numericValue.toFixed(3)}, ` +
      `${a["total-byte-weight"].numericValue} bytes` +
      (a["network-requests"].details.items.some((i) => i.url.endsWith("_bg.wasm"))
        ? "" : " (the browser half came after the trace)"));
  ' "$work/$name.json" "$name"
done
