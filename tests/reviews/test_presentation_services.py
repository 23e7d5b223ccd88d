"""Presentation competition services: building sessions, ordering, judges and conflicts, closing, file uploads."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from reviews import presentation
from reviews.enums import AssignmentSource, AssignmentState, ConflictSource, RoundKind
from reviews.models import Assignment, Conflict, ScoreSheet
from reviews.models_presentation import PresentationSession, SessionSlot
from reviews.results import round_results
from reviews.scoring import sheet_save
from tests.factories import staff_user
from tests.factories.awards import open_edition
from tests.factories.reviews import pool_expert, quick_admitted
from tests.factories.reviews_presentation import passed_application, presentation_round, presentation_session

pytestmark = pytest.mark.django_db

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)


@pytest.fixture
def edition():
    return open_edition()


@pytest.fixture
def staff():
    return staff_user()


def _order(session):
    return list(
        SessionSlot.objects.filter(session=session).order_by("position").values_list("application_id", flat=True)
    )


def test_presentation_round_create_kind_and_rubrics(edition, staff):
    now = timezone.now()
    round_ = presentation.presentation_round_create(
        actor=staff, edition=edition, name="发表赛", opens_at=now, closes_at=now + datetime.timedelta(days=3)
    )
    assert round_.kind == RoundKind.PRESENTATION
    assert round_.blind is False
    assert round_.rubrics.count() == edition.categories.filter(rubric__isnull=False).count()


def test_sessions_build_only_passed_applications_balanced_by_category(edition, staff):
    solving = [passed_application(edition, category="problem_solving") for _ in range(5)]
    innovation = [passed_application(edition, category="innovation") for _ in range(2)]
    quick_admitted(edition)  # admitted but without a document result: not placed
    round_ = presentation_round(edition)
    starts = timezone.now() + datetime.timedelta(days=2)

    sessions = presentation.sessions_build(actor=staff, round=round_, sessions_per_category=2, starts_at=starts)

    sizes = sorted((s.category.code, s.slots.count()) for s in sessions)
    assert sizes == [("innovation", 1), ("innovation", 1), ("problem_solving", 2), ("problem_solving", 3)]
    placed = set(SessionSlot.objects.filter(round=round_).values_list("application_id", flat=True))
    assert placed == {a.pk for a in solving + innovation}
    assert AuditEntry.objects.filter(action="session.built").count() == 1
    # A second run places nobody twice.
    assert presentation.sessions_build(actor=staff, round=round_, sessions_per_category=2, starts_at=starts) == []


def test_sessions_build_refuses_a_document_round(edition, staff):
    from tests.factories.reviews import review_round

    with pytest.raises(BusinessRuleError):
        presentation.sessions_build(
            actor=staff, round=review_round(edition), sessions_per_category=1, starts_at=timezone.now()
        )


def test_session_reorder_sets_exact_order_and_refuses_partial(edition, staff):
    apps = [passed_application(edition) for _ in range(3)]
    session = presentation_session(presentation_round(edition), apps)
    slots = list(SessionSlot.objects.filter(session=session).order_by("position"))

    presentation.session_reorder(actor=staff, session=session, slot_ids=[slots[2].pk, slots[0].pk, slots[1].pk])
    assert _order(session) == [apps[2].pk, apps[0].pk, apps[1].pk]

    with pytest.raises(BusinessRuleError):
        presentation.session_reorder(actor=staff, session=session, slot_ids=[slots[0].pk, slots[1].pk])
    assert _order(session) == [apps[2].pk, apps[0].pk, apps[1].pk]


def test_a_closed_rounds_schedule_is_kept_as_it_took_place(edition, staff):
    from reviews.rounds import round_close

    apps = [passed_application(edition) for _ in range(2)]
    round_ = presentation_round(edition)
    session = presentation_session(round_, apps)
    slots = list(SessionSlot.objects.filter(session=session).order_by("position"))
    presentation.session_change(actor=staff, session=session, data={"venue": "上海市质量协会三楼会议室"})
    round_close(actor=staff, round=round_)  # the session itself was left open
    audits = AuditEntry.objects.count()

    with pytest.raises(BusinessRuleError, match="round is closed"):
        presentation.session_change(actor=staff, session=session, data={"venue": "改到别处"})
    with pytest.raises(BusinessRuleError, match="round is closed"):
        presentation.session_reorder(actor=staff, session=session, slot_ids=[slots[1].pk, slots[0].pk])
    session.refresh_from_db()
    assert session.venue == "上海市质量协会三楼会议室"
    assert _order(session) == [apps[0].pk, apps[1].pk]
    assert AuditEntry.objects.count() == audits


def test_slot_shift_up_and_down(edition, staff):
    apps = [passed_application(edition) for _ in range(3)]
    session = presentation_session(presentation_round(edition), apps)
    last = SessionSlot.objects.get(session=session, application=apps[2])
    presentation.slot_shift(actor=staff, slot=last, delta=-1)
    assert _order(session) == [apps[0].pk, apps[2].pk, apps[1].pk]
    first = SessionSlot.objects.get(session=session, application=apps[0])
    presentation.slot_shift(actor=staff, slot=first, delta=-1)  # already first: nothing moves
    assert _order(session) == [apps[0].pk, apps[2].pk, apps[1].pk]


def test_judges_get_assignments_except_conflicted_slot(edition, staff):
    apps = [passed_application(edition) for _ in range(2)]
    judge = pool_expert(edition.programme)
    conflicted = pool_expert(edition.programme, employer=apps[1].unit)  # works at the second applying unit
    session = presentation_session(presentation_round(edition), apps, judges=[judge, conflicted])

    live = set(
        Assignment.objects.filter(round=session.round, state=AssignmentState.ACCEPTED).values_list(
            "expert_id", "application_id"
        )
    )
    assert live == {(judge.pk, apps[0].pk), (judge.pk, apps[1].pk), (conflicted.pk, apps[0].pk)}
    assert set(Assignment.objects.values_list("source", flat=True)) == {AssignmentSource.SESSION}
    assert Conflict.objects.filter(expert=conflicted, application=apps[1], source=ConflictSource.SAME_UNIT).exists()

    board = presentation.session_board(session)
    statuses = {
        (row["slot"].application_id, judge_.pk): cell["status"]
        for row in board["rows"]
        for judge_, cell in zip(board["judges"], row["cells"], strict=True)
    }
    assert statuses[(apps[1].pk, conflicted.pk)] == "conflict"
    assert statuses[(apps[0].pk, conflicted.pk)] == "waiting"


def test_judges_must_be_in_the_pool(edition, staff):
    from tests.factories.accounts import ExpertFactory

    session = presentation_session(presentation_round(edition), [passed_application(edition)])
    with pytest.raises(BusinessRuleError):
        presentation.session_judges_set(actor=staff, session=session, experts=[ExpertFactory()])


def test_removing_a_judge_removes_their_assignments(edition, staff):
    app = passed_application(edition)
    judge = pool_expert(edition.programme)
    session = presentation_session(presentation_round(edition), [app], judges=[judge])
    presentation.session_judges_set(actor=staff, session=session, experts=[])
    assert Assignment.objects.get(expert=judge).state == AssignmentState.REMOVED


def test_slot_move_follows_judges(edition, staff):
    apps = [passed_application(edition) for _ in range(2)]
    round_ = presentation_round(edition)
    judge_a, judge_b = pool_expert(edition.programme), pool_expert(edition.programme)
    first = presentation_session(round_, apps, judges=[judge_a])
    second = presentation_session(round_, [passed_application(edition)], judges=[judge_b], name="第二场")
    slot = SessionSlot.objects.get(application=apps[0])

    presentation.slot_move(actor=staff, slot=slot, session=second)

    assert SessionSlot.objects.get(pk=slot.pk).session == second
    assert SessionSlot.objects.get(pk=slot.pk).position == 2
    assert _order(first) == [apps[1].pk]
    assert SessionSlot.objects.get(application=apps[1]).position == 1
    assert Assignment.objects.get(expert=judge_a, application=apps[0]).state == AssignmentState.REMOVED
    assert Assignment.objects.get(expert=judge_b, application=apps[0]).state == AssignmentState.ACCEPTED


def _rubric_scores(assignment, value="1"):
    from reviews.scoring import rubric_items
    from reviews.selectors_expert import rubric_for

    return {item.code: value for item in rubric_items(rubric_for(assignment))}


def test_close_freezes_the_judges_scores_and_results_aggregate(edition, staff):
    app = passed_application(edition)
    judge = pool_expert(edition.programme)
    session = presentation_session(presentation_round(edition), [app], judges=[judge])
    assignment = Assignment.objects.get(expert=judge)
    scores = _rubric_scores(assignment)
    sheet = sheet_save(
        actor=judge.user, assignment=assignment, scores=scores, comments={}, comment="", revision=0, submit=True
    )
    assert sheet.total == Decimal(len(scores))

    presentation.session_close(actor=staff, session=session)
    with pytest.raises(BusinessRuleError) as error:
        sheet_save(
            actor=judge.user,
            assignment=assignment,
            scores=_rubric_scores(assignment, "2"),
            comments={},
            comment="",
            revision=sheet.revision,
        )
    assert "session is closed" in error.value.message
    assert ScoreSheet.objects.get(pk=sheet.pk).total == Decimal(len(scores))
    row = next(r for r in round_results(session.round).rows if r.application_id == app.pk)
    assert row.result == Decimal(len(scores))


def test_reopen_needs_a_reason(edition, staff):
    session = presentation_session(presentation_round(edition), [passed_application(edition)])
    presentation.session_close(actor=staff, session=session)
    with pytest.raises(BusinessRuleError):
        presentation.session_reopen(actor=staff, session=session, reason=" ")
    presentation.session_reopen(actor=staff, session=session, reason="评委迟到")
    assert PresentationSession.objects.get(pk=session.pk).is_closed is False


def test_upload_before_deadline_pdf_only_by_content(edition, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    app = passed_application(edition)
    now = timezone.now()
    session = presentation_session(
        presentation_round(edition), [app], upload_deadline=now + datetime.timedelta(hours=1)
    )
    slot = SessionSlot.objects.get(session=session)

    with pytest.raises(BusinessRuleError):
        presentation.slot_file_upload(
            actor=staff, slot=slot, uploaded_file=SimpleUploadedFile("slides.pdf", b"not a pdf at all")
        )
    slot = presentation.slot_file_upload(
        actor=staff, slot=slot, uploaded_file=SimpleUploadedFile("slides.pdf", MINIMAL_PDF)
    )
    assert slot.file_type == "application/pdf"
    assert slot.file_name == "slides.pdf"

    with pytest.raises(BusinessRuleError) as error:
        presentation.slot_file_upload(
            actor=staff,
            slot=slot,
            uploaded_file=SimpleUploadedFile("slides.pdf", MINIMAL_PDF),
            now=now + datetime.timedelta(hours=2),
        )
    assert error.value.code == "upload_closed"


def test_declared_conflict_blanks_the_slot_without_refilling(edition, staff):
    from reviews.assign import round_assign
    from reviews.conflicts import conflict_declare

    app = passed_application(edition)
    judge, other = pool_expert(edition.programme), pool_expert(edition.programme)
    pool_expert(edition.programme)  # in the pool, judges no session: never given the application
    session = presentation_session(presentation_round(edition), [app], judges=[judge, other])

    conflict_declare(actor=judge.user, round=session.round, expert=judge, application=app, reason="曾指导该小组")

    states = dict(Assignment.objects.filter(round=session.round).values_list("expert_id", "state"))
    assert states == {judge.pk: AssignmentState.RECUSED, other.pk: AssignmentState.ACCEPTED}
    with pytest.raises(BusinessRuleError):
        round_assign(actor=staff, round=session.round)
