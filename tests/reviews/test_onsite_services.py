"""On-site review services: the on-site round and its rubric, scheduling visits with conflicts respected, the
panel scoring through the ordinary sheets with findings per item, results, and photos checked by content."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.audit import audit_for
from core.exceptions import BusinessRuleError
from reviews import onsite, rounds, scoring
from reviews.enums import AssignmentSource, AssignmentState, RoundKind, RoundState
from reviews.models import Assignment, RoundRubric
from reviews.results import round_results
from tests.factories import staff_user
from tests.factories.hostile_files import pdf_after_junk
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import pool_expert, quick_admitted, review_round
from tests.factories.reviews_onsite import onsite_round, png_bytes, site_visit, submitted

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

WHEN = datetime.datetime(2026, 9, 8, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def world():
    edition = qc_edition()
    round_ = onsite_round(edition)
    application = quick_admitted(edition)
    experts = [pool_expert(edition.programme, full_name=name) for name in ("王慧敏", "刘振华", "张建国")]
    return {"edition": edition, "round": round_, "application": application, "experts": experts, "staff": staff_user()}


def test_onsite_round_has_the_onsite_rubric_for_every_category():
    edition = qc_edition()
    now = timezone.now()
    round_ = onsite.onsite_round_create(
        actor=staff_user(),
        edition=edition,
        name="2026 现场评审",
        opens_at=now,
        closes_at=now + datetime.timedelta(days=9),
    )

    round_.refresh_from_db()
    assert round_.kind == RoundKind.ONSITE
    rubrics = list(RoundRubric.objects.filter(round=round_))
    assert len(rubrics) == edition.categories.count() > 0
    for rubric in rubrics:
        assert [(i["code"], i["max_points"]) for i in rubric.items] == [
            ("organisation", "10"),
            ("activity", "30"),
            ("authenticity", "30"),
            ("maintenance", "20"),
            ("education", "10"),
        ]
        assert rubric.total_points == Decimal("100")


def test_schedule_offers_the_panel_with_the_units_address(world):
    visit = onsite.site_visit_schedule(
        actor=world["staff"],
        round=world["round"],
        application=world["application"],
        starts_at=WHEN,
        experts=world["experts"][:2],
    )

    assert visit.address == world["application"].unit.address
    assert visit.starts_at == WHEN
    rows = Assignment.objects.filter(round=world["round"], application=world["application"])
    assert {(a.expert_id, a.source, a.state) for a in rows} == {
        (e.pk, AssignmentSource.VISIT, AssignmentState.OFFERED) for e in world["experts"][:2]
    }
    assert len({a.code for a in rows}) == 1
    assert [e.action for e in audit_for(visit)] == ["site_visit.scheduled"]


def test_schedule_refuses_an_expert_of_the_applying_unit(world):
    colleague = pool_expert(world["edition"].programme, employer=world["application"].unit, full_name="李同事")

    with pytest.raises(BusinessRuleError) as error:
        onsite.site_visit_schedule(
            actor=world["staff"],
            round=world["round"],
            application=world["application"],
            starts_at=WHEN,
            experts=[world["experts"][0], colleague],
        )

    assert error.value.code == "conflict"
    assert "李同事" in error.value.message
    assert not Assignment.objects.filter(round=world["round"]).exists()


def test_schedule_refuses_outside_the_pool_and_in_a_document_round(world):
    from tests.factories.accounts import ExpertFactory

    with pytest.raises(BusinessRuleError) as error:
        onsite.site_visit_schedule(
            actor=world["staff"],
            round=world["round"],
            application=world["application"],
            starts_at=WHEN,
            experts=[ExpertFactory()],
        )
    assert error.value.code == "pool"
    document = review_round(world["edition"])
    with pytest.raises(BusinessRuleError) as error:
        onsite.site_visit_schedule(
            actor=world["staff"],
            round=document,
            application=world["application"],
            starts_at=WHEN,
            experts=world["experts"][:1],
        )
    assert error.value.code == "not_onsite"


def test_panel_scores_with_findings_and_results_come_from_the_round(world):
    visit = site_visit(world["round"], world["application"], world["experts"][:3])
    items = scoring.rubric_items(RoundRubric.objects.filter(round=world["round"]).first())
    for assignment, share in zip(
        visit.application.review_assignments.order_by("pk"), ("0.9", "0.8", "0.7"), strict=True
    ):
        scoring.sheet_save(
            actor=assignment.expert.user,
            assignment=assignment,
            scores={i.code: str(i.max_points * Decimal(share)) for i in items},
            comments={"activity": "活动记录完整，与发表资料一致"},
            comment="",
            revision=0,
            submit=True,
        )

    row = round_results(world["round"]).rows[0]
    assert [m.total for m in row.marks] == [Decimal("90.0"), Decimal("80.0"), Decimal("70.0")]
    assert row.result == Decimal("80.00")
    assert Assignment.objects.get(pk=visit.application.review_assignments.first().pk).sheet.comments == {
        "activity": "活动记录完整，与发表资料一致"
    }


def test_rubric_edit_after_scores_is_a_new_version(world):
    visit = site_visit(world["round"], world["application"], world["experts"][:1])
    submitted(visit.application.review_assignments.get())
    rubric = RoundRubric.objects.get(round=world["round"], category=world["application"].category)
    items = [{**i, "max_points": "20"} if i["code"] == "education" else i for i in rubric.items]

    new = rounds.round_rubric_edit(actor=world["staff"], rubric=rubric, items=items)

    assert new.version == 2 and new.total_points == Decimal("110")
    assert visit.application.review_assignments.get().sheet.rubric_id == rubric.pk


def test_change_moves_the_visit_and_swaps_a_member(world):
    visit = site_visit(world["round"], world["application"], world["experts"][:2])
    later = WHEN + datetime.timedelta(days=1)

    onsite.site_visit_change(
        actor=world["staff"],
        visit=visit,
        starts_at=later,
        address="嘉定区",
        experts=[world["experts"][0], world["experts"][2]],
    )

    visit.refresh_from_db()
    assert (visit.starts_at, visit.address) == (later, "嘉定区")
    states = dict(Assignment.objects.filter(round=world["round"]).values_list("expert_id", "state"))
    assert states == {
        world["experts"][0].pk: AssignmentState.ACCEPTED,
        world["experts"][1].pk: AssignmentState.REMOVED,
        world["experts"][2].pk: AssignmentState.OFFERED,
    }
    entry = audit_for(visit)[0]
    assert entry.action == "site_visit.changed"
    assert entry.changes["panel"] == [[world["experts"][1].pk], [world["experts"][2].pk]]


def test_change_keeps_a_member_who_submitted(world):
    visit = site_visit(world["round"], world["application"], world["experts"][:2])
    submitted(Assignment.objects.get(round=world["round"], expert=world["experts"][1]))

    with pytest.raises(BusinessRuleError) as error:
        onsite.site_visit_change(
            actor=world["staff"], visit=visit, starts_at=WHEN, address="", experts=[world["experts"][0]]
        )
    assert error.value.code == "submitted_member"


def test_photo_from_a_panel_member_is_stored_with_a_thumbnail(world):
    from PIL import Image

    visit = site_visit(world["round"], world["application"], world["experts"][:1])
    upload = SimpleUploadedFile("IMG_0001.png", png_bytes((2000, 1000)), content_type="image/png")

    photo = onsite.visit_photo_add(
        actor=world["experts"][0].user, visit=visit, uploaded_file=upload, caption="活动记录"
    )

    assert photo.content_type == "image/png"
    with photo.thumbnail.open("rb") as handle, Image.open(handle) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (480, 240)
    assert audit_for(visit)[0].action == "visit_photo.added"


@pytest.mark.parametrize(
    "data",
    [pdf_after_junk(), b"GIF89a" + b"\x00" * 64, b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 10],
    ids=["pdf-named-jpg", "broken-gif", "truncated-jpeg"],
)
def test_photo_checked_by_content(world, data):
    visit = site_visit(world["round"], world["application"], world["experts"][:1])
    upload = SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")

    with pytest.raises(BusinessRuleError):
        onsite.visit_photo_add(actor=world["experts"][0].user, visit=visit, uploaded_file=upload)
    assert not visit.photos.exists()


def test_photo_refused_from_outside_the_panel_and_after_close(world):
    visit = site_visit(world["round"], world["application"], world["experts"][:1])
    upload = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    with pytest.raises(BusinessRuleError) as error:
        onsite.visit_photo_add(actor=world["experts"][1].user, visit=visit, uploaded_file=upload)
    assert error.value.code == "not_panel"
    world["round"].state = RoundState.CLOSED
    world["round"].save()
    visit.refresh_from_db()
    with pytest.raises(BusinessRuleError) as error:
        onsite.visit_photo_add(actor=world["staff"], visit=visit, uploaded_file=upload)
    assert error.value.code == "round_closed"


def test_a_decline_on_a_visit_is_not_refilled_by_the_solver(world):
    from reviews.assign import assignment_decline, round_assign

    onsite.site_visit_schedule(
        actor=world["staff"],
        round=world["round"],
        application=world["application"],
        starts_at=WHEN,
        experts=world["experts"][:2],
    )
    first = Assignment.objects.get(round=world["round"], expert=world["experts"][0])

    assignment_decline(actor=first.expert.user, assignment=first, reason="当天出差")

    # The third pool expert is not pulled in: staff change the visit's panel themselves.
    assert not Assignment.objects.filter(round=world["round"], expert=world["experts"][2]).exists()
    with pytest.raises(BusinessRuleError):
        round_assign(actor=world["staff"], round=world["round"])
