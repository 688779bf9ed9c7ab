#!/usr/bin/env bash
# Lints the API's OpenAPI document with spectral's `oas` ruleset (.spectral.yaml; any
# warning fails), then fuzzes the API from it with schemathesis: a live server on a fresh
# database with sample votes, an integration token, every default check, bounded examples
# (tests/api-fuzz/schemathesis.toml); then again as an admin's browser session (cookie and
# CSRF header), so admin operations are fuzzed past their 401/403 too (logging out and
# changing the session's own password are left out: they would end the session the run
# uses). Usage: scripts/fuzz-api.sh [path/to/asyncvoter]
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-target/debug/asyncvoter}"
work="$(mktemp -d)"
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

database="sqlite://$work/fuzz.db"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
RUST_LOG=error "$binary" serve --demo --bind "127.0.0.1:$port" --database-url "$database" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
  sleep 0.1
done
# After `serve` made the database: other commands refuse a missing one.
token="$("$binary" token create fuzz --database-url "$database" 2>/dev/null | tail -n 1)"
echo "fuzz-admin-passphrase" | "$binary" member add fuzz-admin --admin --database-url "$database" 2>/dev/null
cookie="$(curl -fsS -D - -o /dev/null -H 'content-type: application/json' -H 'x-asyncvoter-csrf: 1' \
  --data '{"username": "fuzz-admin", "password": "fuzz-admin-passphrase"}' \
  "http://127.0.0.1:$port/api/session" | tr -d '\r' | sed -n 's/^set-cookie: \(asyncvoter=[^;]*\).*/\1/Ip')"
[ -n "$cookie" ] || { echo "the fuzzing admin could not log in" >&2; exit 1; }

curl -fsS "http://127.0.0.1:$port/api/openapi.json" -o "$work/openapi.json"
node_modules/.bin/spectral lint "$work/openapi.json" --ruleset .spectral.yaml --fail-severity warn

cd tests/api-fuzz
schemathesis run "http://127.0.0.1:$port/api/openapi.json" \
  --header "Authorization: Bearer $token" --no-color
# The session goes where the document's `session_cookie` scheme says, so the checks that
# leave it out still can.
cp schemathesis.toml "$work/admin.toml"
printf '\n[auth.openapi.session_cookie]\napi_key = "%s"\n' "${cookie#asyncvoter=}" >>"$work/admin.toml"
schemathesis --config-file "$work/admin.toml" run "http://127.0.0.1:$port/api/openapi.json" \
  --header "x-asyncvoter-csrf: 1" \
  --exclude-path /api/session --exclude-path /api/session/password --no-color
