"""Review rounds: creating (rubrics copied), changing, rubric versions, and the round's life up to closing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from reviews import rounds
from reviews.enums import RoundState
from reviews.models import RoundRubric, ScoreSheet
from tests.factories import staff_user
from tests.factories.awards import open_edition
from tests.factories.reviews import assigned, pool_expert, quick_admitted, review_round, rubric_items_of

pytestmark = pytest.mark.django_db


def _create(edition, **fields):
    now = timezone.now()
    values = {
        "name": "2026 材料文审",
        "opens_at": now + datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=11),
        "experts_per_application": 3,
        **fields,
    }
    return rounds.round_create(actor=staff_user(), edition=edition, **values)


def test_round_create_copies_each_category_rubric_as_version_1():
    edition = open_edition()
    round_ = _create(edition)
    with_rubric = edition.categories.filter(rubric__isnull=False)
    copied = RoundRubric.objects.filter(round=round_)
    assert {(r.category_id, r.version, r.is_current) for r in copied} == {(c.pk, 1, True) for c in with_rubric}
    problem_solving = with_rubric.get(code="problem_solving")
    assert copied.get(category=problem_solving).items == rubric_items_of(problem_solving)
    assert round_.state == RoundState.DRAFT
    assert AuditEntry.objects.filter(action="round.created", object_id=str(round_.pk)).count() == 1


def test_round_create_refuses_closing_before_opening():
    now = timezone.now()
    with pytest.raises(BusinessRuleError, match="close after it opens"):
        _create(open_edition(), opens_at=now, closes_at=now - datetime.timedelta(minutes=1))


def test_round_change_records_old_and_new_values():
    round_ = _create(open_edition())
    rounds.round_change(actor=staff_user(), round=round_, data={"experts_per_application": 5, "blind": False})
    round_.refresh_from_db()
    assert (round_.experts_per_application, round_.blind) == (5, False)
    entry = AuditEntry.objects.get(action="round.changed", object_id=str(round_.pk))
    assert entry.changes == {"experts_per_application": [3, 5], "blind": [True, False]}


def test_round_change_keeps_k_once_experts_are_assigned():
    edition = open_edition()
    round_ = review_round(edition, state=RoundState.DRAFT)
    assigned(round_, quick_admitted(edition), pool_expert(edition.programme))
    with pytest.raises(BusinessRuleError, match="can no longer change"):
        rounds.round_change(actor=staff_user(), round=round_, data={"experts_per_application": 5})


def _edited(items, **change):
    out = [dict(item) for item in items]
    out[0].update(change)
    return out


def test_rubric_edit_without_scores_changes_the_version_in_place():
    round_ = _create(open_edition())
    rubric = RoundRubric.objects.get(round=round_, category__code="innovation")
    result = rounds.round_rubric_edit(actor=staff_user(), rubric=rubric, items=_edited(rubric.items, max_points="25"))
    assert result.pk == rubric.pk
    assert result.version == 1
    assert result.items[0]["max_points"] == "25.0"
    assert RoundRubric.objects.filter(round=round_, category__code="innovation").count() == 1


def test_rubric_edit_after_a_score_makes_a_new_version_and_the_old_sheet_keeps_its_rubric():
    edition = open_edition()
    round_ = review_round(edition)
    rubric = RoundRubric.objects.get(round=round_, category__code="problem_solving")
    assignment = assigned(round_, quick_admitted(edition), pool_expert(edition.programme))
    sheet = ScoreSheet.objects.create(assignment=assignment, rubric=rubric, scores={rubric.items[0]["code"]: "5"})

    new = rounds.round_rubric_edit(actor=staff_user(), rubric=rubric, items=_edited(rubric.items, name="改过的项目"))

    assert (new.version, new.is_current) == (2, True)
    assert new.items[0]["name"] == "改过的项目"
    rubric.refresh_from_db()
    assert (rubric.version, rubric.is_current) == (1, False)
    assert rubric.items[0]["name"] != "改过的项目"
    sheet.refresh_from_db()
    assert sheet.rubric_id == rubric.pk
    assert AuditEntry.objects.filter(action="round.rubric_versioned", object_id=str(round_.pk)).count() == 1
    with pytest.raises(BusinessRuleError, match="current version"):
        rounds.round_rubric_edit(actor=staff_user(), rubric=rubric, items=rubric.items)


@pytest.mark.parametrize(
    ("change", "message"),
    [({"max_points": "0"}, "positive"), ({"max_points": "2.25"}, "one decimal"), ({"code": ""}, "code and a name")],
)
def test_rubric_edit_refuses_bad_items(change, message):
    round_ = _create(open_edition())
    rubric = RoundRubric.objects.get(round=round_, category__code="innovation")
    with pytest.raises(BusinessRuleError, match=message):
        rounds.round_rubric_edit(actor=staff_user(), rubric=rubric, items=_edited(rubric.items, **change))


def test_round_moves_forward_and_closing_locks_it():
    round_ = _create(open_edition())
    staff = staff_user()
    with pytest.raises(BusinessRuleError):
        rounds.round_close(actor=staff, round=round_)
    rounds.round_open(actor=staff, round=round_)
    rounds.round_open_discussion(actor=staff, round=round_)
    closed = rounds.round_close(actor=staff, round=round_)
    assert closed.is_closed
    assert closed.closed_by == staff
    assert closed.closed_at is not None
    assert rounds.round_close(actor=staff, round=round_).closed_at == closed.closed_at  # idempotent
    actions = list(
        AuditEntry.objects.filter(object_id=str(round_.pk), action__startswith="round.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["round.created", "round.opened", "round.discussion_opened", "round.closed"]
    with pytest.raises(BusinessRuleError, match="closed"):
        rounds.round_change(actor=staff, round=round_, data={"name": "x"})
    rubric = RoundRubric.objects.filter(round=round_).first()
    with pytest.raises(BusinessRuleError, match="closed"):
        rounds.round_rubric_edit(actor=staff, rubric=rubric, items=_edited(rubric.items, max_points="1"))


def test_round_create_stores_the_aggregation_settings():
    round_ = _create(open_edition(), aggregation="median", trim_min_count=4, outlier_points=Decimal("10"))
    round_.refresh_from_db()
    assert (round_.aggregation, round_.trim_min_count, round_.outlier_points) == ("median", 4, Decimal("10.0"))
