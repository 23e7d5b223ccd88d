"""The locust phases of a load run, headless, as a library, in one process (locust patches the standard library
with gevent, so not in the orchestrator's). `python bench/load/driver.py HOST` reads one JSON request a line on
standard input, {"user_class": ..., "users": N, "seconds": S, "env": {...}}, runs the users of that class
(bench/load/users.py) against HOST for S seconds, started all at once or, with "arrival": A, spread evenly over
the first A seconds, and answers with one JSON line of figures
(requests, requests/s, p50/p95/p99 in seconds, failures, the most frequent failures, per-request figures)."""

import gevent  # noqa: I001 - locust patches the standard library on import: it comes first
from locust.env import Environment

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import users


def run(host: str, user_class: str, count: int, seconds: float, arrival: float = 0) -> dict:
    env = Environment(user_classes=[getattr(users, user_class)], host=host)
    runner = env.create_local_runner()
    start = time.monotonic()
    os.environ["LOAD_PHASE_ENDS"] = str(start + seconds)  # users plan by it (the surge's applicants submit before)
    # locust warns above 100 a second: "at once" is 100 a second
    spawn_rate = min(max(count, 1), 100) if arrival <= 0 else min(100, max(count, 1) / arrival)
    runner.start(count, spawn_rate=spawn_rate)
    gevent.sleep(seconds)
    runner.stop()
    elapsed = time.monotonic() - start
    runner.quit()
    total = env.stats.total
    failures = sorted(env.stats.errors.values(), key=lambda e: -e.occurrences)
    return {
        "requests": total.num_requests,
        "rps": total.num_requests / elapsed,
        "p50": total.get_response_time_percentile(0.5) / 1000,
        "p95": total.get_response_time_percentile(0.95) / 1000,
        "p99": total.get_response_time_percentile(0.99) / 1000,
        "errors": total.num_failures,
        "seconds": elapsed,
        "failures": [f"{e.occurrences}× {e.method} {e.name}: {e.error}"[:300] for e in failures[:5]],
        "pages": {
            f"{entry.method} {entry.name}": {
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50": entry.get_response_time_percentile(0.5) / 1000,
                "p95": entry.get_response_time_percentile(0.95) / 1000,
            }
            for entry in env.stats.entries.values()
        },
    }


def main():
    host = sys.argv[1]
    for line in sys.stdin:
        request = json.loads(line)
        os.environ.update(request.get("env", {}))
        result = run(
            host,
            request["user_class"],
            int(request["users"]),
            float(request["seconds"]),
            float(request.get("arrival", 0)),
        )
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
