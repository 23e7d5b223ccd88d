"""Demo data for awards: the four programmes, each with last year's closed edition and this year's open one.

Last year's edition comes from the defaults (`edition_create`), so its whole schedule lies in the past; this
year's is a copy of it (`edition_copy`) whose schedule is then moved so that the online application window is
open now: it opened 30 days ago at 09:00 and closes 20 days from now at 22:00, Beijing time, with the later
phases following it in their default order and spacing.

Idempotent: programmes are matched by code and editions by programme and year. A rerun creates nothing; it moves
this year's schedule again only if its application window is no longer open (a demo database seeded weeks ago).
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import defaults, services
from .enums import ApplicantKind, PhaseKind, ProgrammeKind
from .models import Edition, Phase, Programme

STAFF_EMAIL = "staff@demo.saq.test"
OPENED_DAYS_AGO = 30
CLOSES_IN_DAYS = 20

# (code, name, kind, who applies, description): process.md, "Programmes the portal must run".
PROGRAMMES = [
    (
        "QC",
        "上海市质量管理小组活动成果",
        ProgrammeKind.QC_ACHIEVEMENT,
        ApplicantKind.GROUP,
        "质量管理小组通过“班组通道”申报成果，所在单位自评并推荐，推荐单位评审推荐；分问题解决型和创新型。",
    ),
    (
        "TA",
        "上海市质量协会质量技术奖",
        ProgrammeKind.TECHNOLOGY_AWARD,
        ApplicantKind.UNIT,
        "企业和组织申报质量技术创新成果，分制造、非营利性服务、市场服务、建造、中小企业五个领域。",
    ),
    (
        "QB",
        "工业企业质量标杆",
        ProgrammeKind.BENCHMARK,
        ApplicantKind.UNIT,
        "符合条件的工业企业申报，经市级遴选后择优向国家推荐。",
    ),
    (
        "IQ",
        "产业质量攻关",
        ProgrammeKind.TACKLING,
        ApplicantKind.CONSORTIUM,
        "单个单位或产业链联合体（链主企业、配套企业、高校、检测机构）申报质量攻关项目。",
    ),
]


# The programmes' descriptions in English (their names are in awards.defaults.PROGRAMME_NAMES_EN).
DESCRIPTIONS_EN = {
    "QC": (
        "QC groups apply through the group channel; their unit evaluates and endorses the entry, and the "
        "recommending organisation reviews and recommends it. Topics are problem-solving or innovation."
    ),
    "TA": (
        "Enterprises and organisations enter quality-technology innovations in five fields: manufacturing, "
        "non-profit services, market services, construction, and small and medium-sized enterprises."
    ),
    "QB": "Eligible industrial enterprises apply; after selection in Shanghai the best are recommended nationally.",
    "IQ": (
        "A single unit or an industrial-chain consortium (chain leader, suppliers, universities, testing bodies) "
        "applies with a quality-tackling project."
    ),
}


def schedule_around_application(edition: Edition, *, starts_at: datetime.datetime, ends_at: datetime.datetime):
    """Move an edition's schedule so that its application window runs from `starts_at` to `ends_at`.

    Phases that start with the application window start with the new one; every other date keeps its distance
    from the end of the application window, so the phases stay in order with their spacing. Demo and test data
    only: it writes no audit entry (staff change dates on the schedule page).
    """
    phases = list(edition.phases.all())
    application = next(p for p in phases if p.kind == PhaseKind.APPLICATION)
    old_start, old_end = application.starts_at, application.ends_at
    for phase in phases:
        duration = phase.ends_at - phase.starts_at
        phase.starts_at = starts_at if phase.starts_at == old_start else ends_at + (phase.starts_at - old_end)
        phase.ends_at = ends_at + (phase.ends_at - old_end)
        if phase.ends_at <= phase.starts_at:
            phase.ends_at = phase.starts_at + duration
    Phase.objects.bulk_update(phases, ["starts_at", "ends_at"])


def open_application_window(edition: Edition, *, now: datetime.datetime) -> None:
    """The application window opened OPENED_DAYS_AGO at 09:00 and closes in CLOSES_IN_DAYS at 22:00 (Beijing)."""
    first = timezone.localdate(now - datetime.timedelta(days=OPENED_DAYS_AGO))
    last = timezone.localdate(now + datetime.timedelta(days=CLOSES_IN_DAYS))
    schedule_around_application(
        edition,
        starts_at=services.local_datetime(first.year, first.month, first.day, 9, 0),
        ends_at=services.local_datetime(last.year, last.month, last.day, 22, 0),
    )


def seed(*, stdout):
    now = timezone.now()
    year = timezone.localdate(now).year
    actor = get_user_model().objects.filter(email=STAFF_EMAIL).first()
    for code, name, kind, applicant_kind, description in PROGRAMMES:
        programme, _ = Programme.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": defaults.PROGRAMME_NAMES_EN.get(name, ""),
                "kind": kind,
                "applicant_kind": applicant_kind,
                "description": description,
                "description_en": DESCRIPTIONS_EN.get(code, ""),
            },
        )
        past = Edition.objects.filter(programme=programme, year=year - 1).first()
        if past is None:
            past = services.edition_create(actor=actor, programme=programme, year=year - 1)
        current = Edition.objects.filter(programme=programme, year=year).first()
        if current is None:
            current = services.edition_copy(actor=actor, source=past, year=year)
        application = current.phases.filter(kind=PhaseKind.APPLICATION).first()
        if application is None:  # staff removed it: leave the edition as they made it
            stdout.write(f"  {code}: {year} has no application phase")
            continue
        if not application.is_open(now):
            open_application_window(current, now=now)
            application.refresh_from_db()
        stdout.write(
            f"  {code}: {past.year} closed; {year} application open "
            f"{timezone.localtime(application.starts_at):%Y-%m-%d %H:%M} – "
            f"{timezone.localtime(application.ends_at):%Y-%m-%d %H:%M}"
        )
    return []
