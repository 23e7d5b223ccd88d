"""The unit's services: self-evaluation, stamped scan, endorse and return, with every rule they enforce."""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from applications.enums import Status
from applications.models import Application, ApplicationEvent
from awards.enums import PhaseKind
from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from recommenders import services
from recommenders.enums import Decision, EndorsementLevel
from recommenders.models import Endorsement, Evaluation
from tests.factories import UnitFactory, recommender_member
from tests.factories.recommenders import (
    close_unit_endorsement,
    contact_of,
    default_scores,
    endorsed_application,
    pdf_bytes,
    png_bytes,
    qc_edition,
    ready_to_endorse,
    scan_uploaded,
    scoring_form_built,
    self_evaluated,
    submitted_application,
    unit_endorsement,
    upload,
)

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

PROBLEM_SOLVING = {"topic": "12.5", "cause": "27", "measures": "18", "effect": "17.5", "report": "4", "feature": "9"}


@pytest.fixture
def edition():
    return qc_edition()


@pytest.fixture
def application(edition):
    return submitted_application(edition=edition)


@pytest.fixture
def contact(application):
    return contact_of(application.unit, full_name="李联系")


def events(application) -> list[tuple[str, str, str]]:
    return list(
        ApplicationEvent.objects.filter(application=application)
        .exclude(action="create")
        .values_list("action", "from_status", "to_status")
    )


# --- Self-evaluation --------------------------------------------------------------------------------------------


def test_self_evaluation_save_computes_total_and_keeps_opinion(application, contact):
    evaluation = services.self_evaluation_save(
        actor=contact, application=application, scores=PROBLEM_SOLVING, opinion="  同意推荐。  "
    )

    assert evaluation.scores == {
        "topic": "12.5",
        "cause": "27.0",
        "measures": "18.0",
        "effect": "17.5",
        "report": "4.0",
        "feature": "9.0",
    }
    assert evaluation.total == Decimal("88.0")
    assert evaluation.level == EndorsementLevel.UNIT
    assert evaluation.reviewer == contact
    assert evaluation.rubric.name == "问题解决型课题成果评价表"
    assert unit_endorsement(application).opinion == "同意推荐。"
    assert unit_endorsement(application).decision == Decision.PENDING
    entry = AuditEntry.objects.get(action="application.self_evaluated")
    assert entry.changes == {"total": [None, "88.0"]}


def test_self_evaluation_save_again_updates_the_one_sheet(application, contact):
    services.self_evaluation_save(actor=contact, application=application, scores=PROBLEM_SOLVING, opinion="a")
    other = contact_of(application.unit)
    services.self_evaluation_save(
        actor=other, application=application, scores={**PROBLEM_SOLVING, "topic": "15"}, opinion="b"
    )

    evaluation = Evaluation.objects.get(application=application)
    assert (evaluation.total, evaluation.reviewer, evaluation.scores["topic"]) == (Decimal("90.5"), other, "15.0")
    assert unit_endorsement(application).opinion == "b"


def test_self_evaluation_innovation_uses_its_rubric(edition):
    application = submitted_application(edition=edition, category="innovation")
    contact = contact_of(application.unit)
    scores = {"topic": "20", "best_plan": "30", "measures": "20", "effect": "15", "report": "5", "feature": "10"}

    evaluation = services.self_evaluation_save(actor=contact, application=application, scores=scores, opinion="x")

    assert (evaluation.rubric.name, evaluation.total) == ("创新型课题成果评价表", Decimal("100.0"))


@pytest.mark.parametrize(
    ("item", "value", "message"),
    [
        ("topic", "15.1", "“Choice of topic”: the score must be between 0 and 15.0."),
        ("cause", "-1", "“Cause analysis”: the score must be between 0 and 30.0."),
        ("cause", "abc", "“Cause analysis”: enter a number."),
        ("cause", "NaN", "“Cause analysis”: enter a number."),
        ("cause", "Infinity", "“Cause analysis”: enter a number."),
        ("effect", "12.25", "“Effect”: use at most one decimal place."),
        ("report", "", "“Report”: give a score."),
    ],
)
def test_self_evaluation_refuses_bad_score(application, contact, item, value, message):
    with pytest.raises(BusinessRuleError) as error:
        services.self_evaluation_save(
            actor=contact, application=application, scores={**PROBLEM_SOLVING, item: value}, opinion="x"
        )

    assert str(error.value) == message
    assert error.value.code == "scores"
    assert not Evaluation.objects.filter(application=application).exists()


def test_self_evaluation_lists_every_bad_item(application, contact):
    scores = {**PROBLEM_SOLVING, "topic": "16", "cause": "x"}

    with pytest.raises(BusinessRuleError) as error:
        services.self_evaluation_save(actor=contact, application=application, scores=scores, opinion="x")

    assert (
        str(error.value) == "“Choice of topic”: the score must be between 0 and 15.0. “Cause analysis”: enter a number."
    )


def test_self_evaluation_refused_after_the_unit_endorsed(application, contact):
    ready_to_endorse(application, contact)
    services.unit_endorse(actor=contact, application=application)

    with pytest.raises(BusinessRuleError) as error:
        self_evaluated(application, contact)

    assert str(error.value) == "The unit has already decided on this application."


# --- Stamped scan -----------------------------------------------------------------------------------------------


def test_scan_upload_png_stored_with_its_checksum(application, contact):
    data = png_bytes()

    endorsement = scan_uploaded(application, contact, data=data, name="盖章.png")

    assert (endorsement.scan_mime, endorsement.scan_name) == ("image/png", "盖章.png")
    endorsement.scan.open("rb")
    assert endorsement.scan.read() == data
    assert AuditEntry.objects.filter(action="application.unit_scan_uploaded").count() == 1


def test_scan_upload_png_named_pdf_accepted_as_png(application, contact):
    """The name lies; the content is a PNG, which the scan accepts."""
    endorsement = scan_uploaded(application, contact, data=png_bytes(), name="scan.pdf")

    assert endorsement.scan_mime == "image/png"


def test_scan_upload_pdf_accepted(application, contact):
    assert scan_uploaded(application, contact, data=pdf_bytes(), name="scan.pdf").scan_mime == "application/pdf"


def test_scan_upload_text_named_pdf_refused(application, contact):
    self_evaluated(application, contact)
    scoring_form_built(application, contact)
    with pytest.raises(BusinessRuleError) as error:
        services.unit_scan_upload(
            actor=contact, application=application, uploaded_file=upload("scan.pdf", b"this is not a scan\n" * 20)
        )

    assert str(error.value) == (
        "This file is not an accepted type for “Stamped scoring-and-recommendation form” (its content is plain text). "
        "Accepted: PDF, JPG, PNG."
    )
    assert not unit_endorsement(application).scan_sha256


def test_scan_upload_same_file_twice_is_a_no_op(application, contact):
    data = png_bytes()
    scan_uploaded(application, contact, data=data)
    scan_uploaded(application, contact, data=data)

    assert AuditEntry.objects.filter(action="application.unit_scan_uploaded").count() == 1


# --- Endorse ----------------------------------------------------------------------------------------------------


def test_unit_endorse_moves_to_recommender_and_records_everything(application, contact):
    ready_to_endorse(application, contact)

    result = services.unit_endorse(actor=contact, application=application)

    assert result.status == Status.ENDORSED
    assert events(application)[-1] == ("unit_endorse", Status.SUBMITTED, Status.ENDORSED)
    endorsement = unit_endorsement(application)
    assert (endorsement.decision, endorsement.decided_by) == (Decision.ENDORSED, contact)
    assert endorsement.decided_at is not None
    recommender_row = Endorsement.objects.get(application=application, level=EndorsementLevel.RECOMMENDER)
    assert (recommender_row.decision, recommender_row.recommender) == (Decision.PENDING, application.unit.recommender)
    assert AuditEntry.objects.filter(action="application.unit_endorse").count() == 1


@pytest.mark.django_db(transaction=True)
def test_unit_endorse_mails_the_recommender():
    application = submitted_application(edition=qc_edition())
    contact = contact_of(application.unit)
    recommender_member(application.unit.recommender, email="rec@example.test")
    ready_to_endorse(application, contact)
    mail.outbox.clear()

    services.unit_endorse(actor=contact, application=application)

    to_recommender = [m for m in mail.outbox if m.to == ["rec@example.test"]]
    assert len(to_recommender) == 1
    assert to_recommender[0].subject == f"Endorsed by the unit: {application.number} {application.title}"
    assert f"/recommenders/recommender/application/{application.pk}/" in to_recommender[0].body


def test_unit_endorse_double_click_is_a_no_op(application, contact):
    ready_to_endorse(application, contact)
    services.unit_endorse(actor=contact, application=application)

    again = services.unit_endorse(actor=contact, application=application)

    assert again.status == Status.ENDORSED
    assert [e[0] for e in events(application)] == ["submit", "unit_endorse"]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            (),
            "Fill in the self-evaluation. Write the recommendation opinion. "
            "Upload the stamped scoring-and-recommendation form.",
        ),
        (
            ("evaluation",),
            "Build the scoring-and-recommendation form with the saved scores and opinion. "
            "Upload the stamped scoring-and-recommendation form.",
        ),
        (("evaluation", "form"), "Upload the stamped scoring-and-recommendation form."),
        (("scan",), "Fill in the self-evaluation. Write the recommendation opinion."),
        (("evaluation_without_opinion", "scan"), "Write the recommendation opinion."),
    ],
)
def test_unit_endorse_refused_until_complete(application, contact, steps, message):
    if "evaluation" in steps:
        self_evaluated(application, contact)
    if "evaluation_without_opinion" in steps:
        self_evaluated(application, contact, opinion="   ")
    if "form" in steps:
        scoring_form_built(application, contact)
    if "scan" in steps:
        scan_uploaded(application, contact)

    with pytest.raises(BusinessRuleError) as error:
        services.unit_endorse(actor=contact, application=application)

    assert str(error.value) == message
    assert error.value.code == "incomplete"
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_unit_endorse_direct_member_goes_straight_to_the_association(edition):
    unit = UnitFactory(direct=True, direct_confirmed=True)
    application = submitted_application(edition=edition, unit=unit)
    contact = contact_of(unit)
    ready_to_endorse(application, contact)

    result = services.unit_endorse(actor=contact, application=application)

    assert result.status == Status.RECOMMENDED
    assert events(application)[-1] == ("unit_endorse_direct", Status.SUBMITTED, Status.RECOMMENDED)
    assert not Endorsement.objects.filter(application=application, level=EndorsementLevel.RECOMMENDER).exists()


def test_unit_quota_refuses_the_second_endorsement():
    edition = qc_edition(unit_quota=1)
    unit = UnitFactory()
    contact = contact_of(unit)
    endorsed_application(edition=edition, unit=unit, actor=contact)
    second = submitted_application(edition=edition, unit=unit, title="提高焊接一次合格率")
    ready_to_endorse(second, contact)

    with pytest.raises(BusinessRuleError) as error:
        services.unit_endorse(actor=contact, application=second)

    assert str(error.value) == ("Your unit has already endorsed 1 application(s); this edition allows 1 per unit.")
    assert error.value.code == "quota"
    second.refresh_from_db()
    assert second.status == Status.SUBMITTED


def test_unit_quota_counts_only_the_units_own_endorsements():
    edition = qc_edition(unit_quota=1)
    endorsed_application(edition=edition)  # another unit's

    result = endorsed_application(edition=edition)

    assert result.status == Status.ENDORSED


def test_unit_quota_frees_a_place_when_the_unit_returns_its_endorsement_to_the_group():
    """A unit-returned application no longer holds an endorsement."""
    edition = qc_edition(unit_quota=1)
    unit = UnitFactory()
    contact = contact_of(unit)
    first = submitted_application(edition=edition, unit=unit)
    ready_to_endorse(first, contact)
    services.unit_return(actor=contact, application=first, reason="请补充数据")
    second = endorsed_application(edition=edition, unit=unit, actor=contact, title="提高焊接一次合格率")

    assert second.status == Status.ENDORSED


def test_unit_endorse_refused_after_the_unit_endorsement_phase(edition, application, contact):
    ready_to_endorse(application, contact)
    close_unit_endorsement(edition)
    end = edition.phases.get(kind=PhaseKind.UNIT_ENDORSEMENT).ends_at

    with pytest.raises(BusinessRuleError) as error:
        services.unit_endorse(actor=contact, application=application)

    assert str(error.value) == (
        f"The Unit endorsement phase ended at {timezone.localtime(end):%Y-%m-%d %H:%M} (Beijing time); "
        "decisions are locked."
    )
    assert error.value.code == "phase_closed"


def test_self_evaluation_and_return_refused_after_the_unit_endorsement_phase(edition, application, contact):
    close_unit_endorsement(edition)

    with pytest.raises(BusinessRuleError) as saving:
        self_evaluated(application, contact)
    with pytest.raises(BusinessRuleError) as returning:
        services.unit_return(actor=contact, application=application, reason="x")

    assert saving.value.code == returning.value.code == "phase_closed"


# --- Return -----------------------------------------------------------------------------------------------------


def test_unit_return_sends_back_to_the_group_with_reason(application, contact):
    result = services.unit_return(actor=contact, application=application, reason="  请补充现状调查数据。 ")

    assert result.status == Status.RETURNED_TO_GROUP
    assert result.return_reason == "请补充现状调查数据。"
    event = ApplicationEvent.objects.filter(application=application).last()
    assert (event.action, event.note, event.actor) == ("unit_return", "请补充现状调查数据。", contact)


def test_unit_return_without_reason_refused(application, contact):
    with pytest.raises(BusinessRuleError) as error:
        services.unit_return(actor=contact, application=application, reason="   ")

    assert str(error.value) == "Give the reason for returning the application."


@pytest.mark.django_db(transaction=True)
def test_unit_return_mails_the_group_leader():
    application = submitted_application(edition=qc_edition())
    contact = contact_of(application.unit)
    mail.outbox.clear()

    services.unit_return(actor=contact, application=application, reason="请补充现状调查数据。")

    to_leader = [m for m in mail.outbox if m.to == [application.group.leader.email]]
    assert len(to_leader) == 1
    assert to_leader[0].subject == f"Application returned by the unit: {application.number} {application.title}"
    assert "请补充现状调查数据。" in to_leader[0].body
    assert f"/applications/{application.pk}/" in to_leader[0].body


def test_resubmitted_after_unit_return_comes_back_with_the_self_evaluation(application, contact):
    from applications.services import application_submit

    self_evaluated(application, contact)
    services.unit_return(actor=contact, application=application, reason="请补充")
    application_submit(actor=application.group.leader, application=application)
    scan_uploaded(application, contact)

    result = services.unit_endorse(actor=contact, application=application)

    assert result.status == Status.ENDORSED
    assert [e[0] for e in events(application)] == ["submit", "unit_return", "submit", "unit_endorse"]
    assert Evaluation.objects.get(application=application).total == sum(
        Decimal(v) for v in default_scores(application).values()
    )


def test_re_endorse_after_recommender_return(application, contact):
    ready_to_endorse(application, contact)
    services.unit_endorse(actor=contact, application=application)
    member = recommender_member(application.unit.recommender)
    services.recommender_return(
        actor=member, application=application, recommender=application.unit.recommender, reason="自评分偏高，请复核"
    )
    application.refresh_from_db()
    assert (application.status, unit_endorsement(application).decision) == (Status.RETURNED_TO_UNIT, Decision.RETURNED)

    self_evaluated(application, contact, scores={**default_scores(application), "topic": "10"})
    # The scan on file shows the old scores: a new form and a new scan first.
    with pytest.raises(BusinessRuleError) as error:
        services.unit_endorse(actor=contact, application=application)
    assert error.value.code == "incomplete"
    scan_uploaded(application, contact, data=png_bytes(color=(200, 200, 200)))
    result = services.unit_endorse(actor=contact, application=application)

    assert result.status == Status.ENDORSED
    assert result.return_reason == ""
    assert unit_endorsement(application).decision == Decision.ENDORSED
    assert [e[0] for e in events(application)] == ["submit", "unit_endorse", "recommender_return", "unit_endorse"]


def test_unit_may_return_to_the_group_after_recommender_return(application, contact):
    ready_to_endorse(application, contact)
    services.unit_endorse(actor=contact, application=application)
    services.recommender_return(
        actor=recommender_member(application.unit.recommender),
        application=application,
        recommender=application.unit.recommender,
        reason="材料不全",
    )

    result = services.unit_return(actor=contact, application=application, reason="请小组补充材料")

    assert result.status == Status.RETURNED_TO_GROUP


def test_unit_return_after_endorsement_refused(application, contact):
    ready_to_endorse(application, contact)
    services.unit_endorse(actor=contact, application=application)

    with pytest.raises(BusinessRuleError) as error:
        services.unit_return(actor=contact, application=application, reason="x")

    assert str(error.value) == (
        "This application is “Endorsed, at the recommender”; “Return to the applicant” is not possible now."
    )


@pytest.mark.django_db(transaction=True)
def test_recommender_return_mails_the_unit_with_the_review_link():
    unit = UnitFactory()
    contact = contact_of(unit, email="unit-contact@example.test")
    application = endorsed_application(edition=qc_edition(), unit=unit, actor=contact)
    mail.outbox.clear()

    services.recommender_return(
        actor=recommender_member(application.unit.recommender),
        application=application,
        recommender=application.unit.recommender,
        reason="自评分偏高，请复核。",
    )

    to_unit = [m for m in mail.outbox if m.to == ["unit-contact@example.test"]]
    assert len(to_unit) == 1
    assert "自评分偏高，请复核。" in to_unit[0].body
    assert f"/recommenders/unit/application/{application.pk}/" in to_unit[0].body


# --- The stamped scan is of the form generated from the saved scores (issue 8) ---------------------------------

FORM_FIRST = (
    "First build the scoring-and-recommendation form with the saved scores and opinion (step 2); then print it, "
    "have it signed and stamped, and upload its scan."
)
SCAN_STALE = (
    "The stamped scan is not of the form with the saved scores and opinion (they changed after it was uploaded): "
    "build the form again, print, stamp and scan it, and upload the new scan."
)


def test_scan_refused_before_the_form_is_generated_from_the_saved_scores(application, contact):
    self_evaluated(application, contact)

    with pytest.raises(BusinessRuleError) as error:
        services.unit_scan_upload(actor=contact, application=application, uploaded_file=upload("s.png", png_bytes()))

    assert (str(error.value), error.value.code) == (FORM_FIRST, "form_missing")
    assert not unit_endorsement(application).scan_sha256
    with pytest.raises(BusinessRuleError) as error:
        services.unit_endorse(actor=contact, application=application)
    assert str(error.value) == (
        "Build the scoring-and-recommendation form with the saved scores and opinion. "
        "Upload the stamped scoring-and-recommendation form."
    )


def test_scan_records_the_version_of_the_form_it_was_made_from(application, contact):
    self_evaluated(application, contact)
    document = scoring_form_built(application, contact)

    endorsement = scan_uploaded(application, contact)

    assert endorsement.scan_form_version == document.source_version
    assert endorsement.scan_uploaded_at >= document.built_at


def test_a_score_changed_after_the_scan_asks_for_a_new_form_and_scan(application, contact):
    old_scan = png_bytes()
    self_evaluated(application, contact)
    scan_uploaded(application, contact, data=old_scan)
    self_evaluated(application, contact, scores={**default_scores(application), "topic": "10"})

    with pytest.raises(BusinessRuleError) as error:
        services.unit_endorse(actor=contact, application=application)
    assert str(error.value) == (
        "Build the scoring-and-recommendation form with the saved scores and opinion. " + SCAN_STALE
    )
    # The scan cannot be uploaded again before the new form exists, nor the old file after it does.
    with pytest.raises(BusinessRuleError) as error:
        services.unit_scan_upload(actor=contact, application=application, uploaded_file=upload("s.png", old_scan))
    assert error.value.code == "form_missing"
    scoring_form_built(application, contact)
    with pytest.raises(BusinessRuleError) as error:
        services.unit_endorse(actor=contact, application=application)
    assert str(error.value) == SCAN_STALE
    with pytest.raises(BusinessRuleError) as error:
        services.unit_scan_upload(actor=contact, application=application, uploaded_file=upload("s.png", old_scan))
    assert error.value.code == "scan_stale"

    scan_uploaded(application, contact, data=png_bytes(color=(120, 120, 120)))
    result = services.unit_endorse(actor=contact, application=application)

    assert result.status == Status.ENDORSED


def test_an_opinion_changed_after_the_scan_asks_for_a_new_form_and_scan(application, contact):
    ready_to_endorse(application, contact)
    self_evaluated(application, contact, opinion="改过的推荐意见。")

    with pytest.raises(BusinessRuleError) as error:
        services.unit_endorse(actor=contact, application=application)

    assert SCAN_STALE in str(error.value)
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED
