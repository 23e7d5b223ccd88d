"""Deadlines (issue "Prove it holds"): every deadline-bound action is accepted one second before its deadline and
refused one second after it, with a message that says why, and the refusal writes nothing.

The clock is moved with `time_machine` (frozen: `tick=False`), as the deadline tests of each app do; nothing sleeps.
The deadlines are the ones the services read: the application window (`Phase` application, or the application's
extension), the unit-endorsement and recommendation phases, the review round's `closes_at` and the publicity's
`ends_at`.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from applications import services as application_services
from applications.enums import Status
from applications.models import Application, Attachment
from awards.enums import PhaseKind
from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from notices import results
from notices.models_results import Objection
from recommenders import services as recommender_services
from reviews import scoring
from reviews.enums import SheetState
from reviews.models import ScoreSheet
from tests.factories import recommender_member
from tests.factories.applications import draft_application, eligible_group, pdf_bytes, upload
from tests.factories.recommenders import (
    category_of,
    contact_of,
    endorsed_application,
    qc_edition,
    ranked,
    ready_to_endorse,
    submitted_application,
)
from tests.factories.reviews import assigned, pool_expert, quick_admitted, review_round
from tests.notices.results_world import OBJECTOR, published, released_edition

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

SECOND = datetime.timedelta(seconds=1)


def at(moment):
    """The server clock frozen at `moment`."""
    return time_machine.travel(moment, tick=False)


def beijing(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def refused(call) -> BusinessRuleError:
    with pytest.raises(BusinessRuleError) as error:
        call()
    return error.value


def audit_count() -> int:
    return AuditEntry.objects.count()


# --- The applicant: create, edit, upload, submit (the application window) ----------------------------------------


@pytest.fixture
def window():
    edition = qc_edition()
    return edition, edition.application_phase.ends_at


def test_create_accepted_a_second_before_the_window_closes_refused_a_second_after(window):
    edition, closes = window
    group = eligible_group()

    def create(title):
        return application_services.application_create(
            actor=group.leader, edition=edition, category=category_of(edition), title=title, group=group
        )

    with at(closes - SECOND):
        made = create("降低焊接返修率")
    assert made.status == Status.DRAFT

    audits = audit_count()
    with at(closes + SECOND):
        error = refused(lambda: create("缩短换模时间"))
    assert error.message == f"Applications to this edition closed at {beijing(closes)} (Beijing time)."
    assert list(Application.objects.filter(edition=edition)) == [made]
    assert audit_count() == audits


def test_edit_accepted_a_second_before_the_deadline_refused_a_second_after(window):
    edition, closes = window
    draft = draft_application(edition=edition)

    def save(title):
        fresh = Application.objects.get(pk=draft.pk)
        return application_services.application_save_draft(
            actor=draft.created_by,
            application=fresh,
            revision=fresh.revision,
            title=title,
            category=fresh.category,
            subtype=None,
            answers={},
        )

    with at(closes - SECOND):
        saved = save("降低焊接返修率（修订）")
    assert saved.title == "降低焊接返修率（修订）"

    audits = audit_count()
    with at(closes + SECOND):
        error = refused(lambda: save("过期后的标题"))
    assert error.code == "late"
    assert error.message == (
        f"The application window closed at {beijing(closes)} (Beijing time); this application can no longer be "
        "changed. Contact the secretariat if you believe an extension is justified."
    )
    after = Application.objects.get(pk=draft.pk)
    assert (after.title, after.revision) == ("降低焊接返修率（修订）", saved.revision)
    assert audit_count() == audits


def test_upload_accepted_a_second_before_the_deadline_refused_a_second_after(window):
    edition, closes = window
    draft = draft_application(edition=edition)
    requirement = edition.attachment_requirements.filter(allowed_types__contains=["application/pdf"]).first()

    def put(text):
        return application_services.attachment_upload(
            actor=draft.created_by,
            application=draft,
            requirement=requirement,
            uploaded_file=upload(f"{text}.pdf", pdf_bytes(text=text)),
        )

    with at(closes - SECOND):
        current = put("before")
    assert current.is_current and current.original_name == "before.pdf"

    audits, files = audit_count(), Attachment.objects.count()
    with at(closes + SECOND):
        error = refused(lambda: put("after"))
    assert error.code == "late" and "this application can no longer be changed" in error.message
    assert Attachment.objects.count() == files
    assert Attachment.objects.get(application=draft, requirement=requirement, is_current=True) == current
    assert audit_count() == audits


def test_submit_accepted_a_second_before_the_deadline_refused_a_second_after(window):
    edition, closes = window
    early, late = draft_application(edition=edition), draft_application(edition=edition)

    with at(closes - SECOND):
        submitted = application_services.application_submit(actor=early.created_by, application=early)
    assert (submitted.status, submitted.submitted_at) == (Status.SUBMITTED, closes - SECOND)

    audits = audit_count()
    with at(closes + SECOND):
        error = refused(lambda: application_services.application_submit(actor=late.created_by, application=late))
    assert error.code == "late"
    assert error.message == (
        f"The application window closed at {beijing(closes)} (Beijing time); the submission was not accepted. "
        "Your draft is kept. Contact the secretariat if you believe an extension is justified."
    )
    late.refresh_from_db()
    assert (late.status, late.number, late.submitted_at) == (Status.DRAFT, None, None)
    assert audit_count() == audits


# --- The unit and the recommender: endorsement and recommendation phases ----------------------------------------


def test_unit_endorse_accepted_a_second_before_the_phase_ends_refused_a_second_after():
    edition = qc_edition()
    ends = edition.phase(PhaseKind.UNIT_ENDORSEMENT).ends_at
    application = submitted_application(edition=edition)
    contact = contact_of(application.unit)
    ready_to_endorse(application, contact)

    with at(ends - SECOND):
        endorsed = recommender_services.unit_endorse(actor=contact, application=application)
    assert endorsed.status == Status.ENDORSED
    # Returned by the recommender, and endorsed again too late.
    recommender_services.recommender_return(
        actor=recommender_member(application.unit.recommender),
        application=application,
        recommender=application.unit.recommender,
        reason="请复核自评分。",
    )

    audits = audit_count()
    with at(ends + SECOND):
        error = refused(lambda: recommender_services.unit_endorse(actor=contact, application=application))
    assert error.code == "phase_closed"
    assert error.message == (
        f"The Unit endorsement phase ended at {beijing(ends)} (Beijing time); decisions are locked."
    )
    assert Application.objects.get(pk=application.pk).status == Status.RETURNED_TO_UNIT
    assert audit_count() == audits


def test_recommend_accepted_a_second_before_the_phase_ends_refused_a_second_after():
    edition = qc_edition()
    ends = edition.phase(PhaseKind.RECOMMENDATION).ends_at
    application = endorsed_application(edition=edition)
    recommender = application.unit.recommender
    member = recommender_member(recommender)
    ranked(member, application)

    def recommend():
        return recommender_services.recommender_decide(
            actor=member, application=application, recommender=recommender, recommend=True, opinion="同意推荐。"
        )

    with at(ends - SECOND):
        assert recommend().status == Status.RECOMMENDED
    recommender_services.recommender_reconsider(actor=member, application=application, recommender=recommender)

    audits = audit_count()
    with at(ends + SECOND):
        error = refused(recommend)
    assert error.code == "phase_closed"
    assert error.message == (f"The Recommendation phase ended at {beijing(ends)} (Beijing time); decisions are locked.")
    assert Application.objects.get(pk=application.pk).status == Status.ENDORSED
    assert audit_count() == audits


# --- The expert: scores until the round closes --------------------------------------------------------------------


def test_expert_score_accepted_a_second_before_the_round_closes_refused_a_second_after():
    edition = qc_edition()
    application = quick_admitted(edition)
    round_ = review_round(edition)
    expert = pool_expert(edition.programme)
    assignment = assigned(round_, application, expert)
    items = round_.rubrics.get(category=application.category).items
    half = {i["code"]: str((Decimal(i["max_points"]) / 2).quantize(Decimal("1"))) for i in items}
    full = {i["code"]: str(Decimal(i["max_points"]).quantize(Decimal("1"))) for i in items}

    def submit(scores, revision):
        return scoring.sheet_save(
            actor=expert.user,
            assignment=assignment,
            scores=scores,
            comments={},
            comment="结构清晰。",
            revision=revision,
            submit=True,
        )

    with at(round_.closes_at - SECOND):
        sheet = submit(half, 0)
    assert (sheet.state, sheet.revision) == (SheetState.SUBMITTED, 1)

    audits = audit_count()
    with at(round_.closes_at + SECOND):
        error = refused(lambda: submit(full, 1))
    assert error.code == "closed"
    assert error.message == "The round is closed: scores can no longer be changed."
    stored = ScoreSheet.objects.get(assignment=assignment)
    assert (stored.scores, stored.revision, stored.total) == (sheet.scores, 1, sheet.total)
    assert audit_count() == audits


# --- The public: objections until the publicity ends -----------------------------------------------------------


def test_objection_accepted_a_second_before_the_publicity_ends_refused_a_second_after():
    edition, _scheme, best, _good, _refused = released_edition()
    publicity = published(edition)

    def file(**who):
        return results.objection_file(publicity=publicity, application_id=best.pk, **{**OBJECTOR, **who})

    with at(publicity.ends_at - SECOND):
        accepted = file()
    assert accepted.tracking_number

    audits = audit_count()
    with at(publicity.ends_at + SECOND):
        error = refused(lambda: file(real_name="李四", mobile="13987654321"))
    assert error.code == "late"
    assert error.message == (
        f"The publicity ended at {publicity.ends_at.astimezone(results.workdays.SHANGHAI):%Y-%m-%d %H:%M}; "
        "late objections are not accepted."
    )
    assert list(Objection.objects.filter(application=best)) == [accepted]
    assert audit_count() == audits
