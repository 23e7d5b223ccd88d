"""Throughput of list pages with 20,000 rows in PostgreSQL against the floor: a bare Django view rendering a
50-row table without the database, measured in the same run and process.

    .venv/bin/python bench/bench_list_pages.py [--rows 20000] [--seconds 5]

Uses DATABASE_URL (default postgres://saq:saq@127.0.0.1:5432/saq) and a database of its own, `saq_bench` or
`--database NAME` (created and migrated on first use, then reused; the rows are created once). Requests go through
Django's full middleware stack with the test client, signed in as staff, unit contact, recommender member or
expert; the floor goes through the same stack anonymously. The bar: each page serves at least half the floor's
requests per second.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saq_portal.settings.test")
os.environ.setdefault("TEST_DATABASE_NAME", "saq_bench")

import django  # noqa: E402
from django.conf import settings  # noqa: E402


def setup_database(name: str = "saq_bench"):
    """Point the default connection at database `name`, creating and migrating it if needed."""
    import psycopg

    base = settings.DATABASES["default"]
    conninfo = dict(
        host=base["HOST"] or "127.0.0.1",
        port=base["PORT"] or 5432,
        user=base["USER"],
        password=base["PASSWORD"],
        dbname=base["NAME"],
    )
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname=%s", [name]).fetchone():
            conn.execute(f'create database "{name}"')
    settings.DATABASES["default"]["NAME"] = name
    # Persistent connections, as in production (CONN_MAX_AGE=60): a new connection per request would dominate.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 600
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_rows(n: int):
    from django.contrib.auth.hashers import make_password

    from accounts.enums import ApprovalStatus, RecommenderKind, Role
    from accounts.models import Membership, Recommender, Unit, User
    from accounts.validators import credit_code_check_char

    staff, created = User.objects.get_or_create(email="bench-staff@saq.test", defaults={"full_name": "基准测试"})
    if created:
        staff.password = make_password("bench-pass-2026")
        staff.save()
        Membership.objects.create(user=staff, role=Role.STAFF)
    recommender, _ = Recommender.objects.get_or_create(
        name="基准区市场监督管理局", defaults={"kind": RecommenderKind.DISTRICT}
    )
    have = Unit.objects.count()
    batch = []
    for i in range(have, n):
        first17 = f"91310000{i:09d}"
        batch.append(
            Unit(
                name=f"上海基准测试制造有限公司{i:05d}",
                credit_code=first17 + credit_code_check_char(first17),
                address="上海市浦东新区张江路1号",
                contact_name="张伟",
                contact_phone="021-5555" + f"{i:04d}"[-4:],
                recommender=recommender,
                status=ApprovalStatus.APPROVED if i % 7 else ApprovalStatus.PENDING,
            )
        )
        if len(batch) == 2000:
            Unit.objects.bulk_create(batch)
            batch = []
    if batch:
        Unit.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:  # fresh planner statistics after the bulk load, as autovacuum would give
        cursor.execute("ANALYZE accounts_unit")
    return staff


def make_applications(n: int, staff):
    """n submitted applications in one QC edition, spread over the bench units (bulk-created, numbered)."""
    from accounts.models import QCGroup, Unit
    from applications.enums import Status
    from applications.models import Application
    from awards.enums import ApplicantKind, ProgrammeKind
    from awards.models import Edition, Programme
    from awards.services import edition_create

    programme, _ = Programme.objects.get_or_create(
        code="qb",
        defaults={
            "name": "基准质量管理小组活动成果",
            "kind": ProgrammeKind.QC_ACHIEVEMENT,
            "applicant_kind": ApplicantKind.GROUP,
        },
    )
    edition = Edition.objects.filter(programme=programme, year=2026).first() or edition_create(
        actor=staff, programme=programme, year=2026
    )
    category = edition.categories.filter(parent=None).first()
    have = Application.objects.filter(edition=edition).count()
    units = list(Unit.objects.order_by("pk")[:500])
    groups = {g.unit_id: g for g in QCGroup.objects.filter(unit__in=units)}
    missing = [
        QCGroup(unit=u, name="基准QC小组", founded_on="2020-01-01", leader=staff, status="approved")
        for u in units
        if u.pk not in groups
    ]
    QCGroup.objects.bulk_create(missing)
    groups = {g.unit_id: g for g in QCGroup.objects.filter(unit__in=units)}
    batch = []
    for i in range(have, n):
        unit = units[i % len(units)]
        batch.append(
            Application(
                edition=edition,
                category=category,
                title=f"降低某型号产品装配不良率的研究 {i:05d}",
                group=groups[unit.pk],
                unit=unit,
                created_by=staff,
                status=Status.SUBMITTED,
                number=f"QB-2026-{i + 1:05d}",
            )
        )
        if len(batch) == 2000:
            Application.objects.bulk_create(batch)
            batch = []
    if batch:
        Application.objects.bulk_create(batch)
    return edition


def make_desks(edition, staff, per_desk: int = 50):
    """The people behind the other pages, each with `per_desk` rows of their own (made once, then reused): a unit
    contact with submitted applications (its queue shows a page of them), a recommender member whose unit has
    endorsed ones (its queue lists the edition's), and an expert who signed the round's declaration and accepted
    as many assignments. Returns the users and the round."""
    import datetime

    from django.utils import timezone

    from accounts.enums import ApprovalStatus, RecommenderKind, Role
    from accounts.models import Expert, Membership, QCGroup, Recommender, Unit, User
    from accounts.validators import credit_code_check_char
    from applications.enums import Status
    from applications.models import Application
    from reviews.declaration import declaration_text_current
    from reviews.enums import AssignmentSource, AssignmentState, RoundState
    from reviews.models import Assignment, DeclarationSignature, ReviewRound

    def user(email, name, **membership):
        person, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
        if created:
            Membership.objects.create(user=person, **membership)
        return person

    recommender, _ = Recommender.objects.get_or_create(
        name="基准队列区市场监督管理局", defaults={"kind": RecommenderKind.DISTRICT}
    )
    units = []
    for serial, name in ((990_001, "上海基准队列单位甲有限公司"), (990_002, "上海基准队列单位乙有限公司")):
        first17 = f"91310000{serial:09d}"
        unit, _ = Unit.objects.get_or_create(
            credit_code=first17 + credit_code_check_char(first17),
            defaults=dict(
                name=name,
                address="上海市浦东新区张江路2号",
                contact_name="李娜",
                contact_phone="021-55550000",
                recommender=recommender,
                status=ApprovalStatus.APPROVED,
            ),
        )
        units.append(unit)
    contact = user("bench-unit@saq.test", "基准单位联系人", role=Role.UNIT, unit=units[0])
    member = user("bench-recommender@saq.test", "基准推荐人", role=Role.RECOMMENDER, recommender=recommender)
    expert_user = user("bench-expert@saq.test", "基准专家", role=Role.EXPERT)
    expert, _ = Expert.objects.get_or_create(user=expert_user, defaults={"organisation_name": "上海基准质量研究院"})
    category = edition.categories.filter(parent=None).first()
    desks = ((units[0], Status.SUBMITTED, "QU"), (units[1], Status.ENDORSED, "QR"))
    for index, (unit, status, prefix) in enumerate(desks):
        if Application.objects.filter(unit=unit).exists():
            continue
        group = QCGroup.objects.create(
            unit=unit, name=f"基准队列QC小组{index}", founded_on="2020-01-01", leader=staff, status="approved"
        )
        Application.objects.bulk_create(
            Application(
                edition=edition,
                category=category,
                title=f"提高某工序一次合格率 {prefix}{i:03d}",
                group=group,
                unit=unit,
                created_by=staff,
                status=status,
                number=f"{prefix}-2026-{i + 1:05d}",
            )
            for i in range(per_desk)
        )
    now = timezone.now()
    round_, created = ReviewRound.objects.get_or_create(
        edition=edition,
        name="基准材料文审",
        defaults={
            "opens_at": now - datetime.timedelta(hours=1),
            "closes_at": now + datetime.timedelta(days=3650),
            "state": RoundState.OPEN,
        },
    )
    if created:
        reviewed = Application.objects.filter(edition=edition, status=Status.SUBMITTED).order_by("pk")[:per_desk]
        Assignment.objects.bulk_create(
            Assignment(
                round=round_,
                application=application,
                expert=expert,
                source=AssignmentSource.SOLVER,
                state=AssignmentState.ACCEPTED,
                code=f"R{round_.pk}-{i + 1:04d}",
            )
            for i, application in enumerate(reviewed)
        )
        DeclarationSignature.objects.get_or_create(
            round=round_, expert=expert, defaults={"text": declaration_text_current(edition.programme)}
        )
    return {"unit": (contact, units[0]), "recommender": (member, recommender), "expert": (expert_user, round_)}


def build_pages(rows: int) -> list[tuple[str, object, str, bytes]]:
    """Seed (or reuse) the bench data at `rows` rows and return the six pages as (label, signed-in user, URL,
    bytes the page must contain): the units and applications lists and an application's detail as staff, the unit
    contact's, the recommender member's and the expert's queues."""
    from django.db import connection
    from django.urls import reverse

    from applications.models import Application

    staff = make_rows(rows)
    edition = make_applications(rows, staff)
    with connection.cursor() as cursor:
        # Planner statistics and the visibility map, as autovacuum gives them in production (counts use index-only
        # scans then).
        cursor.execute("VACUUM ANALYZE applications_application")
        cursor.execute("VACUUM ANALYZE accounts_unit")
    desks = make_desks(edition, staff)
    contact, unit = desks["unit"]
    member, recommender = desks["recommender"]
    expert, round_ = desks["expert"]
    page = 3 if rows >= 150 else 1  # page 3 from 150 rows on; page 1 at the tiny sizes of the smoke tests
    number = f"QB-2026-{(page - 1) * 50 + 1:05d}"  # the page's first application, shown in full below
    shown = Application.objects.get(edition=edition, number=number)
    return [
        (
            f"staff units list, page {page} (50 rows)",
            staff,
            f"/portal/staff/units/?page={page}",
            "上海基准测试制造".encode(),
        ),
        (
            f"staff applications list, page {page} (50 rows)",
            staff,
            f"/applications/staff/?page={page}",
            number.encode(),
        ),
        (
            "unit queue (25 rows a page)",
            contact,
            reverse("recommenders:unit_queue", args=[unit.pk]),
            b"QU-2026-00001",
        ),
        (
            "recommender queue (50 rows)",
            member,
            reverse("recommenders:recommender_queue", args=[recommender.pk]) + f"?edition={edition.pk}",
            b"QR-2026-00001",
        ),
        (
            "expert task list (50 rows)",
            expert,
            reverse("reviews:expert_round", args=[round_.pk]),
            b"/reviews/expert/assignments/",
        ),
        ("application detail (staff)", staff, reverse("applications:detail", args=[shown.pk]), number.encode()),
    ]


def count_queries(client, url: str) -> list[str]:
    from django.db import connection

    seen = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        client.get(url)
    return seen


def throughput(client, url: str, seconds: float, expect: bytes) -> tuple[float, int]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert expect in response.content, (url, "expected text missing")
    for _ in range(20):  # warm caches
        client.get(url)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        client.get(url)
        count += 1
    return count / (time.perf_counter() - start), len(response.content)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default="saq_bench", help="the bench's own database (created if missing)")
    parser.add_argument("--only", nargs="*", help="measure only the pages whose label contains one of these words")
    args = parser.parse_args()

    django.setup()
    setup_database(args.database)
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.ROOT_URLCONF = "bench.bench_urls"
    # Production's session engine (saq_portal.settings.production): sessions read from Redis, kept in the database.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # Production's caches (saq_portal.settings.base; the test settings switch them off): the signed-in user and
    # roles, and the list pages, served from Redis while their tables are unchanged. Each page is measured as
    # served (warm: every request after the first two of a session within a minute, while nothing is written) and
    # with the page cache off (every view runs: the first visit, or after a write).
    settings.IDENTITY_CACHE = True
    settings.PAGE_CACHE = True
    settings.REFERENCE_CACHE = True
    pages = build_pages(args.rows)
    anonymous = Client()
    clients = {}

    def signed_in(user):
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        return clients[user.pk]

    pages = [(label, signed_in(user), url, expect) for label, user, url, expect in pages]
    floor_url = "/bench/floor/"

    print(f"rows in the table: {args.rows}; {args.rounds} rounds of {args.seconds:.0f} s per page (median shown)")
    wanted = set(args.only or [])
    for label, page_client, url, expect in pages:
        if wanted and not any(word in label for word in wanted):
            continue
        floors, pages_rps, views_rps = [], [], []
        for _ in range(args.rounds):
            floors.append(throughput(anonymous, floor_url, args.seconds, b"<td>")[0])
            settings.PAGE_CACHE = False
            views_rps.append(throughput(page_client, url, args.seconds, expect)[0])
            view_queries = count_queries(page_client, url)
            settings.PAGE_CACHE = True
            rps, size = throughput(page_client, url, args.seconds, expect)
            pages_rps.append(rps)
            queries = count_queries(page_client, url)
        floor, page, view = (statistics.median(values) for values in (floors, pages_rps, views_rps))
        print(
            f"{label}: {page:7.1f} req/s, {len(queries)} queries, {size} bytes | floor {floor:7.1f} req/s | "
            f"ratio {page / floor:.2f} (bar 0.50) | view run every time (no page cache): {view:6.1f} req/s, "
            f"{len(view_queries)} queries, ratio {view / floor:.2f}"
        )


if __name__ == "__main__":
    main()
