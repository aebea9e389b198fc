#!/usr/bin/env bash
# Installs what is missing, builds, and starts Polku on http://127.0.0.1:3000
# with a SQLite file under data/ and the courses in content/.
# Extra arguments go to the server (see `--help`), e.g. `--port 8080`.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash scripts/setup.sh
bash scripts/build.sh --release
say "starting Polku"
exec "$CARGO_TARGET_DIR/release/polku" --site-dir "$SITE_DIR" "$@"
