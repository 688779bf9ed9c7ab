#!/usr/bin/env bash
# Runs every check and test: formatting, lints, native tests (domain, API on real SQLite,
# the storage suite on SQLite and PostgreSQL, two instances on one PostgreSQL,
# browser end-to-end against the trunk release build, nginx and Caddy in front, backups),
# the OpenAPI document linted with spectral and the API fuzzed with schemathesis,
# and wasm component tests in
# headless Chromium. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export PATH="$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
# The storage suite and the multi-instance tests run on PostgreSQL too.
export ASYNCVOTER_TEST_POSTGRES="${ASYNCVOTER_TEST_POSTGRES:-$(bash scripts/postgres.sh)}"

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

step "Formatting"
cargo fmt --all --check
step "Lints (native)"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "Lints (wasm)"
cargo clippy -p asyncvoter-dashboard --all-targets --target wasm32-unknown-unknown --locked -- -D warnings
step "Build scripts"
node --test scripts/
step "Dashboard release build"
trunk build --release
# Fails when the dashboard reaches its transfer budget (BUDGET_KB in scripts/sizes.mjs).
node scripts/sizes.mjs dist --budget
step "Native tests: domain, API, browser end-to-end"
cargo test --workspace --locked
step "The OpenAPI document: linted (spectral), then the API fuzzed from it (schemathesis)"
bash scripts/fuzz-api.sh target/debug/asyncvoter
step "Component tests in headless Chromium"
cargo test -p asyncvoter-dashboard --target wasm32-unknown-unknown --test web --locked
step "All checks passed"
