"""Panel pages: staff name a leader; the leader and staff see the panel's scores and comments once all are in,
and record conclusions; before that the page says which experts are missing; other experts get a 404."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.enums import Aggregation
from reviews.models import Panel, PanelConclusion
from tests.factories import staff_user
from tests.factories.recommenders import category_of, qc_edition
from tests.factories.reviews import assigned, pool_expert, quick_admitted, review_round
from tests.factories.reviews_onsite import panel_of, submitted
from tests.helpers import client_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def world():
    edition = qc_edition()
    round_ = review_round(edition, aggregation=Aggregation.MEAN)
    experts = [pool_expert(edition.programme, full_name=n) for n in ("王慧敏", "刘振华", "张建国")]
    application = quick_admitted(edition)
    assignments = [assigned(round_, application, e) for e in experts]
    panel = panel_of(round_, category_of(edition), leader=experts[0])
    return {
        "edition": edition,
        "round": round_,
        "experts": experts,
        "application": application,
        "assignments": assignments,
        "panel": panel,
    }


def _url(world):
    return reverse("reviews:panel_detail", args=[world["panel"].pk])


def test_staff_name_the_leader(world):
    Panel.objects.all().delete()
    category = category_of(world["edition"])
    response = client_for(staff_user()).post(
        reverse("reviews:panel_leader", args=[world["round"].pk]),
        {"category": category.pk, "leader": world["experts"][1].pk},
    )
    assert response.status_code == 302
    assert Panel.objects.get(round=world["round"], category=category).leader == world["experts"][1]
    page = client_for(staff_user()).get(reverse("reviews:round_panels", args=[world["round"].pk])).content.decode()
    assert "刘振华" in page and "0 / 3" in page


def test_before_all_submitted_the_leader_sees_who_is_missing(world):
    submitted(world["assignments"][0])

    page = client_for(world["experts"][0].user).get(_url(world)).content.decode()

    assert 'data-testid="panel-missing"' in page
    missing = page.split('data-testid="panel-missing"')[1].split("</div>")[0]
    assert "刘振华" in missing and "张建国" in missing and "王慧敏" not in missing
    assert "合议前意见" not in page


def test_leader_sees_all_scores_and_comments_then_concludes(world):
    for assignment, share in zip(world["assignments"], ("0.9", "0.8", "0.7"), strict=True):
        submitted(assignment, Decimal(share), comment=f"意见{share}")
    client = client_for(world["experts"][0].user)

    page = client.get(_url(world)).content.decode()

    assert page.count('data-testid="panel-sheet"') == 3
    assert all(f"意见{s}" in page for s in ("0.9", "0.8", "0.7"))
    prefix = f"app{world['application'].pk}"
    response = client.post(
        reverse("reviews:panel_conclude", args=[world["panel"].pk, world["application"].pk]),
        {f"{prefix}-adjustment": "-3", f"{prefix}-reason": "真实性存疑", f"{prefix}-recommended_level": "推进级"},
    )
    assert response.status_code == 302
    conclusion = PanelConclusion.objects.get()
    assert (conclusion.agreed_score, conclusion.recommended_level) == (Decimal("77.00"), "推进级")


def test_refused_adjustment_without_reason_saves_nothing(world):
    for assignment in world["assignments"]:
        submitted(assignment)
    prefix = f"app{world['application'].pk}"
    client_for(world["experts"][0].user).post(
        reverse("reviews:panel_conclude", args=[world["panel"].pk, world["application"].pk]),
        {f"{prefix}-agreed_score": "90"},
    )
    assert not PanelConclusion.objects.exists()


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_other_experts_never_see_the_panel(world, who):
    for assignment in world["assignments"]:
        submitted(assignment)
    user = world["experts"][1].user if who == "member" else pool_expert(world["edition"].programme).user
    client = client_for(user)

    assert client.get(_url(world)).status_code == 404
    response = client.post(reverse("reviews:panel_conclude", args=[world["panel"].pk, world["application"].pk]), {})
    assert response.status_code == 404
    assert 'data-testid="led-panels"' not in client.get(reverse("accounts:expert_dashboard")).content.decode()


def test_leader_dashboard_links_the_panel(world):
    page = client_for(world["experts"][0].user).get(reverse("accounts:expert_dashboard")).content.decode()
    assert 'data-testid="led-panels"' in page and _url(world) in page


def _count(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context), response.content.decode()


def test_panel_page_queries_same_at_one_and_three_applications(world):
    for assignment in world["assignments"]:
        submitted(assignment)
    client = client_for(world["experts"][0].user)
    one, page = _count(client, _url(world))
    assert page.count('data-testid="panel-app-') == 1
    for _ in range(2):
        application = quick_admitted(world["edition"])
        for expert in world["experts"]:
            submitted(assigned(world["round"], application, expert))

    three, page = _count(client, _url(world))

    assert page.count('data-testid="panel-app-') == 3
    assert three == one


def test_round_panels_queries_same_at_one_and_two_categories(world):
    client = client_for(staff_user())
    url = reverse("reviews:round_panels", args=[world["round"].pk])
    one, _page = _count(client, url)
    for _ in range(2):
        application = quick_admitted(world["edition"], category="innovation")
        for expert in world["experts"]:
            assigned(world["round"], application, expert)

    two, page = _count(client, url)

    assert page.count('data-testid="panel-row"') == 2
    assert two == one


def test_once_the_ranking_is_frozen_the_page_shows_the_leader_without_the_form(world):
    from reviews import levels
    from tests.factories.reviews_levels import level_scheme

    staff = staff_user()
    scheme = level_scheme(world["edition"], {world["round"]: 100}, levels=[("标杆级", None, "100", None)])
    url = reverse("reviews:round_panels", args=[world["round"].pk])
    assert 'action="{}"'.format(reverse("reviews:panel_leader", args=[world["round"].pk])) in (
        client_for(staff).get(url).content.decode()
    )
    levels.scheme_save(
        actor=staff,
        scheme=scheme,
        weights={world["round"].pk: 100},
        tie_break=[],
        vote_required=True,
        threshold=(1, 1),
        members=[staff],
    )
    levels.vote_cast(actor=staff, scheme=scheme, approve=True)
    page = client_for(staff).get(url).content.decode()
    assert 'data-testid="panels-frozen"' in page
    assert reverse("reviews:panel_leader", args=[world["round"].pk]) not in page
    assert 'data-testid="panel-leader">王慧敏<' in page
    # A POST anyway (a page open from before the vote): refused with the reason, the leader unchanged.
    response = client_for(staff).post(
        reverse("reviews:panel_leader", args=[world["round"].pk]),
        {"category": category_of(world["edition"]).pk, "leader": world["experts"][1].pk},
        follow=True,
    )
    assert "can no longer change" in response.content.decode()
    assert Panel.objects.get(pk=world["panel"].pk).leader == world["experts"][0]
