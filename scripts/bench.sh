#!/usr/bin/env bash
# Every bench in bench/, then the load run (bench/run_load.py). Stops at the first failure.
#   scripts/bench.sh                 all benches at their default sizes, then the full load run
#   BENCH_ONLY="list_pages session_board" scripts/bench.sh    only these benches (then the load run)
#   BENCH_SKIP_LOAD=1 scripts/bench.sh                        the benches without the load run
#   LOAD_SCALE=0.1 scripts/bench.sh                           a quick load run (see bench/run_load.py)
set -euo pipefail
SCRIPT_NAME=bench
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

# The test tools include locust (requirements-dev.txt); installed only when the requirements changed.
bash scripts/setup.sh --test
.venv/bin/python -c "import locust" 2>/dev/null || die "locust is missing from .venv (requirements-dev.txt)"
bash scripts/services.sh

export DJANGO_SETTINGS_MODULE=saq_portal.settings.test
export DATABASE_URL=${DATABASE_URL:-postgres://saq:saq@127.0.0.1:5432/saq}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export PYTHONDONTWRITEBYTECODE=1

for bench in bench/bench_*.py; do
    name=$(basename "$bench" .py)
    name=${name#bench_}
    case "$name" in urls | wsgi) continue ;; esac # modules the benches import, not benches
    if [[ -n ${BENCH_ONLY:-} && " $BENCH_ONLY " != *" $name "* ]]; then continue; fi
    log "── bench $name"
    .venv/bin/python "$bench"
done

if [[ -z ${BENCH_SKIP_LOAD:-} ]]; then
    log "── load run (LOAD_SCALE=${LOAD_SCALE:-1})"
    .venv/bin/python bench/run_load.py
fi
