#!/usr/bin/env bash
# Idempotent machine + project setup (Debian 12, run as root). A second run does nothing.
#   scripts/setup.sh          system packages, .venv, front-end assets, message catalogues
#   scripts/setup.sh --test   also the test tools (requirements-dev.txt) and packages (PostgreSQL, Redis,
#                             Chromium for Playwright, LibreOffice Calc for opening our .xlsx)
set -euo pipefail
SCRIPT_NAME=setup
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

with_test=0
for arg in "$@"; do
    case "$arg" in
        --test) with_test=1 ;;
        -h | --help) sed -n '2,6p' "$0"; exit 0 ;;
        *) die "unknown argument: $arg" ;;
    esac
done

# 1. System packages (only the missing ones; apt-get update only if something is missing).
pkgs=(python3 python3-venv python3-dev build-essential
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-cjk
      libmagic1 gettext poppler-utils nodejs npm)
if ((with_test)); then
    pkgs+=(postgresql redis-server chromium libreoffice-calc)
fi
apt_ensure "${pkgs[@]}"

# 2. Python virtualenv, reinstalled only when requirements.txt changed.
if [[ ! -x .venv/bin/python ]]; then
    log "creating .venv with $(command -v python3) ($(python3 --version 2>&1))"
    python3 -m venv .venv
fi
# The runtime packages for the demo; with --test also the test and lint tools (requirements-dev.txt).
req_file=requirements.txt
((with_test)) && req_file=requirements-dev.txt
req_hash=$(files_sha256 requirements.txt "$req_file")
req_stamp=.venv/.saq-requirements-$req_file.sha256
if [[ ! -f $req_stamp || $(<"$req_stamp") != "$req_hash" ]]; then
    log "pip install -r $req_file"
    .venv/bin/python -m pip install --disable-pip-version-check --no-input -q -r "$req_file"
    printf '%s\n' "$req_hash" >"$req_stamp"
fi

# 3. Front-end assets into static/vendor/.
bash scripts/assets.sh

# 4. Message catalogues (.mo are gitignored): only if there are .po files and one is newer than its .mo.
stale=0
while IFS= read -r -d '' po; do
    mo=${po%.po}.mo
    if [[ ! -f $mo || $po -nt $mo ]]; then stale=1; break; fi
done < <(find . \( -path ./.venv -o -path ./node_modules -o -path ./.git -o -path ./var \) -prune \
              -o -path '*/locale/*' -name '*.po' -print0)
if ((stale)); then
    log "compilemessages"
    .venv/bin/python manage.py compilemessages --ignore .venv --ignore node_modules --ignore var
fi

log "ok"
