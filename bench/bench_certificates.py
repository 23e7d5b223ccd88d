"""获奖证书 batch: N certificates (default 1,000) built by one and by two worker processes. Goal: under 3 minutes
with two.

Runs on `saq_portal.settings.local` with a throw-away SQLite database and media folder in a temporary directory
(no PostgreSQL or Redis needed). Builds an edition with N certified applications (a group with members, a unit, a
released level each), a certificate template with a seal image, then for each worker count starts a batch and
runs its lanes in that many forked processes, each draining its lanes chunk by chunk through
`certificates.certificate_batch_chunk_run` — the function the Celery task calls once per message. The last lane
builds the ZIP, so the time includes it. Prints the time, certificates per second and the ZIP's size.

    .venv/bin/python bench/bench_certificates.py              # 1,000 certificates, 1 and 2 workers
    .venv/bin/python bench/bench_certificates.py -n 200 --workers 2
"""

import argparse
import io
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(workdir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "saq_portal.settings.local"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["REDIS_URL"] = ""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seal_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (400, 400), (255, 255, 255, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 390, 390), outline=(200, 20, 20, 255), width=14)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def build(n: int):
    """An edition with `n` certified applications and a template; returns the edition."""
    from applications.models import Application
    from notices.certificates import certificate_template_save
    from notices.workflow import ResultStatus
    from reviews.models_levels import LevelDecision
    from tests.factories import staff_user
    from tests.factories.recommenders import qc_edition
    from tests.factories.reviews import quick_admitted
    from tests.factories.reviews_levels import closed_round, level_scheme

    edition = qc_edition()
    # A few real groups (each with its members and unit); the rest are copies of them with their own topic and
    # number (making 1,000 groups through the factories would take longer than the batch).
    seeds = [quick_admitted(edition) for _ in range(min(n, 10))]
    copies = []
    for i in range(n - len(seeds)):
        seed = seeds[i % len(seeds)]
        copies.append(
            Application(
                edition=edition,
                category_id=seed.category_id,
                title=f"{seed.title}（{i + 1}）",
                group_id=seed.group_id,
                unit_id=seed.unit_id,
                created_by_id=seed.created_by_id,
                status=seed.status,
                number=f"B{edition.year}-{i + 1:05d}",
            )
        )
    applications = seeds + Application.objects.bulk_create(copies)
    scheme = level_scheme(edition, {closed_round(edition, name="材料文审"): 100}, levels=[("一等奖", None, None, None)])
    level = scheme.levels.get()
    LevelDecision.objects.bulk_create(
        LevelDecision(scheme=scheme, application=a, level=level, released=True) for a in applications
    )
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(status=ResultStatus.AWARD_CONFIRMED)
    certificate_template_save(
        actor=staff_user(),
        owner=edition,
        data={
            "title": "荣誉证书",
            "body": "{group}（{unit}）：\n你们的课题《{topic}》荣获{edition}{level}。\n小组成员：{members}\n特发此证。",
            "signer": "上海市质量协会",
        },
        images={"seal": (seal_png(), "seal.png")},
    )
    return edition


def _drain(batch_id: int, lanes: list[int], lane_count: int) -> None:
    from django.db import connections

    from notices.certificates import certificate_batch_chunk_run

    connections.close_all()  # a forked process opens its own connection
    for lane in lanes:
        while certificate_batch_chunk_run(batch_id=batch_id, lane=lane, lanes=lane_count):
            pass


def measure(edition, *, workers: int, fork: bool = True) -> dict:
    from django.db import connections

    from notices import certificates
    from notices.models import Certificate, CertificateBatch
    from tests.factories import staff_user

    Certificate.objects.filter(application__edition=edition).delete()
    lanes = certificates.batch_lanes()
    start = time.perf_counter()
    batch = certificates.certificate_batch_start(actor=staff_user(), edition=edition, queue=False)
    plan = [[lane for lane in range(lanes) if lane % workers == w] for w in range(workers)]
    if fork:
        connections.close_all()
        context = multiprocessing.get_context("fork")
        processes = [context.Process(target=_drain, args=(batch.pk, p, lanes)) for p in plan]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
    else:
        for p in plan:
            for lane in p:
                while certificates.certificate_batch_chunk_run(batch_id=batch.pk, lane=lane, lanes=lanes):
                    pass
    seconds = time.perf_counter() - start
    batch = CertificateBatch.objects.get(pk=batch.pk)
    return {
        "workers": workers,
        "seconds": seconds,
        "state": batch.state,
        "done": batch.done,
        "failed": batch.failed,
        "total": batch.total,
        "zip_bytes": batch.zip_file.size if batch.zip_file else 0,
    }


def report(result: dict) -> str:
    rate = result["done"] / result["seconds"] if result["seconds"] else 0
    return (
        f"{result['workers']} worker(s): {result['done']}/{result['total']} certificates "
        f"({result['failed']} failed, batch {result['state']}) in {result['seconds']:.1f} s, "
        f"{rate:.1f} per second, ZIP {result['zip_bytes'] / 1024 / 1024:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="saq-bench-") as tmp:
        setup_django(Path(tmp))
        started = time.perf_counter()
        edition = build(args.n)
        print(f"built {args.n} certified applications in {time.perf_counter() - started:.1f} s")
        for workers in args.workers:
            print(report(measure(edition, workers=workers)), flush=True)
    print("goal: under 180 s with 2 workers")


if __name__ == "__main__":
    main()
