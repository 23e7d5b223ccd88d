"""国家级推荐材料包: the ZIP of 200 applications (per application a ZIP of its files), against a floor.

The data: one QC edition with N awarded applications (bulk-created), each with its files as `Attachment` rows
whose stored files hold random bytes (a report of `--report-kb` and two stamped scans of `--scan-kb`; random, so
deflate gains nothing, as with real PDFs and scans). Built inside one transaction that is rolled back; the stored
files are deleted at the end.

Timed, with the peak of Python allocations (tracemalloc) and the process's maximum resident set (ru_maxrss):
`notices.national.write_package` into a temporary file (forms not built: their PDFs are benched elsewhere), and the
floor: plain `zipfile` writing the same files' bytes, each read whole, flat into one ZIP in a temporary file.
The package should cost about the floor's time (it compresses the same bytes once and copies each inner ZIP once
more) and hold memory flat whatever N, where the floor holds a whole file at a time.

    .venv/bin/python bench/bench_national_package.py                  # 200 applications
    .venv/bin/python bench/bench_national_package.py --applications 50 --scan-kb 2000

Uses the PostgreSQL database `saq_bench_notices` (created and migrated on first use).
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saq_portal.settings.test")


class Rollback(Exception):
    pass


FILES = (("report", "成果报告.pdf"), ("stamped_form", "申报表盖章扫描件.pdf"), ("stamped_form", "推荐表盖章扫描件.pdf"))


def build(applications: int, *, report_kb: int = 400, scan_kb: int = 300, seed: int = 2026):
    """N awarded applications with their files; returns (applications, stored names)."""
    import hashlib
    import random

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from applications.models import Application, Attachment
    from reviews.workflow_levels import LevelStatus
    from tests.factories.awards import open_edition
    from tests.factories.reviews import quick_admitted

    rng = random.Random(seed)
    edition = open_edition()
    template = quick_admitted(edition)
    requirement = edition.attachment_requirements.order_by("position", "pk").first()
    Application.objects.bulk_create(
        [
            Application(
                edition=edition,
                category_id=template.category_id,
                title=f"降低某型号产品装配不良率的研究 {i:04d}",
                group_id=template.group_id,
                unit_id=template.unit_id,
                created_by_id=template.created_by_id,
                status=LevelStatus.AWARDED,
                number=f"NB{edition.pk}-{i + 1:04d}",
            )
            for i in range(applications)
        ]
    )
    apps = list(Application.objects.filter(edition=edition, number__startswith="NB").order_by("number"))
    rows, names = [], []
    for application in apps:
        for index, (_code, original) in enumerate(FILES):
            data = rng.randbytes((report_kb if index == 0 else scan_kb) * 1024)
            name = default_storage.save(f"bench/national/{application.pk}-{index}.pdf", ContentFile(data))
            names.append(name)
            rows.append(
                Attachment(
                    application=application,
                    requirement=requirement,
                    file=name,
                    original_name=original,
                    mime_type="application/pdf",
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    is_current=index == 0,  # one current row per requirement: the scans go in as history rows
                )
            )
    Attachment.objects.bulk_create(rows)
    # The bench wants every file in the package: make the history rows current under their own requirements.
    _spread_requirements(edition, rows)
    return apps, names


def _spread_requirements(edition, rows):
    from applications.models import Attachment
    from awards.models import AttachmentRequirement

    extra = [
        AttachmentRequirement.objects.create(
            edition=edition, code=f"bench_scan_{i}", name=f"盖章扫描件{i}", position=90 + i
        )
        for i in (1, 2)
    ]
    for row in rows:
        index = int(row.file.name.rsplit("-", 1)[1].split(".")[0])
        if index:
            Attachment.objects.filter(pk=row.pk).update(requirement=extra[index - 1], is_current=True)


def _measured(fn):
    tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak, result


def package(apps) -> int:
    from notices.national import write_package

    with tempfile.TemporaryFile() as handle:
        write_package(handle, apps, build_forms=False)
        return handle.tell()


def floor(apps) -> int:
    from applications.models import Attachment

    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for attachment in Attachment.objects.filter(application__in=apps, is_current=True).order_by("pk"):
                with attachment.file.open("rb") as fh:
                    archive.writestr(f"{attachment.application_id}/{attachment.pk}.pdf", fh.read())
        return handle.tell()


def measure(apps) -> dict:
    figures = {}
    for name, fn in (("floor", floor), ("package", package)):
        seconds, peak, size = _measured(lambda fn=fn: fn(apps))
        figures[name] = {"seconds": seconds, "peak_bytes": peak, "zip_bytes": size}
    figures["applications"] = len(apps)
    figures["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return figures


def report(figures: dict) -> str:
    floor_, ours = figures["floor"], figures["package"]
    mb = 1024 * 1024
    return "\n".join(
        [
            f"national package of {figures['applications']} applications",
            f"  floor (plain zipfile, files read whole): {floor_['seconds']:.2f} s, "
            f"peak {floor_['peak_bytes'] / mb:.1f} MB, {floor_['zip_bytes'] / mb:.1f} MB written",
            f"  write_package (per-application ZIPs, streamed): {ours['seconds']:.2f} s, "
            f"peak {ours['peak_bytes'] / mb:.1f} MB, {ours['zip_bytes'] / mb:.1f} MB written",
            f"  the floor's time × {ours['seconds'] / max(floor_['seconds'], 1e-9):.2f}; "
            f"peak memory × {ours['peak_bytes'] / max(floor_['peak_bytes'], 1):.2f} of the floor's",
            f"  process max RSS {figures['maxrss_kb'] / 1024:.0f} MB",
        ]
    )


def cleanup(names) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--report-kb", type=int, default=400)
    parser.add_argument("--scan-kb", type=int, default=300)
    args = parser.parse_args()

    import django

    django.setup()
    from bench.bench_list_pages import setup_database

    setup_database("saq_bench_notices")
    from django.core.management import call_command
    from django.db import transaction

    call_command("flush", interactive=False, verbosity=0)
    names = []
    try:
        with transaction.atomic():
            start = time.perf_counter()
            apps, names = build(args.applications, report_kb=args.report_kb, scan_kb=args.scan_kb)
            built = time.perf_counter() - start
            figures = measure(apps)
            raise Rollback
    except Rollback:
        pass
    finally:
        cleanup(names)
    print(f"(data built in {built:.1f} s, rolled back afterwards)")
    print(report(figures))


if __name__ == "__main__":
    main()
