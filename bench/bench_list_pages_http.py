"""The six signed-in list pages of bench_list_pages.py (50 of 20,000 rows) served by gunicorn on 127.0.0.1, against
the floor view served by the same gunicorn in the same run.

    .venv/bin/python bench/bench_list_pages_http.py [--rows 20000] [--clients 4] [--seconds 5] [--rounds 3]

The data is bench_list_pages.py's (`build_pages`, database `saq_bench` or `--database NAME`, created and seeded
on first use, then reused). gunicorn starts from `gunicorn.conf.py` (`--workers`, default 3 sync workers as in
production) serving `bench.bench_wsgi` with the portal's caches on (PAGE_CACHE=1 IDENTITY_CACHE=1, Redis from
REDIS_URL) and cached_db sessions. Each person is signed in once (`Client.force_login`: a session in the database
and Redis); one GET per page then takes the CSRF cookie the page sets, and checks that the answer is 200 (not a
redirect to the sign-in page), shows the page's rows and the sign-out form. The run then checks in Redis that the
served pages and the signed-in users are cached.

Clients are threads, each with its own `http.client` connection (keep-alive asked for; gunicorn's sync workers
close after each answer, so each request is a new TCP connection, the floor's too) and one request at a time, no
think time. For each page, `--clients` clients GET the floor view `/bench/floor/` (a 50-row table, no database) for
`--seconds`, then the same number GET the page for as long; pages and floor alternate like that for `--rounds`.
Errors: any answer other than 200 or without the page's marker text. Printed per page: requests/s, p50/p95
latency, errors (summed over rounds) and the ratio to the floor (median over rounds of the page's requests/s over
the floor's measured just before it). The bar: 0.3 of the floor.
"""

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saq_portal.settings.test")

from bench.bench_list_pages import build_pages, setup_database  # noqa: E402
from bench.bench_session_board import Tally, _run, figures, start_gunicorn, stop  # noqa: E402

BAR = 0.3
FLOOR = "/bench/floor/"
# The served settings: the portal's page and identity caches on (the test settings read these from the environment).
CACHES_ON = {"PAGE_CACHE": "1", "IDENTITY_CACHE": "1", "REFERENCE_CACHE": "1"}


class Browser:
    """One client: a connection to gunicorn and the cookies it holds (updated from Set-Cookie)."""

    def __init__(self, url: str, cookies: dict):
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.cookies = dict(cookies)
        self.connection = None

    def get(self, path: str) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                headers = {"Connection": "keep-alive"}
                if self.cookies:
                    headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
                self.connection.request("GET", path, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if response.will_close:
                self.connection.close()
                self.connection = None
            return response.status, body
        raise AssertionError("unreachable")


def cookies_of(user) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {name: morsel.value for name, morsel in client.cookies.items()}


def _client(url: str, path: str, cookies: dict, expect: bytes, tally: Tally, until: float) -> None:
    browser = Browser(url, cookies)
    while time.perf_counter() < until:
        start = time.perf_counter()
        try:
            status, body = browser.get(path)
            ok = status == 200 and expect in body
        except Exception:  # a failed request is counted, the bench goes on
            ok = False
        tally.add(time.perf_counter() - start, ok)


def worker_pids(master: int) -> list[int]:
    """gunicorn's workers (Linux /proc; none elsewhere, and the CPU columns stay empty)."""
    try:
        return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(pids) -> float:
    """User + system CPU the processes used so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def phase(url: str, path: str, cookies: dict, expect: bytes, clients: int, seconds: float, workers=()) -> dict:
    """`clients` clients GET `path` for `seconds`: requests/s, latencies, errors, and the CPU per request of
    gunicorn's workers and of this process (the clients)."""
    tally = Tally()
    targets = [(_client, (url, path, cookies, expect, tally)) for _ in range(clients)]
    server, client = cpu_seconds(workers), time.process_time()
    result = figures(tally, _run(targets, seconds))
    requests = max(result["requests"], 1)
    result["server_cpu"] = (cpu_seconds(workers) - server) / requests if workers else float("nan")
    result["client_cpu"] = (time.process_time() - client) / requests
    return result


def sign_in(url: str, pages: list) -> list:
    """Each person's session cookie, plus the CSRF cookie their first page sets; checks each page is the signed-in
    page with its rows. Returns (label, path, cookies, expect)."""
    from django.urls import reverse

    logout = reverse("account_logout").encode()
    sessions, ready = {}, []
    for label, user, path, expect in pages:
        if user.pk not in sessions:
            sessions[user.pk] = cookies_of(user)
        browser = Browser(url, sessions[user.pk])
        status, body = browser.get(path)
        if status != 200 or expect not in body or logout not in body:
            raise RuntimeError(f"{label}: {path} answered {status} without its rows or not signed in")
        sessions[user.pk] = browser.cookies  # the CSRF cookie the page set, as a browser would keep it
        ready.append((label, path, user, expect))
    return [(label, path, sessions[user.pk], expect) for label, path, user, expect in ready]


def _redis():
    from django.core.cache import cache

    return cache._cache.get_client()


def _entry(database: str, key: str) -> str:
    from django.core.cache import cache

    return cache.make_key(f"dv:{database}:v:{key}")  # core.dataversion's key for a cached entry


def forget_identities(database: str, users) -> int:
    """Drop the users' cached identities (core.identity), so that finding them again after the run shows gunicorn
    cached them; returns how many cached pages (core.pagecache) Redis holds now."""
    from core.identity import user_key

    _redis().delete(*(_entry(database, user_key(user.pk)) for user in users))
    return _pages_cached(database)


def _pages_cached(database: str) -> int:
    return sum(1 for _ in _redis().scan_iter(match=_entry(database, "page:*"), count=1000))


def cached_in_redis(database: str, users) -> dict:
    """How many pages and which users' identities are cached now: with `forget_identities` before the run, proof
    that the served settings have PAGE_CACHE and IDENTITY_CACHE on."""
    from core.identity import user_key

    redis = _redis()
    return {
        "pages": _pages_cached(database),
        "users": {user.pk for user in users if redis.exists(_entry(database, user_key(user.pk)))},
    }


def measure(url: str, pages: list, *, clients: int, seconds: float, rounds: int, warmup: float, workers=()) -> dict:
    """Warm every page and the floor (each worker learns each view's tables, then caches its page), then floor and
    page phases alternate, page after page, for `rounds`. `workers`: gunicorn's worker pids, for the CPU columns."""
    phase(url, FLOOR, {}, b"<td>", clients, warmup)
    for _label, path, cookies, expect in pages:
        phase(url, path, cookies, expect, clients, warmup)
    runs = {label: [] for label, *_ in pages}
    for _ in range(rounds):
        for label, path, cookies, expect in pages:
            floor = phase(url, FLOOR, {}, b"<td>", clients, seconds, workers)
            runs[label].append((phase(url, path, cookies, expect, clients, seconds, workers), floor))
    result = {}
    for label, pairs in runs.items():
        row = _median([page for page, _ in pairs])
        row["ratio"] = statistics.median(page["rps"] / floor["rps"] for page, floor in pairs)
        result[label] = row
    result["floor"] = _median([floor for pairs in runs.values() for _, floor in pairs])
    return result


def _median(rows: list) -> dict:
    merged = {
        key: statistics.median(row[key] for row in rows) for key in ("rps", "p50", "p95", "server_cpu", "client_cpu")
    }
    merged.update(requests=sum(row["requests"] for row in rows), errors=sum(row["errors"] for row in rows))
    return merged


def report(result: dict, *, rows: int, clients: int, seconds: float, rounds: int, workers: int) -> str:
    lines = [
        f"{rows} rows; gunicorn {workers} sync workers on 127.0.0.1 with PAGE_CACHE and IDENTITY_CACHE on (Redis); "
        f"{clients} clients; {rounds} rounds of {seconds:g} s per page, each after {seconds:g} s of the floor "
        "(medians; requests and errors summed)",
        f"{'page':<44} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'srv CPU':>8} {'cli CPU':>8} {'requests':>9} "
        f"{'errors':>7} {'× floor':>8}",
    ]
    for label, row in result.items():
        ratio = "" if label == "floor" else f"{row['ratio']:>8.2f}"
        name = "floor (/bench/floor/, same clients)" if label == "floor" else label
        lines.append(
            f"{name:<44} {row['rps']:>8.1f} {row['p50'] * 1000:>8.1f} {row['p95'] * 1000:>8.1f} "
            f"{row['server_cpu'] * 1000:>8.2f} {row['client_cpu'] * 1000:>8.2f} "
            f"{row['requests']:>9} {row['errors']:>7} "
            f"{ratio}"
        )
    verdicts = [
        f"{label}: {'meets' if row['ratio'] >= BAR else 'BELOW'} ({row['ratio']:.2f})"
        for label, row in result.items()
        if label != "floor"
    ]
    lines.append("srv CPU / cli CPU: ms of CPU per request used by gunicorn's workers / by the clients (this process)")
    lines.append(f"bar {BAR} of the floor's requests/s — " + "; ".join(verdicts))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients, for the pages and the floor")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of unmeasured requests per page first")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database", default="saq_bench", help="the bench's own database (created if missing)")
    parser.add_argument("--only", nargs="*", help="measure only the pages whose label contains one of these words")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    setup_database(args.database)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # as gunicorn's bench_wsgi
    pages = build_pages(args.rows)
    if args.only:
        pages = [page for page in pages if any(word in page[0] for word in args.only)]
    users = list({user.pk: user for _, user, _, _ in pages}.values())
    pages_before = forget_identities(args.database, users)
    with tempfile.NamedTemporaryFile("w+", prefix="bench-gunicorn-", suffix=".log", delete=False) as log:
        process, url = start_gunicorn(args.database, args.workers, log, extra_env=CACHES_ON)
        try:
            signed_in = sign_in(url, pages)
            result = measure(
                url,
                signed_in,
                clients=args.clients,
                seconds=args.seconds,
                rounds=args.rounds,
                warmup=args.warmup,
                workers=worker_pids(process.pid),
            )
        finally:
            stop(process)
    cached = cached_in_redis(args.database, users)
    print(
        report(
            result, rows=args.rows, clients=args.clients, seconds=args.seconds, rounds=args.rounds, workers=args.workers
        )
    )
    print(
        f"cached in Redis by gunicorn: {cached['pages'] - pages_before} pages, the identities of "
        f"{len(cached['users'])} of {len(users)} signed-in users"
    )
    print(f"(gunicorn log: {log.name})")
    if cached["pages"] <= pages_before or len(cached["users"]) != len(users):
        sys.exit("the served pages or identities were not cached: PAGE_CACHE / IDENTITY_CACHE off in gunicorn?")


if __name__ == "__main__":
    main()
