"""After the release, the group's, unit's and recommender's dashboards and the application's overview show each
released result (awarded with its level / not awarded); before it, nothing — not even staff's staged level."""

import pytest
from django.urls import reverse

from reviews import levels, panels_levels
from tests.factories import recommender_member, staff_user
from tests.factories.recommenders import contact_of, qc_edition
from tests.factories.reviews import admitted_application, quick_admitted
from tests.factories.reviews_levels import closed_round, level_scheme, result
from tests.helpers import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

LEVELS = [("标杆级", "90", None, None), ("优秀级", "80", None, None), ("推进级", "75", None, None)]
# What the panels cost: one query for the dashboard list (whatever the rows), one for the application's result.
PANEL_QUERIES = 1
PANEL = 'data-testid="level-results"'


@pytest.fixture
def world():
    edition = qc_edition()
    doc = closed_round(edition, name="材料文审")
    awarded = admitted_application(edition=edition)
    refused = quick_admitted(edition, unit=awarded.unit)
    result(doc, awarded, 95)
    result(doc, refused, 70)
    return level_scheme(edition, {doc: 100}, levels=LEVELS), awarded, refused


def _pages(awarded) -> dict[str, str]:
    recommender = awarded.unit.recommender
    leader = client_for(awarded.group.leader)
    return {
        "group": leader.get(reverse("accounts:group_dashboard", args=[awarded.group_id])).content.decode(),
        "detail": leader.get(reverse("applications:detail", args=[awarded.pk])).content.decode(),
        "unit": client_for(contact_of(awarded.unit))
        .get(reverse("accounts:unit_dashboard", args=[awarded.unit_id]))
        .content.decode(),
        "recommender": client_for(recommender_member(recommender))
        .get(reverse("accounts:recommender_dashboard", args=[recommender.pk]))
        .content.decode(),
    }


def test_nothing_shows_before_the_release_not_even_a_staged_level(world):
    scheme, awarded, _refused = world
    staged = scheme.levels.get(name="优秀级")
    levels.level_change(actor=staff_user(), scheme=scheme, application=awarded, level=staged, reason="复核降级")
    for name, page in _pages(awarded).items():
        assert PANEL not in page and "level-result-notice" not in page, name
        assert "优秀级" not in page, name


def test_after_the_release_each_channel_sees_its_results(world):
    scheme, awarded, refused = world
    assert levels.scheme_release(actor=staff_user(), scheme=scheme)
    pages = _pages(awarded)
    # The group sees its own application only; the unit and recommender see both, with the outcome of each.
    assert pages["group"].count('data-testid="level-result-row"') == 1 and "标杆级" in pages["group"]
    for name in ("unit", "recommender"):
        assert pages[name].count('data-testid="level-result-row"') == 2, name
        assert "标杆级" in pages[name] and "Not awarded" in pages[name], name
    assert 'data-testid="level-result-level">标杆级<' in pages["detail"]
    # Another recommender sees none of it.
    stranger = recommender_member()
    own = stranger.memberships.first().recommender_id
    page = client_for(stranger).get(reverse("accounts:recommender_dashboard", args=[own])).content.decode()
    assert PANEL not in page


def test_a_not_awarded_application_says_so_on_its_overview(world):
    scheme, _awarded, refused = world
    levels.scheme_release(actor=staff_user(), scheme=scheme)
    page = client_for(refused.group.leader).get(reverse("applications:detail", args=[refused.pk])).content.decode()
    assert 'data-testid="level-result-notice"' in page and "Not awarded" in page
    assert "level-result-level" not in page


def test_panel_queries_are_constant(world, django_assert_num_queries):
    scheme, awarded, refused = world
    unit = awarded.unit
    levels.scheme_release(actor=staff_user(), scheme=scheme)
    with django_assert_num_queries(PANEL_QUERIES):
        assert len(panels_levels.unit_panel(None, unit)["levels_results"]) == 2
    with django_assert_num_queries(PANEL_QUERIES):
        assert panels_levels.application_panel(None, refused)["levels_result"].level is None
    # More released results of the unit (another edition): still one query.
    later = qc_edition(year=scheme.edition.year + 1)
    doc = closed_round(later, name="材料文审")
    extra = [quick_admitted(later, unit=unit) for _ in range(3)]
    for application in extra:
        result(doc, application, 85)
    levels.scheme_release(actor=staff_user(), scheme=level_scheme(later, {doc: 100}, levels=LEVELS))
    with django_assert_num_queries(PANEL_QUERIES):
        rows = panels_levels.unit_panel(None, unit)["levels_results"]
    assert len(rows) == 5 and rows[0].application.edition.year == later.year
    assert {str(r.level) for r in rows[:3]} == {"优秀级"}
