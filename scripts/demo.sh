#!/usr/bin/env bash
# Local demo: SQLite at var/db.sqlite3, eager Celery, console email, DEBUG on. No services needed.
#   scripts/demo.sh            -> http://127.0.0.1:8000/   (PORT=8080 scripts/demo.sh for another port)
set -euo pipefail
SCRIPT_NAME=demo
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

bash scripts/setup.sh

unset DATABASE_URL REDIS_URL EMAIL_URL
export DJANGO_SETTINGS_MODULE=saq_portal.settings.local
export DEMO_DEBUG=1
# The verification links and QR codes printed on documents point at the address the demo serves on.
export PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://127.0.0.1:${PORT:-8000}}"
mkdir -p var

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
log "serving on http://127.0.0.1:${PORT:-8000}/"
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT:-8000}"
