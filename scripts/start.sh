#!/usr/bin/env bash
# Installs what is missing, builds the dashboard and the server in release, and starts
# AsyncVoter on an embedded SQLite file (asyncvoter.db), with sample votes when it is empty.
# Extra arguments go to `asyncvoter serve`, e.g. --bind 0.0.0.0:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export PATH="$PWD/node_modules/.bin:$PATH"

printf '\033[1m==> Building the dashboard\033[0m\n'
trunk build --release
node scripts/sizes.mjs dist
printf '\033[1m==> Building the server\033[0m\n'
cargo build --release --locked -p asyncvoter-server
exec target/release/asyncvoter serve --ui-dir dist --demo --database-url "${DATABASE_URL:-sqlite://asyncvoter.db}" "$@"
