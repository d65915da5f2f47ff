#!/usr/bin/env bash
# Two app servers, a Celery worker, Redis and nginx on one machine over a throwaway PostgreSQL, driven over HTTP
# (scripts/cluster.py says what it checks). Needs the Debian packages redis-server and nginx (make system-packages).
set -euo pipefail
cd "$(dirname "$0")/.."
export PGPORT_THROWAWAY=${PGPORT_THROWAWAY:-55451}
exec bash scripts/with-postgres.sh .venv/bin/python scripts/cluster.py
