#!/usr/bin/env bash
# Benchmarks: one table of what users feel, each figure against a baseline measured in the
# same run on this machine. Writes the table to target/bench/results.md (or $BENCH_RESULTS)
# and prints it. Not part of the test command; run it after the README's set-up.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export PATH="$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export BENCH_RESULTS="${BENCH_RESULTS:-$PWD/target/bench/results.md}"
# The PostgreSQL rows run on this machine's server (started here if it is down).
export ASYNCVOTER_TEST_POSTGRES="${ASYNCVOTER_TEST_POSTGRES:-$(bash scripts/postgres.sh)}"
mkdir -p "$(dirname "$BENCH_RESULTS")"

step() { printf '\033[1m==> %s\033[0m (%d s in)\n' "$*" $((SECONDS - started)); }
started=$SECONDS

cat > "$BENCH_RESULTS" <<HEAD
# AsyncVoter benchmarks

$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown),
$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs).

| figure | value | baseline | ratio | target | verdict |
|---|---|---|---|---|---|
HEAD

step "Sizes: the dashboard against a minimal Leptos counter, same profile and tools"
trunk build --release
(cd benches/baselines/leptos-counter && trunk build --release)
node scripts/sizes.mjs dist --baseline target/bench/leptos-counter --budget

# Every benchmark is built in one go, with the workspace's features: built one package at
# a time, the crates they share were compiled twice (13 of a fresh clone's 19 minutes).
# The browser benchmarks are a package of their own (`benches/browser`), so this never
# compiles the dashboard for the host.
step "Building the benchmarks"
cargo bench --locked --workspace --no-run --bench api --bench fanout --bench first_load --bench render
bench() { cargo bench --locked --workspace --bench "$1"; }

step "API: reads, ballot writes, growth, memory (release binary, SQLite)"
bench api

step "Live events: fan-out to 1,000 streams"
bench fanout

step "First load: cold-cache Chromium on emulated 4G and Fast 3G, against the floor"
bench first_load

step "Rendering in headless Chromium against a plain JavaScript page"
bench render

printf '\nTook %d s.\n' $((SECONDS - started)) >> "$BENCH_RESULTS"
step "Results ($BENCH_RESULTS)"
cat "$BENCH_RESULTS"
