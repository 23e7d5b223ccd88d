# Shared helpers for scripts/*.sh — sourced, never executed.
# shellcheck shell=bash

log() { printf '[%s] %s\n' "${SCRIPT_NAME:-saq}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run: $*"
    fi
}

# Is a Debian package "needed"? nodejs/npm are judged by their commands: NodeSource's nodejs
# package already contains npm and *conflicts* with Debian's npm package, so `dpkg -s npm`
# failing must not make us install Debian's npm (apt would remove nodejs).
pkg_missing() {
    case "$1" in
        nodejs) ! command -v node >/dev/null 2>&1 ;;
        npm) ! command -v npm >/dev/null 2>&1 ;;
        *) ! dpkg -s "$1" >/dev/null 2>&1 ;;
    esac
}

# apt_ensure PKG... — install only the packages that are missing; apt-get update only if any are.
apt_ensure() {
    local missing=() p
    for p in "$@"; do
        if pkg_missing "$p"; then missing+=("$p"); fi
    done
    ((${#missing[@]} == 0)) && return 0
    command -v apt-get >/dev/null 2>&1 || die "missing system packages (${missing[*]}) and no apt-get"
    log "installing system packages: ${missing[*]}"
    # LANG/LC_ALL: postgresql's postinst creates its first cluster in the current locale; C.UTF-8
    # gives a UTF8 cluster instead of SQL_ASCII on machines without a locale set.
    as_root env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# sha256 of one or more files, as one hex string.
files_sha256() { cat "$@" | sha256sum | cut -d' ' -f1; }
