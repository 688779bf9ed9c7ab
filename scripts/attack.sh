#!/usr/bin/env bash
# The outside review's two floods, against a release build of `asyncvoter` run as a
# process of its own: 200 wrong-password logins at once for one account (and another
# account logging in meanwhile), then 1,000 event streams under `ulimit -n 1024`. Prints
# peak memory, the answers counted by status, and whether health and login kept
# answering; fails if any promise in the README's Security section is broken.
# About 3 minutes (a release build of the tests), so not part of the test command, which
# runs the same floods against the debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
printf '\033[1m==> Building the release binary and the flood tests\033[0m\n'
cargo test --release --locked -p asyncvoter-server --test faults --no-run
printf '\033[1m==> Flooding\033[0m\n'
cargo test --release --locked -p asyncvoter-server --test faults floods -- \
  --nocapture --test-threads=1 2>&1 | grep -E '^(login flood|stream flood|test |test result)'
