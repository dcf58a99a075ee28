#!/usr/bin/env bash
# Install redactor with its test extras into .venv and run the whole test suite.
# Starts a throwaway PostgreSQL server on loopback when PostgreSQL is installed, so the
# PostgreSQL half of the storage tests runs too (in CI, a skipped PostgreSQL test fails).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test,ray]'
if [ -x scripts/pg-test-server.sh ] && ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  eval "$(bash scripts/pg-test-server.sh start)"
  trap 'bash scripts/pg-test-server.sh stop >/dev/null 2>&1 || true' EXIT
fi
.venv/bin/pytest "$@"
