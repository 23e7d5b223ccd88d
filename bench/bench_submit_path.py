"""The applicant's requests of the load run's deadline surge (bench/load/users.py, `Applicant`), one at a time, with
20,000 applications in PostgreSQL, against the floor: a bare Django view rendering a 50-row table without the
database, measured in the same run and process.

    .venv/bin/python bench/bench_submit_path.py [--rows 20000] [--applicants 20] [--profile]

Each of `--applicants` fresh applicants (a QC group leader with a complete draft whose two PDF files are still
missing, as bench/load/scene.py makes them) goes through the surge's journey with the test client and Django's
full middleware stack: open the draft, save it (one answer changed), open it again, open the attachments, upload
the achievement report (PDF) and the stamped form (PDF), open the submit page, submit, open the application. The
median ms of each request over the applicants is printed with the median CPU ms of this process (steadier than
wall time on a shared machine; the database's own time is not in it), its number of queries (those of the first
applicant), and the ratio floor ms / request ms (1.0: as cheap as the floor). `--profile` adds a cProfile top-20
(cumulative) of each POST over all applicants.

Uses DATABASE_URL (default postgres://saq:saq@127.0.0.1:5432/saq) and a database of its own, `saq_bench_submit`
or `--database NAME` (created and migrated on first use, emptied and seeded at each run: the 20,000 rows are
bulk-created in a few seconds). Tasks are queued as in production (not run in the request) in the Redis database
`--redis-db` (default 12, emptied before and after); uploads go to a temporary media folder.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "load"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saq_portal.settings.test")

import django  # noqa: E402
from blank_pdf import small_pdf  # noqa: E402
from django.conf import settings  # noqa: E402

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVISION = re.compile(r'name="revision" value="(\d+)"')
STEPS = (
    "edit (GET)",
    "save draft (POST)",
    "edit again (GET)",
    "attachments (GET)",
    "upload report PDF (POST)",
    "upload stamped form PDF (POST)",
    "submit page (GET)",
    "submit (POST)",
    "detail (GET)",
)


def configure(redis_db: int, media_root: str) -> None:
    """Production's way with tasks (queued in Redis, never run in the request) and production's caches (user and
    roles, pages, edition setup), in a Redis database of our own."""
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    os.environ.update(
        REDIS_URL=f"{base}/{redis_db}",
        MEDIA_ROOT=media_root,
        CELERY_TASK_ALWAYS_EAGER="false",
        AXES_ENABLED="false",
        PAGE_CACHE="true",
        IDENTITY_CACHE="true",
        REFERENCE_CACHE="true",
    )


def empty_redis() -> None:
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


class Recorder:
    """Times each request of a step and, for the first applicant, records its SQL."""

    def __init__(self, profile: bool):
        self.ms = {step: [] for step in STEPS}
        self.cpu = {step: [] for step in STEPS}  # this process's CPU time: steadier than wall time on a busy machine
        self.queries = {}
        self.profiles = {step: cProfile.Profile() for step in STEPS} if profile else {}

    def __call__(self, step: str, request, *, record_sql: bool):
        from django.db import connection

        seen = []

        def record(execute, sql, params, many, context):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                seen.append(((time.perf_counter() - start) * 1000, sql))

        profiler = self.profiles.get(step)
        with connection.execute_wrapper(record):
            start, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            response = request()
            if profiler:
                profiler.disable()
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        self.ms[step].append(elapsed * 1000)
        self.cpu[step].append(cpu * 1000)
        if record_sql:
            self.queries[step] = seen
        return response


def journey(client, person: dict, index: int, record, *, first: bool):
    """One applicant's requests, as the surge makes them; asserts each answer is the one of a success."""
    from htmlform import form_with

    def expect_redirect(response, to: str):
        assert response.status_code == 302 and response["Location"].startswith(to), (
            response.status_code,
            response.get("Location"),
            response.content[-2000:],
        )

    page = record("edit (GET)", lambda: client.get(person["edit"]), record_sql=first)
    assert page.status_code == 200
    form = form_with(page.content.decode(), "revision")
    text_fields = [name for name, value in form.items() if name.startswith("q_") and len(value) > 20]
    form[text_fields[0]] = f"{form[text_fields[0]].split('（第')[0]}（第1次修改）"
    response = record("save draft (POST)", lambda: client.post(person["edit"], form), record_sql=first)
    expect_redirect(response, person["edit"])
    page = record("edit again (GET)", lambda: client.get(person["edit"]), record_sql=first)
    assert REVISION.search(page.content.decode())
    page = record("attachments (GET)", lambda: client.get(person["attachments"]), record_sql=first)
    token = CSRF_INPUT.search(page.content.decode()).group(1)
    for step, (pk, code) in zip(STEPS[4:6], person["pdf_requirements"], strict=True):
        upload = io.BytesIO(small_pdf(f"{code} {index} {time.time()}"))
        upload.name = f"{code}.pdf"
        data = {"requirement": str(pk), "csrfmiddlewaretoken": token, "file": upload}
        response = record(step, lambda data=data: client.post(person["attachments"], data), record_sql=first)
        expect_redirect(response, person["attachments"])
    page = record("submit page (GET)", lambda: client.get(person["submit"]), record_sql=first)
    assert b"confirm" in page.content
    token = CSRF_INPUT.search(page.content.decode()).group(1)
    data = {"confirm": "on", "csrfmiddlewaretoken": token}
    response = record("submit (POST)", lambda: client.post(person["submit"], data), record_sql=first)
    expect_redirect(response, person["detail"])
    page = record("detail (GET)", lambda: client.get(person["detail"]), record_sql=first)
    assert page.status_code == 200


def signed_in(client, person: dict) -> None:
    for name, value in person["cookies"].items():
        client.cookies[name] = value


def floor_ms(client, seconds: float) -> float:
    for _ in range(20):
        client.get("/bench/floor/")
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        response = client.get("/bench/floor/")
        count += 1
    assert b"<td>" in response.content
    return (time.perf_counter() - start) * 1000 / count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--applicants", type=int, default=20)
    parser.add_argument("--floor-seconds", type=float, default=3.0)
    parser.add_argument("--database", default="saq_bench_submit", help="the bench's own database (created if missing)")
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--profile", action="store_true", help="a cProfile top-20 of each POST")
    parser.add_argument("--sql", action="store_true", help="the queries of each request, timed (first applicant)")
    args = parser.parse_args()

    media_root = tempfile.mkdtemp(prefix="saq-bench-submit-media-")
    configure(args.redis_db, media_root)
    django.setup()
    empty_redis()
    from bench import bench_list_pages as lists

    lists.setup_database(args.database)
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.ROOT_URLCONF = "bench.bench_urls"
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # production's (bench.bench_wsgi)
    try:
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("flush", interactive=False, verbosity=0)  # the factories' sequences start again each run
        staff = lists.make_rows(args.rows)
        lists.make_applications(args.rows, staff)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE applications_application")
        from bench.load import scene

        _edition, people = scene.applicants(count=args.applicants + 1)
        print(
            f"{args.rows} applications in the database; {args.applicants} fresh applicants made in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        anonymous = Client()
        record = Recorder(args.profile)
        warm = Client()  # the first journey warms templates, URL resolvers and connections; not counted
        signed_in(warm, people[0])
        journey(warm, people[0], 0, lambda step, request, record_sql: request(), first=False)
        floors = [floor_ms(anonymous, args.floor_seconds / 2)]
        for index, person in enumerate(people[1:], start=1):
            client = Client()
            signed_in(client, person)
            journey(client, person, index, record, first=index == 1)
        floors.append(floor_ms(anonymous, args.floor_seconds / 2))
    finally:
        empty_redis()
        shutil.rmtree(media_root, ignore_errors=True)

    floor = statistics.median(floors)
    print(f"floor /bench/floor/: {floor:.2f} ms a request")
    print(f"{'request':<34} {'median ms':>9} {'max ms':>8} {'CPU ms':>8} {'queries':>8} {'× floor':>8}")
    for step in STEPS:
        median = statistics.median(record.ms[step])
        print(
            f"{step:<34} {median:>9.1f} {max(record.ms[step]):>8.1f} {statistics.median(record.cpu[step]):>8.1f} "
            f"{len(record.queries[step]):>8} {floor / median:>8.3f}"
        )
    total = sum(statistics.median(record.ms[step]) for step in STEPS)
    cpu = sum(statistics.median(record.cpu[step]) for step in STEPS)
    queries = sum(len(record.queries[step]) for step in STEPS)
    print(
        f"{'the whole journey':<34} {total:>9.1f} {'':>8} {cpu:>8.1f} {queries:>8} {floor * len(STEPS) / total:>8.3f}"
    )
    if args.sql:
        for step in STEPS:
            queries = record.queries[step]
            print(f"\n--- {step}: {len(queries)} queries, {sum(ms for ms, _sql in queries):.1f} ms in the database")
            for ms, sql in queries:
                print(f"  {ms:5.1f} ms  {sql[:200]}")
    for step, profiler in record.profiles.items():
        print(f"\n--- cProfile of {step} ({args.applicants} requests), top 20 by cumulative time")
        out = io.StringIO()
        # Below the middleware chain: what the view itself spends its time in.
        chain = "test/client|core/handlers|deprecation|middleware|bench_submit_path"
        chain += "|core/(uploads|health|private_pages|sessions|busy)"
        below = rf"^(?!.*({chain}|decorators))"
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(below, 20)
        print(out.getvalue().split("\n\n", 1)[-1].rstrip())


if __name__ == "__main__":
    main()
