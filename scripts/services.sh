#!/usr/bin/env bash
# Make sure PostgreSQL and Redis are reachable for the test suite (run as root, no systemd needed).
# PostgreSQL: skipped when DATABASE_URL is set; otherwise a local cluster on 127.0.0.1:5432 with
#             role saq/saq (LOGIN CREATEDB) and database saq.
# Redis:      skipped when REDIS_URL is set; otherwise redis-server on 127.0.0.1:6379 (nothing on disk).
# Exports nothing: scripts/test.sh sets DATABASE_URL / REDIS_URL defaults that match.
set -euo pipefail
SCRIPT_NAME=services
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

pg_as_postgres() { (cd / && as_root su postgres -s /bin/sh -c "$1"); }

ensure_postgres() {
    if [[ -n ${DATABASE_URL:-} ]]; then
        log "DATABASE_URL is set; not managing PostgreSQL"
        return
    fi
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
        apt_ensure postgresql
    fi
    if [[ -z $(pg_lsclusters --no-header 2>/dev/null) ]]; then
        local ver
        ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
        [[ -n $ver ]] || die "no PostgreSQL server version under /usr/lib/postgresql"
        log "creating cluster $ver/main"
        as_root pg_createcluster --locale C.UTF-8 --encoding UTF8 "$ver" main >/dev/null
    fi
    local ver name port status
    while read -r ver name port status _; do
        if [[ $status != online* ]]; then
            log "starting cluster $ver/$name (port $port)"
            as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
        fi
    done < <(pg_lsclusters --no-header)

    local i
    for i in $(seq 1 60); do
        pg_isready -q -h 127.0.0.1 -p 5432 && break
        ((i == 60)) && die "PostgreSQL is not accepting connections on 127.0.0.1:5432"
        sleep 0.5
    done

    if [[ -z $(pg_as_postgres "psql -XtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'saq'\"") ]]; then
        log "creating role saq"
        pg_as_postgres "psql -Xq -v ON_ERROR_STOP=1 -c \"CREATE ROLE saq LOGIN CREATEDB PASSWORD 'saq'\""
    else
        # Keep an existing role usable (password, login, createdb for the test databases).
        pg_as_postgres "psql -Xq -v ON_ERROR_STOP=1 -c \"ALTER ROLE saq LOGIN CREATEDB PASSWORD 'saq'\""
    fi
    if [[ -z $(pg_as_postgres "psql -XtAc \"SELECT 1 FROM pg_database WHERE datname = 'saq'\"") ]]; then
        log "creating database saq"
        pg_as_postgres "createdb -O saq -E UTF8 -T template0 saq"
    fi
    local enc
    enc=$(pg_as_postgres "psql -XtAc \"SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'template1'\"")
    [[ $enc == UTF8 ]] || log "WARNING: template1 is $enc, not UTF8; test databases copy it (set TEST CHARSET/TEMPLATE)"
    log "PostgreSQL ready (postgres://saq:saq@127.0.0.1:5432/saq)"
}

ensure_redis() {
    if [[ -n ${REDIS_URL:-} ]]; then
        log "REDIS_URL is set; not managing Redis"
        return
    fi
    if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
        apt_ensure redis-server
    fi
    if [[ $(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null) != PONG ]]; then
        log "starting redis-server on 127.0.0.1:6379"
        redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
        local i
        for i in $(seq 1 40); do
            [[ $(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null) == PONG ]] && break
            ((i == 40)) && die "Redis is not answering on 127.0.0.1:6379"
            sleep 0.25
        done
    fi
    log "Redis ready (redis://127.0.0.1:6379/0)"
}

ensure_postgres
ensure_redis
