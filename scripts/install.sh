#!/usr/bin/env bash
# Installs what building and testing AsyncVoter needs, and skips whatever is already there:
# the wasm target, trunk, wasm-bindgen-cli (the version Cargo.lock pins), wasm-opt and
# spectral, axe-core and oidc-provider from npm, Chromium, ChromeDriver, PostgreSQL, nginx, Caddy and systemd-analyze
# (the deployment snippets' tests), schemathesis and aiosmtpd. A first run takes ~25 minutes
# (trunk and wasm-bindgen-cli are compiled from source); later runs take seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.22.1
SCHEMATHESIS_VERSION=4.32.5
AIOSMTPD_VERSION=1.4.6
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "Installing trunk $TRUNK_VERSION (about 13 minutes)"
  # Trunk's own fat-LTO profile doubles the build time for the same tool.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install trunk --version "$TRUNK_VERSION" --locked --ignore-rust-version
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 10 minutes)"
  # Not --locked: its lock file names a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q "version 132" ||
  ! node_modules/.bin/spectral --version >/dev/null 2>&1 ||
  ! [ -f node_modules/axe-core/axe.min.js ] ||
  ! [ -f node_modules/oidc-provider/package.json ]; then
  say "Installing wasm-opt (binaryen 132), spectral (the OpenAPI linter), axe-core (the accessibility checker) and oidc-provider (the tests' identity provider) from npm"
  npm ci --no-audit --no-fund
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "Installing Chromium and ChromeDriver"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi

if ! command -v pg_ctlcluster >/dev/null || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  say "Installing PostgreSQL (the second storage backend's tests)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
fi

if ! command -v nginx >/dev/null || ! command -v caddy >/dev/null ||
  ! command -v systemd-analyze >/dev/null; then
  say "Installing nginx, Caddy and systemd-analyze (the README's proxy and service tests)"
  as_root apt-get update -qq
  # Installed to be run by the tests, never started as services.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx caddy systemd
fi

if ! schemathesis --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  say "Installing schemathesis $SCHEMATHESIS_VERSION (API fuzzing) from PyPI"
  # A distribution's own Python may refuse plain installs (PEP 668); this tool may go there.
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages \
      "schemathesis==$SCHEMATHESIS_VERSION"
fi

if ! python3 -c "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '$AIOSMTPD_VERSION')" 2>/dev/null; then
  say "Installing aiosmtpd $AIOSMTPD_VERSION (the SMTP server email tests send to) from PyPI"
  python3 -m pip install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION" ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages \
      "aiosmtpd==$AIOSMTPD_VERSION"
fi

# Trunk builds offline; it needs every crate fetched first.
cargo fetch --locked >/dev/null
