#!/usr/bin/env bash
# Starts the machine's PostgreSQL cluster when it is down, makes sure the `asyncvoter`
# role and database exist, and prints the URL tests create their databases through.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { as_root runuser -u postgres -- "$@"; }

read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1)
if [ "$status" != "online" ]; then
  as_root pg_ctlcluster "$version" "$cluster" start >&2
fi
if [ "$(as_postgres psql -p "$port" -Atc "SELECT 1 FROM pg_roles WHERE rolname = 'asyncvoter'")" != "1" ]; then
  # CREATEDB: each test run creates and drops databases of its own.
  as_postgres psql -p "$port" -qc "CREATE ROLE asyncvoter LOGIN CREATEDB PASSWORD 'asyncvoter'" >&2
fi
if [ "$(as_postgres psql -p "$port" -Atc "SELECT 1 FROM pg_database WHERE datname = 'asyncvoter'")" != "1" ]; then
  as_postgres createdb -p "$port" -O asyncvoter asyncvoter >&2
fi
echo "postgres://asyncvoter:asyncvoter@127.0.0.1:$port/asyncvoter"
