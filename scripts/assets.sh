#!/usr/bin/env bash
# Front-end assets: `npm ci` when package.json/package-lock.json changed, then copy the files the
# templates use into static/vendor/ (gitignored, served by Django staticfiles / WhiteNoise; no CDN).
# Needs only node + npm, so the Dockerfile's asset stage runs it on its own.
set -euo pipefail
SCRIPT_NAME=assets
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

lock_hash=$(files_sha256 package.json package-lock.json)

npm_stamp=node_modules/.saq-lock.sha256
if [[ ! -f $npm_stamp || $(<"$npm_stamp") != "$lock_hash" ]]; then
    command -v npm >/dev/null 2>&1 || die "npm not found (run scripts/setup.sh)"
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    printf '%s\n' "$lock_hash" >"$npm_stamp"
fi

vendor=static/vendor
vendor_stamp=$vendor/.saq-lock.sha256
if [[ ! -f $vendor_stamp || $(<"$vendor_stamp") != "$lock_hash" ]]; then
    log "copying assets into $vendor/"
    rm -rf "$vendor"
    mkdir -p "$vendor/bootstrap/css" "$vendor/bootstrap/js" "$vendor/htmx" "$vendor/bootstrap-icons"
    nm=node_modules
    # Source maps are copied too: the production ManifestStaticFilesStorage rewrites the
    # sourceMappingURL comments and fails collectstatic if a referenced .map is missing.
    cp "$nm/bootstrap/dist/css/bootstrap.min.css" "$nm/bootstrap/dist/css/bootstrap.min.css.map" "$vendor/bootstrap/css/"
    cp "$nm/bootstrap/dist/js/bootstrap.bundle.min.js" "$nm/bootstrap/dist/js/bootstrap.bundle.min.js.map" "$vendor/bootstrap/js/"
    cp "$nm/htmx.org/dist/htmx.min.js" "$vendor/htmx/"
    cp "$nm/bootstrap-icons/font/bootstrap-icons.min.css" "$vendor/bootstrap-icons/"
    cp -r "$nm/bootstrap-icons/font/fonts" "$vendor/bootstrap-icons/"
    for pkg in bootstrap htmx.org bootstrap-icons; do
        cp "$nm/$pkg/LICENSE" "$vendor/${pkg%.org}/LICENSE" 2>/dev/null || true
    done
    printf '%s\n' "$lock_hash" >"$vendor_stamp"
fi
