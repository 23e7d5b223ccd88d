#!/usr/bin/env bash
# The whole check, as CI runs it (.ci/run -> make test -> here). Stops at the first failure.
#   scripts/test.sh [pytest args...]     e.g. scripts/test.sh -m "not e2e" -n 2
set -euo pipefail
SCRIPT_NAME="test"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
start=$(date +%s)
report_duration() {
    local rc=$?
    log "total duration: $(($(date +%s) - start)) s (exit code $rc)"
}
trap report_duration EXIT

bash scripts/setup.sh --test
bash scripts/services.sh

export DJANGO_SETTINGS_MODULE=saq_portal.settings.test
export DATABASE_URL=${DATABASE_URL:-postgres://saq:saq@127.0.0.1:5432/saq}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
export PYTHONDONTWRITEBYTECODE=1
py=.venv/bin/python

step() { log "── $*"; }

step "ruff check"
.venv/bin/ruff check .
step "ruff format --check"
.venv/bin/ruff format --check .
step "bandit (fails on high severity; configuration and exclusions in pyproject.toml)"
.venv/bin/bandit -c pyproject.toml -r . -q -lll

step "makemigrations --check"
$py manage.py makemigrations --check --dry-run

step "check --deploy (production settings, dummy environment)"
secret=$($py -c 'import secrets; print(secrets.token_urlsafe(64))')
env DJANGO_SETTINGS_MODULE=saq_portal.settings.production \
    SECRET_KEY="$secret" \
    ALLOWED_HOSTS=portal.example.org \
    DATABASE_URL="$DATABASE_URL" \
    REDIS_URL="$REDIS_URL" \
    EMAIL_URL=smtp://localhost:25 \
    PORTAL_BASE_URL=https://portal.example.org \
    $py manage.py check --deploy --fail-level WARNING

step "pytest $*"
# The slowest tests at the end of the log: where the suite's time goes, run after run.
.venv/bin/pytest --durations=30 "$@"
