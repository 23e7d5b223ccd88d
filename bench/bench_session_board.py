"""The live board of a presentation session (发表赛) under 10 judges scoring at once, through gunicorn on 127.0.0.1,
against the floor view served by the same gunicorn in the same run.

The data (committed, in the database `saq_bench_board`, emptied at each run): a session of 12 presentations
judged by 10 experts who have signed the round's declaration, and 2 staff members. gunicorn starts from
`gunicorn.conf.py` (the image's configuration; `--workers`, default 3 as in production) serving `bench.bench_wsgi`:
the portal with the floor view and production's persistent connections and cached_db sessions. Clients are
threads with `requests` sessions signed in through session cookies (`Client.force_login`), each one request at a
time with no think time:

- load: each judge posts autosaves (`X-Autosave: 1`, every rubric item, the revision the last answer gave) to the
  sheets of the session's presentations in turn, while the staff poll the board's htmx partial (`HX-Request`);
- floor: the same number of clients GET `/bench/floor/` (a 50-row table, no database).

The two phases alternate for `--rounds`; requests/s and p50/p95 latency of the score saves, the board and the
floor, the errors (any answer other than 200 with `ok`), and the ratios to the floor are printed (medians of rounds).

    .venv/bin/python bench/bench_session_board.py                    # 10 judges, 2 staff, 2 rounds of 10 s
    .venv/bin/python bench/bench_session_board.py --judges 5 --staff 1 --seconds 5 --workers 2

Uses the PostgreSQL database `saq_bench_board` (created and migrated on first use, emptied at each run) and Redis
from REDIS_URL.
"""

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saq_portal.settings.test")

DATABASE = "saq_bench_board"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Scene:
    """What the clients need: cookies per person, the URLs and each judge's forms."""

    board_url: str
    staff_cookies: list
    judges: list = field(default_factory=list)  # [(cookies, [(sheet url, {field: max points})])]


def build(*, judges: int = 10, slots: int = 12, staff: int = 2) -> Scene:
    """A session of `slots` presentations judged by `judges` experts (declarations signed), and `staff` staff."""
    from django.test import Client
    from django.urls import reverse

    from reviews.declaration import declaration_sign
    from reviews.models import Assignment
    from reviews.scoring import rubric_items
    from reviews.selectors_expert import rubric_for
    from tests.factories import staff_user
    from tests.factories.awards import open_edition
    from tests.factories.reviews import pool_expert
    from tests.factories.reviews_presentation import passed_application, presentation_round, presentation_session

    def cookies_of(user) -> dict:
        client = Client()
        client.force_login(user)
        return {name: morsel.value for name, morsel in client.cookies.items()}

    edition = open_edition()
    applications = [passed_application(edition) for _ in range(slots)]
    experts = [pool_expert(edition.programme, max_load=slots + 5) for _ in range(judges)]
    session = presentation_session(presentation_round(edition), applications, judges=experts)
    scene = Scene(
        board_url=reverse("reviews:presentation_board", args=[session.pk]),
        staff_cookies=[cookies_of(staff_user()) for _ in range(staff)],
    )
    slot_of = {s.application_id: s.pk for s in session.slots.all()}
    for expert in experts:
        declaration_sign(actor=expert.user, round=session.round)
        sheets = []
        for assignment in Assignment.objects.filter(round=session.round, expert=expert).order_by("application_id"):
            url = reverse("reviews:presentation_judge_slot", args=[session.pk, slot_of[assignment.application_id]])
            items = {f"score_{item.code}": int(item.max_points) for item in rubric_items(rubric_for(assignment))}
            sheets.append((url, items))
        scene.judges.append((cookies_of(expert.user), sheets))
    return scene


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(database: str, workers: int, log, extra_env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """gunicorn with the image's configuration serving `bench.bench_wsgi` against `database` (`extra_env` on top of
    the environment: settings switches such as PAGE_CACHE); waits until it answers."""
    import urllib.request

    port = free_port()
    base = os.environ.get("DATABASE_URL", "postgres://saq:saq@127.0.0.1:5432/saq").rsplit("/", 1)[0]
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "DJANGO_SETTINGS_MODULE": "saq_portal.settings.test",
        "DATABASE_URL": f"{base}/{database}",
        **(extra_env or {}),
    }
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments  # nosec B603
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "bench.bench_wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"{url}/bench/floor/", timeout=5) as response:  # noqa: S310 - http://127.0.0.1  # nosec B310
                if response.status == 200:
                    return process, url
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn did not start; see its log")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Tally:
    latencies: list = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.errors += not ok


def _session(url: str, cookies: dict):
    import requests

    http = requests.Session()
    http.cookies.update(cookies)
    return http


class Judge:
    """One judge's browser: signed in, with each sheet's CSRF token and revision as the page gives them to the
    autosave script (read once, before any timing)."""

    def __init__(self, url: str, cookies: dict, sheets: list, seed: int):
        self.url, self.sheets, self.index, self.rng = url, sheets, seed, random.Random(seed)
        self.http = _session(url, cookies)
        self.tokens, self.revisions = {}, {}
        for sheet_url, _items in sheets:
            page = self.http.get(url + sheet_url, timeout=60).text
            self.tokens[sheet_url] = CSRF_INPUT.search(page).group(1)
            match = re.search(r'name="revision" value="(\d+)"', page)
            self.revisions[sheet_url] = int(match.group(1)) if match else 0

    def score(self, tally: Tally, until: float) -> None:
        """Autosave the sheets in turn, every item, until `until`."""
        while time.perf_counter() < until:
            sheet_url, items = self.sheets[self.index % len(self.sheets)]
            self.index += 1
            data = {name: str(self.rng.randint(top // 2, top)) for name, top in items.items()}
            data.update(revision=str(self.revisions[sheet_url]), comment="")
            start = time.perf_counter()
            try:
                response = self.http.post(
                    self.url + sheet_url,
                    data=data,
                    headers={"X-Autosave": "1", "X-CSRFToken": self.tokens[sheet_url]},
                    timeout=60,
                )
                ok = response.status_code == 200 and response.json().get("ok") is True
                if ok:
                    self.revisions[sheet_url] = response.json()["revision"]
            except Exception:  # a failed request is counted, the bench goes on
                ok = False
            tally.add(time.perf_counter() - start, ok)


def _getter(url: str, path: str, cookies: dict, headers: dict, expect: bytes, tally: Tally, until: float) -> None:
    http = _session(url, cookies)
    while time.perf_counter() < until:
        start = time.perf_counter()
        try:
            response = http.get(url + path, headers=headers, timeout=60)
            ok = response.status_code == 200 and expect in response.content
        except Exception:
            ok = False
        tally.add(time.perf_counter() - start, ok)


def _run(targets, seconds: float) -> float:
    """Start the client threads together, let them run `seconds`, return the elapsed time."""
    start = time.perf_counter()
    threads = [threading.Thread(target=fn, args=(*args, start + seconds)) for fn, args in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def load_phase(url: str, scene: Scene, judges: list, seconds: float) -> dict:
    saves, board = Tally(), Tally()
    targets = [(judge.score, (saves,)) for judge in judges]
    targets += [
        (_getter, (url, scene.board_url, cookies, {"HX-Request": "true"}, b'data-testid="board-row"', board))
        for cookies in scene.staff_cookies
    ]
    elapsed = _run(targets, seconds)
    return {"saves": figures(saves, elapsed), "board": figures(board, elapsed)}


def floor_phase(url: str, clients: int, seconds: float) -> dict:
    floor = Tally()
    targets = [(_getter, (url, "/bench/floor/", {}, {}, b"<td>", floor)) for _ in range(clients)]
    return {"floor": figures(floor, _run(targets, seconds))}


def figures(tally: Tally, elapsed: float) -> dict:
    latencies = sorted(tally.latencies) or [0.0]
    return {
        "requests": len(tally.latencies),
        "rps": len(tally.latencies) / elapsed,
        "p50": latencies[len(latencies) // 2],
        "p95": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))],
        "errors": tally.errors,
    }


def measure(url: str, scene: Scene, *, seconds: float, rounds: int) -> dict:
    """Floor and load phases alternate; per figure the median over rounds (requests and errors: summed)."""
    clients = len(scene.judges) + len(scene.staff_cookies)
    judges = [Judge(url, cookies, sheets, seed) for seed, (cookies, sheets) in enumerate(scene.judges)]
    runs = []
    for _ in range(rounds):
        runs.append({**floor_phase(url, clients, seconds), **load_phase(url, scene, judges, seconds)})
    merged = {}
    for name in ("saves", "board", "floor"):
        merged[name] = {
            key: (sum if key in ("requests", "errors") else statistics.median)([r[name][key] for r in runs])
            for key in ("requests", "rps", "p50", "p95", "errors")
        }
    return merged


def report(result: dict, scene: Scene, *, seconds: float, rounds: int, workers: int) -> str:
    floor = result["floor"]
    lines = [
        f"session of {len(scene.judges[0][1]) if scene.judges else 0} presentations; {len(scene.judges)} judges "
        f"autosaving + {len(scene.staff_cookies)} staff polling the board; gunicorn {workers} sync workers on "
        f"127.0.0.1; {rounds} rounds of {seconds:.0f} s per phase (medians)",
        f"{'':<36} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'requests':>9} {'errors':>7}",
    ]
    for label, key in (("score saves (autosave POST)", "saves"), ("board (htmx partial)", "board")):
        row = result[key]
        lines.append(
            f"{label:<36} {row['rps']:>8.1f} {row['p50'] * 1000:>8.1f} {row['p95'] * 1000:>8.1f} "
            f"{row['requests']:>9} {row['errors']:>7}"
        )
    both = result["saves"]["rps"] + result["board"]["rps"]
    lines.append(f"{'load, both together':<36} {both:>8.1f}")
    lines.append(
        f"{'floor (/bench/floor/, same clients)':<36} {floor['rps']:>8.1f} {floor['p50'] * 1000:>8.1f} "
        f"{floor['p95'] * 1000:>8.1f} {floor['requests']:>9} {floor['errors']:>7}"
    )
    lines.append("")
    lines.append(
        f"load: {both / floor['rps']:.2f}× the floor's requests/s; p95 {result['saves']['p95'] / floor['p95']:.1f}× "
        f"(saves) and {result['board']['p95'] / floor['p95']:.1f}× (board) the floor's p95"
    )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judges", type=int, default=10)
    parser.add_argument("--staff", type=int, default=2)
    parser.add_argument("--slots", type=int, default=12, help="presentations in the session")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench.bench_list_pages import setup_database

    setup_database(DATABASE)
    # Emptied at every run (the factories' sequences start again in each process), as a transactional test does.
    call_command("flush", interactive=False, verbosity=0)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # as gunicorn's bench_wsgi
    scene = build(judges=args.judges, slots=args.slots, staff=args.staff)
    with tempfile.NamedTemporaryFile("w+", prefix="bench-gunicorn-", suffix=".log", delete=False) as log:
        process, url = start_gunicorn(DATABASE, args.workers, log)
        try:
            result = measure(url, scene, seconds=args.seconds, rounds=args.rounds)
        finally:
            stop(process)
    print(report(result, scene, seconds=args.seconds, rounds=args.rounds, workers=args.workers))
    print(f"(gunicorn log: {log.name})")


if __name__ == "__main__":
    main()
