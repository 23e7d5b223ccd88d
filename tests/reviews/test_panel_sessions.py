"""Panels of a presentation round are its sessions: two sessions of one category have their own leaders; a leader
sees and concludes only their session's applications; completeness counts only the session's live assignments, and
a conflicted judge's blank slot does not hold it up. The combined ranking still reads one conclusion per
application."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.exceptions import BusinessRuleError
from reviews import panel as panels
from reviews.enums import LIVE_ASSIGNMENT_STATES
from reviews.models import Assignment, Panel
from tests.factories import staff_user
from tests.factories.awards import open_edition
from tests.factories.reviews import pool_expert
from tests.factories.reviews_onsite import submitted
from tests.factories.reviews_presentation import passed_application, presentation_round, presentation_session
from tests.helpers import client_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def world():
    edition = open_edition()
    round_ = presentation_round(edition)
    apps_a = [passed_application(edition, category="problem_solving") for _ in range(2)]
    apps_b = [passed_application(edition, category="problem_solving")]
    judges_a = [pool_expert(edition.programme, full_name=n) for n in ("王慧敏", "刘振华")]
    judges_b = [pool_expert(edition.programme, full_name=n) for n in ("张建国", "李秀英")]
    conflicted = pool_expert(edition.programme, full_name="陈志强", employer=apps_a[1].unit)
    session_a = presentation_session(round_, apps_a, judges=[*judges_a, conflicted], name="第一场")
    session_b = presentation_session(round_, apps_b, judges=judges_b, name="第二场")
    return {
        "round": round_,
        "category": apps_a[0].category,
        "apps_a": apps_a,
        "apps_b": apps_b,
        "judges_a": judges_a,
        "judges_b": judges_b,
        "conflicted": conflicted,
        "session_a": session_a,
        "session_b": session_b,
        "staff": staff_user(),
    }


def _lead(world, session, expert):
    return panels.panel_leader_set(
        actor=world["staff"], round=world["round"], category=session.category, expert=expert, session=session
    )


def _live(session):
    return Assignment.objects.filter(
        round=session.round, application__presentation_slots__session=session, state__in=LIVE_ASSIGNMENT_STATES
    )


def _submit(session):
    for assignment in _live(session):
        submitted(assignment)


def test_two_sessions_of_one_category_have_their_own_leaders(world):
    panel_a = _lead(world, world["session_a"], world["judges_a"][0])
    panel_b = _lead(world, world["session_b"], world["judges_b"][0])
    assert panel_a.pk != panel_b.pk
    assert panel_a.category == panel_b.category == world["category"]
    assert (panel_a.session, panel_a.leader) == (world["session_a"], world["judges_a"][0])
    assert (panel_b.session, panel_b.leader) == (world["session_b"], world["judges_b"][0])
    # Naming again updates the session's panel, it does not add one.
    assert _lead(world, world["session_a"], world["judges_a"][1]).pk == panel_a.pk
    assert Panel.objects.filter(round=world["round"]).count() == 2


def test_leader_must_judge_that_session_and_a_presentation_round_has_no_category_panel(world):
    with pytest.raises(BusinessRuleError) as error:
        _lead(world, world["session_b"], world["judges_a"][0])
    assert error.value.code == "not_member"
    with pytest.raises(BusinessRuleError) as error:
        panels.panel_leader_set(
            actor=world["staff"], round=world["round"], category=world["category"], expert=world["judges_a"][0]
        )
    assert error.value.code == "panel_kind"
    assert not Panel.objects.exists()


def test_completeness_counts_only_the_sessions_assignments(world):
    panel_a = _lead(world, world["session_a"], world["judges_a"][0])
    panel_b = _lead(world, world["session_b"], world["judges_b"][0])
    _submit(world["session_b"])
    assert panels.panel_complete(panel_b)
    assert not panels.panel_complete(panel_a)
    missing = {expert for expert, _count in panels.panel_review(panel_a, world["staff"]).missing}
    assert missing == {*world["judges_a"], world["conflicted"]}
    _submit(world["session_a"])
    assert panels.panel_complete(panel_a)
    review = panels.panel_review(panel_a, world["staff"])
    assert {row.application for row in review.rows} == set(world["apps_a"])


def test_conflicted_judges_blank_slot_does_not_block_completeness(world):
    panel_a = _lead(world, world["session_a"], world["judges_a"][0])
    conflicted, blank_app = world["conflicted"], world["apps_a"][1]
    assert not _live(world["session_a"]).filter(expert=conflicted, application=blank_app).exists()
    for assignment in _live(world["session_a"]).exclude(expert=conflicted):
        submitted(assignment)
    # The conflicted judge still owes the sheet of the slot they do score.
    assert not panels.panel_complete(panel_a)
    submitted(_live(world["session_a"]).get(expert=conflicted))
    assert panels.panel_complete(panel_a)
    sheets = next(r for r in panels.panel_review(panel_a, world["staff"]).rows if r.application == blank_app).sheets
    assert conflicted not in {sheet.expert for sheet in sheets}


def test_leader_of_one_session_cannot_conclude_anothers_applications(world):
    panel_a = _lead(world, world["session_a"], world["judges_a"][0])
    panel_b = _lead(world, world["session_b"], world["judges_b"][0])
    _submit(world["session_a"])
    _submit(world["session_b"])
    leader_a, app_b = world["judges_a"][0].user, world["apps_b"][0]
    with pytest.raises(BusinessRuleError) as error:
        panels.panel_conclusion_record(actor=leader_a, panel=panel_a, application=app_b)
    assert error.value.code == "not_in_panel"
    with pytest.raises(BusinessRuleError) as error:
        panels.panel_conclusion_record(actor=leader_a, panel=panel_b, application=app_b)
    assert error.value.code == "not_leader"
    assert not panel_b.conclusions.exists()


def test_leader_pages_show_only_their_session(world):
    panel_a = _lead(world, world["session_a"], world["judges_a"][0])
    panel_b = _lead(world, world["session_b"], world["judges_b"][0])
    _submit(world["session_a"])
    _submit(world["session_b"])
    client = client_for(world["judges_a"][0].user)
    page = client.get(reverse("reviews:panel_detail", args=[panel_a.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert all(f'data-testid="panel-app-{a.pk}"' in content for a in world["apps_a"])
    assert f'data-testid="panel-app-{world["apps_b"][0].pk}"' not in content
    assert "第一场" in content
    assert client.get(reverse("reviews:panel_detail", args=[panel_b.pk])).status_code == 404
    app_b = world["apps_b"][0]
    for panel in (panel_a, panel_b):
        url = reverse("reviews:panel_conclude", args=[panel.pk, app_b.pk])
        assert client.post(url, {f"app{app_b.pk}-recommended_level": "优秀级"}).status_code == 404
    assert not panel_b.conclusions.exists()


def test_conclusions_of_all_sessions_read_per_application(world):
    panel_a = _lead(world, world["session_a"], world["judges_a"][0])
    panel_b = _lead(world, world["session_b"], world["judges_b"][0])
    _submit(world["session_a"])
    _submit(world["session_b"])
    app_a, app_b = world["apps_a"][0], world["apps_b"][0]
    panels.panel_conclusion_record(
        actor=world["judges_a"][0].user, panel=panel_a, application=app_a, adjustment="1", reason="合议上调"
    )
    panels.panel_conclusion_record(
        actor=world["judges_b"][0].user, panel=panel_b, application=app_b, recommended_level="优秀级"
    )
    found = panels.panel_conclusions(world["round"])
    assert set(found) == {app_a.pk, app_b.pk}
    assert found[app_a.pk].panel == panel_a and found[app_b.pk].panel == panel_b
    adjustments = panels.panel_adjustments(world["round"])
    assert adjustments[app_a.pk][0] == found[app_a.pk].round_score + 1
    assert "优秀级" in adjustments[app_b.pk][1]


def test_staff_page_lists_a_panel_per_session_and_names_its_leader(world):
    client = client_for(world["staff"])
    url = reverse("reviews:round_panels", args=[world["round"].pk])
    content = client.get(url).content.decode()
    assert content.count('data-testid="panel-row"') == 2
    assert f'data-session="{world["session_a"].pk}"' in content
    assert f'data-session="{world["session_b"].pk}"' in content
    leader_url = reverse("reviews:panel_leader", args=[world["round"].pk])
    session_b, judge_b = world["session_b"], world["judges_b"][1]
    client.post(leader_url, {"category": world["category"].pk, "session": session_b.pk, "leader": judge_b.pk})
    panel = Panel.objects.get(session=session_b)
    assert panel.leader == judge_b and panel.round == world["round"]
    assert not Panel.objects.filter(session=world["session_a"]).exists()
    # A session of another round is not this round's panel.
    other = presentation_session(
        presentation_round(world["round"].edition, name="另一轮"), [passed_application(world["round"].edition)]
    )
    assert client.post(leader_url, {"session": other.pk, "leader": ""}).status_code == 404


def test_staff_page_queries_same_at_one_and_two_sessions(world):
    client = client_for(world["staff"])
    url = reverse("reviews:round_panels", args=[world["round"].pk])
    _lead(world, world["session_a"], world["judges_a"][0])
    _lead(world, world["session_b"], world["judges_b"][0])
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    world["session_b"].delete()
    with CaptureQueriesContext(connection) as one:
        content = client.get(url).content.decode()
    assert content.count('data-testid="panel-row"') == 1
    assert len(one.captured_queries) == len(two.captured_queries)
