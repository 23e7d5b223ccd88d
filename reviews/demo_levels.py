"""Demo data for the presentation competition and award levels (runs after the reviews seeder), all through the
real services.

- Last year's QC edition gets a released result list: the demo group's entry (made by the applications seeder) and
  two other groups' entries are admitted, scored in a small document round that is then closed, ranked with the
  QC levels as score bands (标杆级 ≥ 90, 优秀级 ≥ 80, 推进级 ≥ 75) and released: two awarded with their level, one
  not awarded. The group's, unit's and recommender's dashboards show it.
- This year's QC edition keeps its open document round (the demo expert's work) and gets a second, small document
  round that is already closed; its results feed a presentation round whose sessions (one per category, a
  venue, a start time, a running order) are judged by `expert@demo.saq.test` and two other pool experts.

Idempotent: rounds are found by edition and name, sessions by round; a released scheme is left alone, a built
round is not built again.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Expert, QCGroup
from applications import demo as applications_demo
from applications.models import Application
from awards import services as award_services
from awards.models import Edition
from recommenders import demo as recommenders_demo

from . import formal, levels, presentation
from .assign import assignment_accept, round_assign
from .declaration import declaration_sign
from .demo import EXPERT_COMMENT, EXPERT_EMAIL, STAFF_EMAIL, _scores
from .enums import AssignmentState, FormalOutcome, ReviewStatus, RoundKind, RoundState
from .models import Assignment, ReviewRound
from .models_presentation import PresentationSession
from .rounds import round_close, round_create, round_open
from .scoring import sheet_save
from .workflow import FORMAL_REVIEW_QUEUE

PAST_ROUND_NAME = "{year}年度材料文审"
# Last year's other entries: topic, and the share of each item's maximum its experts give.
PAST_OTHERS = [("提高焊接工序一次合格率", Decimal("0.86")), ("降低包装材料损耗率", Decimal("0.7"))]
PAST_DEMO_SHARE = Decimal("0.95")  # the demo group's entry: 标杆级
BANDS = (Decimal("90"), Decimal("80"), Decimal("75"))  # minimum weighted totals of the three QC levels
EXPERTS_PER_APPLICATION = 3  # the smallest the rounds allow
CLOSED_ROUND_NAME = "{year}年度材料文审·第一批（已结束）"
PRESENTATION_ROUND_NAME = "{year}年度成果发表赛"
VENUE = "上海市质量协会三楼报告厅（长乐路）"
INSTRUCTIONS = "请提前30分钟到场签到；发表时间12分钟，答辩3分钟。请在截止时间前上传发表材料（PDF或PPTX）。"
JUDGES = 3


def _admit(application, staff):
    if application is not None and application.status in FORMAL_REVIEW_QUEUE:
        checks = {item.code: True for item in formal.checklist_ensure(application.edition)}
        formal.formal_review_save_checks(actor=staff, application=application, checks=checks)
        formal.formal_review_decide(actor=staff, application=application, outcome=FormalOutcome.ADMIT)
        application.refresh_from_db()
    return application


def _past_entries(edition: Edition, staff) -> dict[int, Decimal]:
    """Last year's admitted entries: application id -> the share its experts give."""
    demo_group = QCGroup.objects.filter(leader__email=applications_demo.LEADER_EMAIL).first()
    if demo_group is None:
        return {}
    shares = {}
    entry, _made = applications_demo._past_application(edition, demo_group, staff)
    if entry is not None:
        shares[_admit(entry, staff).pk] = PAST_DEMO_SHARE
    others = applications_demo._other_groups(demo_group, len(PAST_OTHERS))
    for group, (title, share) in zip(others, PAST_OTHERS, strict=False):
        group = applications_demo._registered_before(group, edition.application_phase.starts_at)
        entry, _made = applications_demo._past_application(edition, group, staff, title=title)
        if entry is not None:
            shares[_admit(entry, staff).pk] = share
    return shares


def _closed_round(edition, staff, name: str, shares: dict[int, Decimal], default_share: Decimal) -> ReviewRound:
    """A document round of `edition` over its admitted applications: assigned, every expert accepts and submits
    (each application's share, one step lower per expert so their scores differ), then closed. Steps done stay."""
    round_ = ReviewRound.objects.filter(edition=edition, name=name).first()
    if round_ is None:
        now = timezone.now()
        round_ = round_create(
            actor=staff,
            edition=edition,
            name=name,
            opens_at=now - datetime.timedelta(days=2),
            closes_at=now + datetime.timedelta(days=1),  # open while the experts score; closed right after
            experts_per_application=EXPERTS_PER_APPLICATION,
        )
    if round_.state == RoundState.DRAFT:
        round_assign(actor=staff, round=round_)
        round_ = round_open(actor=staff, round=round_)
    if round_.state == RoundState.CLOSED:
        return round_
    assignments = (
        Assignment.objects.filter(round=round_, state__in=(AssignmentState.OFFERED, AssignmentState.ACCEPTED))
        .exclude(sheet__state="submitted")
        .select_related("round", "application", "expert__user")
        .order_by("application_id", "expert__user__email")
    )
    for index, assignment in enumerate(assignments):
        user = assignment.expert.user
        declaration_sign(actor=user, round=round_)
        if assignment.state == AssignmentState.OFFERED:
            assignment = assignment_accept(actor=user, assignment=assignment)
        share = shares.get(assignment.application_id, default_share) - Decimal("0.01") * (index % 3)
        sheet_save(
            actor=user,
            assignment=assignment,
            scores=_scores(assignment, share),
            comments={},
            comment=EXPERT_COMMENT,
            revision=getattr(getattr(assignment, "sheet", None), "revision", 0),
            submit=True,
        )
    return round_close(actor=staff, round=round_)


def _released(edition, staff) -> levels.LevelScheme | None:
    scheme = levels.LevelScheme.objects.filter(edition=edition).first()
    if scheme is not None and scheme.is_released:
        return scheme
    shares = _past_entries(edition, staff)
    if not shares:
        return None
    _closed_round(edition, staff, PAST_ROUND_NAME.format(year=edition.year), shares, Decimal("0.8"))
    scheme = levels.scheme_ensure(actor=staff, edition=edition)  # its only round counts 100 %
    rows = [
        {"id": level.pk, "name": level.name, "name_en": level.name_en, "min_score": band}
        for level, band in zip(levels.AwardLevel.objects.filter(scheme=scheme), BANDS, strict=False)
    ]
    levels.award_levels_save(actor=staff, scheme=scheme, rows=rows)
    levels.scheme_release(actor=staff, scheme=scheme)
    scheme.refresh_from_db()
    return scheme


def _sessions(edition, staff) -> list[PresentationSession]:
    """This year's presentation round and its sessions, built once from a small closed document round."""
    name = PRESENTATION_ROUND_NAME.format(year=edition.year)
    round_ = ReviewRound.objects.filter(edition=edition, name=name, kind=RoundKind.PRESENTATION).first()
    if round_ is None:
        _closed_round(edition, staff, CLOSED_ROUND_NAME.format(year=edition.year), {}, Decimal("0.85"))
        day = timezone.localdate() + datetime.timedelta(days=14)
        starts_at = award_services.local_datetime(day.year, day.month, day.day, 9, 0)
        round_ = presentation.presentation_round_create(
            actor=staff,
            edition=edition,
            name=name,
            opens_at=starts_at - datetime.timedelta(days=1),
            closes_at=starts_at + datetime.timedelta(days=2),
        )
        sessions = presentation.sessions_build(
            actor=staff, round=round_, sessions_per_category=1, starts_at=starts_at, slot_minutes=15, venue=VENUE
        )
        judges = list(Expert.objects.filter(user__email=EXPERT_EMAIL)) + list(
            Expert.objects.filter(pool_entries__programme=edition.programme, pool_entries__is_active=True)
            .exclude(user__email=EXPERT_EMAIL)
            .order_by("user__email")[: JUDGES - 1]
        )
        for session in sessions:
            presentation.session_change(
                actor=staff,
                session=session,
                data={"instructions": INSTRUCTIONS, "upload_deadline": session.starts_at - datetime.timedelta(days=3)},
            )
            presentation.session_judges_set(actor=staff, session=session, experts=judges)
    return list(PresentationSession.objects.filter(round=round_).order_by("starts_at", "id"))


def seed(*, stdout):
    staff = get_user_model().objects.filter(email=STAFF_EMAIL).first()
    current = recommenders_demo._open_qc_edition(timezone.now())
    if staff is None or current is None:
        stdout.write("  skipped: no open QC edition or the demo staff login is missing\n")
        return []
    past = Edition.objects.filter(programme=current.programme, year=current.year - 1).first()
    scheme = _released(past, staff) if past is not None else None
    admitted = Application.objects.filter(edition=current, status=ReviewStatus.ADMITTED).exists()
    sessions = _sessions(current, staff) if admitted else []
    stdout.write(
        f"  {past.year if past else '—'} result list released: {bool(scheme and scheme.is_released)}; "
        f"{current.year} presentation sessions: {len(sessions)}\n"
    )
    return []
