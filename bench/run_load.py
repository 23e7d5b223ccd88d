"""The load run: the portal under gunicorn on 127.0.0.1 with 20,000 applications, driven by locust in three
phases, each compared with the floor view served by the same gunicorn in the same run.

    .venv/bin/python bench/run_load.py               # the full run (about 7 minutes with the seeding)
    LOAD_SCALE=0.1 .venv/bin/python bench/run_load.py   # a quick run: a tenth of the rows, users and seconds

Phases (users start at once but for the surge's applicants, who arrive over its first LOAD_SURGE_ARRIVAL_SECONDS;
think times between requests, scaled by LOAD_THINK, 0 for none):

1. browse: 50 people (staff, unit contacts, recommender members, experts) on dashboards and list pages, 120 s;
2. surge: 200 applicants in the last minute before their edition's window closes (the deadline is set to the end
   of the phase), arriving evenly over its first 30 s (LOAD_SURGE_ARRIVAL_SECONDS=0: all within a second or
   two, the harsher burst): each opens its draft, saves it now and then, uploads its PDFs and submits at a moment
   of its own, then looks at its application; afterwards every upload row must have its file on storage;
3. score: 30 experts autosaving their score sheets at once, 60 s.

Before each phase the floor (`/bench/floor/`, a bare 50-row table, no database) is driven by the same number of
users with the same think time, so "× floor" near 1 means the portal kept up as a no-op view would; with
LOAD_THINK=0 it is the ratio of throughputs, as in the other benches.

Environment (defaults in brackets): LOAD_SCALE [1] multiplies rows, users and seconds; LOAD_ROWS [20000],
LOAD_BROWSE_USERS [50], LOAD_APPLICANTS [200], LOAD_EXPERTS [30], LOAD_SHEETS [5] (per expert),
LOAD_BROWSE_SECONDS [120], LOAD_SURGE_SECONDS [60], LOAD_SURGE_ARRIVAL_SECONDS [30; at most the surge's seconds
less 20], LOAD_SCORE_SECONDS [60], LOAD_FLOOR_SECONDS [20],
LOAD_WORKERS [3] (gunicorn sync workers), LOAD_THINK [1], LOAD_DATABASE [saq_load] (created and migrated if
missing, emptied at each run), LOAD_REDIS_DB [11] (the Redis database of this run's cache, sessions and queued
tasks, emptied before and after; nothing runs the tasks: the web tier is measured), DATABASE_URL, REDIS_URL.

Exit status 1 when a request failed, an upload row and the files on storage disagree, or an applicant could not
submit before the window closed; a surge p95 over 1 s is printed as "goal not met" and does not fail the run.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURGE_P95_GOAL = 1.0
PHASES = (
    # name, users' class, key of `sizes` giving the users, seconds setting, default seconds, think (low, high)
    ("browse", "Browser", "browse_users", "LOAD_BROWSE_SECONDS", 120, (1, 3)),
    ("surge", "Applicant", "applicants", "LOAD_SURGE_SECONDS", 60, (2, 5)),
    ("score", "Expert", "experts", "LOAD_SCORE_SECONDS", 60, (1, 3)),
)


def setting(name: str, default: float, *, minimum: float = 1, scaled: bool = True) -> float:
    if name in os.environ:
        return float(os.environ[name])
    scale = float(os.environ.get("LOAD_SCALE", "1")) if scaled else 1
    return max(minimum, default * scale)


def configure_environment(media_root: str) -> None:
    """The orchestrator's and gunicorn's environment: the test settings (bench.bench_wsgi adds production's
    persistent connections and cached_db sessions), this run's Redis database and media folder, and tasks queued
    rather than run in the request, as in production."""
    redis_base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="saq_portal.settings.test",
        REDIS_URL=f"{redis_base}/{os.environ.get('LOAD_REDIS_DB', '11')}",
        MEDIA_ROOT=media_root,
        CELERY_TASK_ALWAYS_EAGER="false",
        AXES_ENABLED="false",
        # Production's caches (the test settings turn them off for the suite's context and query-count checks).
        PAGE_CACHE="true",
        IDENTITY_CACHE="true",
        REFERENCE_CACHE="true",
    )


def empty_redis() -> None:
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


def seed(database: str, sizes: dict) -> tuple[dict, object]:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench import bench_list_pages as lists
    from bench.load import scene

    lists.setup_database(database)
    call_command("flush", interactive=False, verbosity=0)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # as bench.bench_wsgi
    started = time.perf_counter()
    staff = lists.make_rows(sizes["rows"])
    edition = lists.make_applications(sizes["rows"], staff)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE applications_application")
        cursor.execute("VACUUM ANALYZE accounts_unit")
    desks = lists.make_desks(edition, staff)
    surge_edition, applicants = scene.applicants(count=sizes["applicants"])
    data = {
        "browsing": scene.browsing(edition, staff, desks, users=sizes["browse_users"]),
        "applicants": applicants,
        "experts": scene.experts(edition, count=sizes["experts"], sheets=sizes["sheets"]),
    }
    from applications.models import Application

    print(
        f"seeded in {time.perf_counter() - started:.0f} s: {Application.objects.count()} applications "
        f"({sizes['rows']} submitted, {len(applicants)} drafts for the surge), {sizes['experts']} experts × "
        f"{sizes['sheets']} sheets",
        flush=True,
    )
    return data, surge_edition


class Driver:
    """The locust driver process (bench/load/driver.py): one phase per call, answered with its figures."""

    def __init__(self, url: str, env: dict):
        self.process = subprocess.Popen(  # noqa: S603 - our own driver, fixed arguments  # nosec B603
            [sys.executable, str(ROOT / "bench" / "load" / "driver.py"), url],
            cwd=ROOT,
            env={**os.environ, **env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(
        self, user_class: str, users: int, seconds: float, env: dict | None = None, *, arrival: float = 0
    ) -> dict:
        request = {"user_class": user_class, "users": users, "seconds": seconds, "env": env or {}, "arrival": arrival}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        while answer and not answer.startswith("{"):  # anything else locust prints passes through
            print(answer, end="")
            answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"the locust driver stopped (exit code {self.process.poll()}); see its output above")
        return json.loads(answer)

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def settle(url: str, *, quick: float = 0.25, limit: float = 300) -> float:
    """Wait until gunicorn has served the requests still queued from the last phase (stopped users leave them
    behind): the floor answers within `quick` seconds twice in a row. Returns the seconds waited."""
    import urllib.request

    start, quick_answers = time.monotonic(), 0
    while quick_answers < 2 and time.monotonic() - start < limit:
        asked = time.monotonic()
        with urllib.request.urlopen(f"{url}/bench/floor/", timeout=limit) as response:  # noqa: S310 - http://127.0.0.1  # nosec B310
            response.read()
        quick_answers = quick_answers + 1 if time.monotonic() - asked < quick else 0
        time.sleep(0.2)
    return time.monotonic() - start


def upload_check(media_root: str) -> dict:
    """Files on storage against upload rows: every attachment row's file exists, and no file lacks a row."""
    from applications.models import Attachment

    names = set(Attachment.objects.values_list("file", flat=True))
    root = Path(media_root)
    on_disk = {str(p.relative_to(root)) for p in (root / "applications").rglob("*") if p.is_file()}
    return {
        "rows": Attachment.objects.count(),
        "files": len(on_disk),
        "missing": len(names - on_disk),
        "orphans": len(on_disk - names),
    }


def line(label: str, row: dict, floor: dict | None = None) -> str:
    text = (
        f"{label:<8} {row['rps']:>8.1f} {row['p50'] * 1000:>8.0f} {row['p95'] * 1000:>8.0f} "
        f"{row['p99'] * 1000:>8.0f} {row['requests']:>9} {row['errors']:>7}"
    )
    if floor is not None:
        text += f" {row['rps'] / floor['rps'] if floor['rps'] else 0:>8.2f}"
    return text


def main() -> int:
    sizes = {
        "rows": int(setting("LOAD_ROWS", 20_000, minimum=200)),
        "browse_users": int(setting("LOAD_BROWSE_USERS", 50, minimum=2)),
        "applicants": int(setting("LOAD_APPLICANTS", 200, minimum=2)),
        "experts": int(setting("LOAD_EXPERTS", 30, minimum=2)),
        "sheets": int(setting("LOAD_SHEETS", 5, scaled=False)),
    }
    floor_seconds = setting("LOAD_FLOOR_SECONDS", 20, minimum=2)
    workers = int(setting("LOAD_WORKERS", 3, scaled=False))
    database = os.environ.get("LOAD_DATABASE", "saq_load")
    think = float(os.environ.get("LOAD_THINK", "1"))
    media_root = tempfile.mkdtemp(prefix="saq-load-media-")
    configure_environment(media_root)
    empty_redis()
    scene_data, surge_edition = seed(database, sizes)
    with tempfile.NamedTemporaryFile("w", prefix="saq-load-scene-", suffix=".json", delete=False) as handle:
        json.dump(scene_data, handle, ensure_ascii=False)
    from bench.bench_session_board import start_gunicorn, stop
    from bench.load.scene import close_window_at

    results, failed, arrivals = [], False, {}
    surge_arrival = setting("LOAD_SURGE_ARRIVAL_SECONDS", 30, minimum=0)
    log = tempfile.NamedTemporaryFile("w", prefix="saq-load-gunicorn-", suffix=".log", delete=False)
    process, url = start_gunicorn(database, workers, log)
    drive = Driver(url, {"LOAD_SCENE": handle.name, "LOAD_THINK": str(think)})
    try:
        # Every worker up and its URLconf loaded before the first measurement.
        drive("Floor", workers * 2, 1, {"LOAD_FLOOR_THINK": "0,0"})
        for name, user_class, users_key, seconds_key, default_seconds, (low, high) in PHASES:
            users = sizes[users_key]
            # The surge needs the time for an applicant's whole journey (save, upload, submit) even when scaled.
            seconds = setting(seconds_key, default_seconds, minimum=20 if name == "surge" else 3)
            # The surge's applicants arrive over its first part, leaving each the time for its journey. The floor's
            # users start at once: its steady throughput is the harder comparison.
            arrival = max(0.0, min(surge_arrival, seconds - 20)) if name == "surge" else 0
            settle(url)
            floor = drive("Floor", users, floor_seconds, {"LOAD_FLOOR_THINK": f"{low},{high}"})
            settle(url)
            if name == "surge":
                import datetime

                from django.utils import timezone

                # The window closes when the phase ends.
                close_window_at(surge_edition, timezone.now() + datetime.timedelta(seconds=seconds + 2))
            row = drive(user_class, users, seconds, arrival=arrival)
            print(
                f"{name}: {users} users, {seconds:.0f} s"
                + (f", arriving over {arrival:.0f} s" if arrival else "")
                + f": {row['rps']:.1f} req/s, p95 {row['p95'] * 1000:.0f} ms, "
                f"{row['errors']} errors (floor {floor['rps']:.1f} req/s)",
                flush=True,
            )
            results.append((name, users, seconds, row, floor))
            if arrival:
                arrivals[name] = arrival
            failed |= bool(row["errors"] or floor["errors"])
            if name == "surge":
                # The check counts once the uploads still queued when the users stopped have been served.
                drained = settle(url)
                uploads = {**upload_check(media_root), "drained": drained}
                from applications.models import Application

                submitted = Application.objects.filter(edition=surge_edition, status="submitted").count()
    finally:
        drive.close()
        stop(process)
        log.close()
        empty_redis()
        os.unlink(handle.name)
        shutil.rmtree(media_root, ignore_errors=True)
    print()
    print(
        f"gunicorn {workers} sync workers on 127.0.0.1 (bench.bench_wsgi); {sizes['rows']} applications; "
        f"think time ×{think:g}; floor: /bench/floor/ with the same users and think time, {floor_seconds:.0f} s"
    )
    heads = ("req/s", "p50 ms", "p95 ms", "p99 ms", "requests", "errors", "× floor")
    print(f"{'phase':<8} " + " ".join(f"{head:>{9 if head == 'requests' else 8}}" for head in heads))
    for name, users, seconds, row, floor in results:
        arriving = f", arriving over {arrivals[name]:.0f} s" if name in arrivals else ", at once"
        print(line(name, row, floor) + f"   ({users} users{arriving}, {seconds:.0f} s)")
        print(line("  floor", floor))
    print()
    print("per request (p50 / p95 ms, requests, errors):")
    for name, _users, _seconds, row, _floor in results:
        for page, figures in sorted(row["pages"].items()):
            print(
                f"  {name:<6} {page:<58} {figures['p50'] * 1000:>6.0f} {figures['p95'] * 1000:>6.0f} "
                f"{figures['requests']:>7} {figures['failures']:>5}"
            )
    for name, _users, _seconds, row, _floor in results:
        for failure in row["failures"]:
            print(f"  {name} failure: {failure}")
    print(
        f"surge uploads: {uploads['files']} files on storage, {uploads['rows']} upload rows in the database "
        f"({uploads['missing']} rows without a file, {uploads['orphans']} files without a row, counted once the "
        f"queued requests were served, {uploads['drained']:.0f} s after the users stopped); "
        f"{submitted}/{sizes['applicants']} applications submitted"
    )
    lost = uploads["files"] != uploads["rows"] or uploads["missing"] or uploads["orphans"]
    surge = next(row for name, _u, _s, row, _f in results if name == "surge")
    if surge["p95"] > SURGE_P95_GOAL:
        print(f"surge p95 {surge['p95'] * 1000:.0f} ms > {SURGE_P95_GOAL * 1000:.0f} ms: goal not met")
    else:
        print(f"surge p95 {surge['p95'] * 1000:.0f} ms <= {SURGE_P95_GOAL * 1000:.0f} ms: goal met")
    late = submitted < sizes["applicants"]
    if failed or lost or late:
        problems = [("requests failed", failed), ("lost uploads", lost), ("applications not submitted in time", late)]
        print("FAILED: " + ", ".join(text for text, bad in problems if bad) + f" (gunicorn log: {log.name})")
        return 1
    os.unlink(log.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
