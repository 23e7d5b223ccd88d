"""One locust phase, headless, as a library: `python bench/load/driver.py CLASS USERS SECONDS HOST` runs the
users of class CLASS (bench/load/users.py) for SECONDS against HOST, all started at once, and prints one JSON line
with the figures (requests, requests/s, p50/p95/p99 in seconds, failures, the most frequent failures)."""

import gevent  # noqa: I001 - locust patches the standard library on import: it comes first
from locust.env import Environment

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import users


def main():
    name, count, seconds, host = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    env = Environment(user_classes=[getattr(users, name)], host=host)
    runner = env.create_local_runner()
    start = time.monotonic()
    runner.start(count, spawn_rate=max(count, 1))
    gevent.sleep(seconds)
    runner.stop()
    elapsed = time.monotonic() - start
    runner.quit()
    total = env.stats.total
    failures = sorted(env.stats.errors.values(), key=lambda e: -e.occurrences)
    per_name = {
        f"{entry.method} {entry.name}": {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50": entry.get_response_time_percentile(0.5) / 1000,
            "p95": entry.get_response_time_percentile(0.95) / 1000,
        }
        for entry in env.stats.entries.values()
    }
    print(
        json.dumps(
            {
                "requests": total.num_requests,
                "rps": total.num_requests / elapsed,
                "p50": total.get_response_time_percentile(0.5) / 1000,
                "p95": total.get_response_time_percentile(0.95) / 1000,
                "p99": total.get_response_time_percentile(0.99) / 1000,
                "errors": total.num_failures,
                "seconds": elapsed,
                "failures": [f"{e.occurrences}× {e.method} {e.name}: {e.error}"[:300] for e in failures[:5]],
                "pages": per_name,
            }
        )
    )


if __name__ == "__main__":
    main()
