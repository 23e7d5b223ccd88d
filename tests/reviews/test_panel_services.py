"""Panel leaders and the consensus (合议): only a member leads; the conclusion waits for every sheet; an agreed
score that differs from the round's result needs a reason and is audited before/after; only the leader (outside
their conflicts) and staff record; the combined ranking reads the conclusions through `panel_conclusions`."""

from decimal import Decimal

import pytest

from core.audit import audit_for
from core.exceptions import BusinessRuleError
from reviews import panel as panels
from reviews.conflicts import conflict_declare
from reviews.enums import Aggregation
from tests.factories import staff_user
from tests.factories.recommenders import category_of, qc_edition
from tests.factories.reviews import assigned, pool_expert, quick_admitted, review_round
from tests.factories.reviews_onsite import submitted

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def world():
    edition = qc_edition()
    round_ = review_round(edition, aggregation=Aggregation.MEAN)
    category = category_of(edition)
    experts = [pool_expert(edition.programme, full_name=n) for n in ("王慧敏", "刘振华", "张建国")]
    applications = [quick_admitted(edition) for _ in range(2)]
    assignments = {(a.pk, e.pk): assigned(round_, a, e) for a in applications for e in experts}
    return {
        "edition": edition,
        "round": round_,
        "category": category,
        "experts": experts,
        "applications": applications,
        "assignments": assignments,
        "staff": staff_user(),
    }


def _submit_all(world, shares=("0.9", "0.8", "0.7")):
    for (_app, expert_id), assignment in world["assignments"].items():
        index = [e.pk for e in world["experts"]].index(expert_id)
        submitted(assignment, Decimal(shares[index]))


def _led(world, index=0):
    return panels.panel_leader_set(
        actor=world["staff"], round=world["round"], category=world["category"], expert=world["experts"][index]
    )


def test_leader_is_named_by_staff_among_the_panel(world):
    panel = _led(world)
    assert panel.leader == world["experts"][0]
    assert audit_for(panel)[0].changes == {"leader": [None, world["experts"][0].pk]}
    outsider = pool_expert(world["edition"].programme)
    with pytest.raises(BusinessRuleError) as error:
        panels.panel_leader_set(actor=world["staff"], round=world["round"], category=world["category"], expert=outsider)
    assert error.value.code == "not_member"
    with pytest.raises(BusinessRuleError):
        panels.panel_leader_set(
            actor=world["experts"][1].user, round=world["round"], category=world["category"], expert=world["experts"][1]
        )


def test_review_lists_missing_experts_until_all_submitted(world):
    panel = _led(world)
    submitted(world["assignments"][(world["applications"][0].pk, world["experts"][0].pk)])

    review = panels.panel_review(panel, world["experts"][0].user)

    assert not review.complete
    assert {(e.user.full_name, n) for e, n in review.missing} == {("王慧敏", 1), ("刘振华", 2), ("张建国", 2)}
    with pytest.raises(BusinessRuleError) as error:
        panels.panel_conclusion_record(
            actor=world["experts"][0].user, panel=panel, application=world["applications"][0]
        )
    assert error.value.code == "incomplete"


def test_leader_sees_every_score_and_comment(world):
    panel = _led(world)
    _submit_all(world)

    review = panels.panel_review(panel, world["experts"][0].user)

    assert review.complete and len(review.rows) == 2
    row = review.rows[0]
    assert sorted(s.total for s in row.sheets) == [Decimal("70.0"), Decimal("80.0"), Decimal("90.0")]
    assert row.round_score == Decimal("80.00")
    assert all(s.comment == "合议前意见" for s in row.sheets)
    assert all(comment.startswith("发现：") for s in row.sheets for _n, _v, comment in s.items)


def test_adjustment_needs_a_reason_and_is_audited_before_and_after(world):
    panel = _led(world)
    _submit_all(world)
    leader = world["experts"][0].user
    application = world["applications"][0]

    with pytest.raises(BusinessRuleError) as error:
        panels.panel_conclusion_record(actor=leader, panel=panel, application=application, adjustment="2")
    assert error.value.code == "reason_required"

    conclusion = panels.panel_conclusion_record(
        actor=leader,
        panel=panel,
        application=application,
        adjustment="2.5",
        reason="现场验证效果显著",
        recommended_level="优秀级",
    )

    assert (conclusion.round_score, conclusion.agreed_score, conclusion.adjustment) == (
        Decimal("80.00"),
        Decimal("82.50"),
        Decimal("2.50"),
    )
    entry = audit_for(conclusion)[0]
    assert entry.action == "panel_conclusion.recorded"
    assert entry.changes["score"] == ["80.00", "82.50"]
    assert entry.note == "现场验证效果显著"

    with pytest.raises(BusinessRuleError):
        panels.panel_conclusion_record(actor=leader, panel=panel, application=application, agreed_score="79")
    again = panels.panel_conclusion_record(
        actor=leader, panel=panel, application=application, agreed_score="79", reason="组织记录不全"
    )
    assert again.pk == conclusion.pk
    assert audit_for(conclusion)[0].changes["score"] == ["82.50", "79.00"]


def test_agreeing_with_the_round_result_needs_no_reason(world):
    panel = _led(world)
    _submit_all(world)

    conclusion = panels.panel_conclusion_record(
        actor=world["experts"][0].user, panel=panel, application=world["applications"][1], recommended_level="推进级"
    )

    assert conclusion.agreed_score == conclusion.round_score == Decimal("80.00")
    assert conclusion.reason == ""


def test_agreed_score_stays_within_the_rubric(world):
    panel = _led(world)
    _submit_all(world)
    with pytest.raises(BusinessRuleError) as error:
        panels.panel_conclusion_record(
            actor=world["staff"], panel=panel, application=world["applications"][0], adjustment="25", reason="x"
        )
    assert error.value.code == "score_range"


def test_only_the_leader_or_staff_record(world):
    panel = _led(world)
    _submit_all(world)
    with pytest.raises(BusinessRuleError) as error:
        panels.panel_conclusion_record(
            actor=world["experts"][1].user, panel=panel, application=world["applications"][0]
        )
    assert error.value.code == "not_leader"
    assert panels.panel_conclusion_record(actor=world["staff"], panel=panel, application=world["applications"][0])


def test_conflicted_leader_neither_sees_nor_records_that_application(world):
    panel = _led(world)
    _submit_all(world)
    leader = world["experts"][0]
    conflict_declare(
        actor=leader.user, round=world["round"], expert=leader, application=world["applications"][0], reason="亲属"
    )

    review = panels.panel_review(panel, leader.user)

    assert [r.application.pk for r in review.rows] == [world["applications"][1].pk]
    with pytest.raises(BusinessRuleError) as error:
        panels.panel_conclusion_record(actor=leader.user, panel=panel, application=world["applications"][0])
    assert error.value.code == "conflict"
    assert len(panels.panel_review(panel, world["staff"]).rows) == 2


def test_panel_conclusions_selector(world):
    panel = _led(world)
    _submit_all(world)
    first, second = world["applications"]
    panels.panel_conclusion_record(actor=world["staff"], panel=panel, application=first, adjustment="-1", reason="r")

    result = panels.panel_conclusions(world["round"])

    assert list(result) == [first.pk]
    assert result[first.pk].agreed_score == Decimal("79.00")
    assert second.pk not in result
    assert panels.panel_conclusions(review_round(world["edition"])) == {}


def test_the_panels_agreed_score_is_what_the_combined_ranking_counts(world):
    from reviews import levels

    panel = _led(world)
    _submit_all(world)
    first, second = world["applications"]
    panels.panel_conclusion_record(
        actor=world["staff"],
        panel=panel,
        application=first,
        adjustment="-1",
        reason="材料有夸大",
        recommended_level="优秀级",
    )

    adjusted = levels.adjustments_for(world["round"])

    assert set(adjusted) == {first.pk}
    score, note = adjusted[first.pk]
    assert score == Decimal("79.00")
    assert "材料有夸大" in note and "优秀级" in note


def test_leader_stays_once_the_committee_votes_or_the_list_is_released(world):
    """Who concluded is part of the record once the combined ranking the conclusions feed is frozen: naming or
    clearing a leader is refused (nothing written), as recording a conclusion is."""
    from reviews import levels
    from reviews.models import Panel
    from tests.factories.reviews_levels import level_scheme

    _led(world)
    scheme = level_scheme(world["edition"], {world["round"]: 100}, levels=[("标杆级", None, "100", None)])
    levels.scheme_save(
        actor=world["staff"],
        scheme=scheme,
        weights={world["round"].pk: 100},
        tie_break=[],
        vote_required=True,
        threshold=(1, 1),
        members=[world["staff"]],
    )
    assert panels.ranking_frozen(world["round"]) == ""
    _led(world, 1)  # counted by a scheme, not yet voted on: the leader may still change
    levels.vote_cast(actor=world["staff"], scheme=scheme, approve=True)

    for expert in (world["experts"][2], None):
        with pytest.raises(BusinessRuleError) as error:
            panels.panel_leader_set(
                actor=world["staff"], round=world["round"], category=world["category"], expert=expert
            )
        assert error.value.code == "voting"
    assert Panel.objects.get(round=world["round"]).leader == world["experts"][1]
    assert "voting" in panels.ranking_frozen(world["round"])
