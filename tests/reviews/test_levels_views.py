"""评定 pages: staff see the combined table and change levels with a reason, vote and release; nobody outside
staff sees anything of it before the release; the table reads a constant number of queries."""

import pytest
from django.urls import reverse

from applications.models import Application
from reviews.models_levels import CommitteeVote, LevelDecision
from reviews.workflow_levels import LevelStatus
from tests.factories import staff_user
from tests.factories.accounts import expert_user, recommender_member
from tests.factories.recommenders import contact_of, qc_edition
from tests.factories.reviews import admitted_application, quick_admitted
from tests.factories.reviews_levels import closed_round, level_scheme, result
from tests.helpers import client_for, messages_of

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def world():
    edition = qc_edition()
    doc = closed_round(edition, name="材料文审")
    pres = closed_round(edition, name="发表赛")
    application = admitted_application(edition=edition, title="降低数控车床加工件尺寸超差率")
    other = quick_admitted(edition)
    for app, d, p in [(application, 90, "80.01"), (other, 70, 70)]:
        result(doc, app, d)
        result(pres, app, p)
    scheme = level_scheme(
        edition, {doc: 40, pres: 60}, levels=[("标杆级", None, None, 1), ("优秀级", None, None, None)]
    )
    return scheme, application, other


def test_staff_see_the_combined_table(world):
    scheme, application, _other = world
    page = client_for(staff_user()).get(reverse("reviews:levels_table", args=[scheme.edition_id])).content.decode()
    assert "降低数控车床加工件尺寸超差率" in page
    assert "84.01" in page  # 90 × 40 % + 80.01 × 60 % = 36 + 48.006
    assert "70.00" in page
    row = page.split(f'data-application="{application.pk}"')[1].split("</tr>")[0]
    assert 'data-testid="level"' in row and "标杆级" in row


@pytest.mark.parametrize("who", ["group", "unit", "recommender", "expert"])
def test_nobody_outside_staff_sees_levels(world, who):
    scheme, application, _other = world
    user = {
        "group": lambda: application.group.leader,
        "unit": lambda: contact_of(application.unit),
        "recommender": lambda: recommender_member(application.unit.recommender),
        "expert": expert_user,
    }[who]()
    client = client_for(user)
    edition_pk = scheme.edition_id
    assert client.get(reverse("reviews:levels_table", args=[edition_pk])).status_code in (403, 404)
    assert client.get(reverse("reviews:levels_index")).status_code in (403, 404)
    assert client.post(reverse("reviews:levels_release", args=[edition_pk])).status_code in (403, 404)
    assert Application.objects.get(pk=application.pk).status != LevelStatus.AWARDED
    if who != "expert":
        page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
        assert "标杆级" not in page and "优秀级" not in page


def test_level_change_without_reason_is_refused_then_made(world):
    scheme, application, _other = world
    staff = client_for(staff_user())
    url = reverse("reviews:levels_change", args=[scheme.edition_id, application.pk])
    level = scheme.levels.get(name="优秀级")
    response = staff.post(url, {"level": level.pk, "reason": ""})
    assert response.status_code == 302 and not LevelDecision.objects.exists()
    assert messages_of(response) == ["Give a reason for changing the level."]
    staff.post(url, {"level": level.pk, "reason": "现场核查发现数据不实"})
    decision = LevelDecision.objects.get(application=application)
    assert decision.level == level and decision.reason == "现场核查发现数据不实"


def test_double_vote_counts_once_and_release_follows(world, django_capture_on_commit_callbacks):
    scheme, application, other = world
    member = staff_user()
    scheme.vote_required = True
    scheme.save()
    scheme.committee.set([member])
    client = client_for(member)
    vote = reverse("reviews:levels_vote", args=[scheme.edition_id])
    client.post(vote, {"approve": "yes"})
    client.post(vote, {"approve": "no"})
    assert list(CommitteeVote.objects.values_list("approve", flat=True)) == [True]
    # a staff member outside the committee cannot vote
    assert client_for(staff_user()).post(vote, {"approve": "yes"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:levels_release", args=[scheme.edition_id]))
    statuses = dict(Application.objects.filter(pk__in=[application.pk, other.pk]).values_list("pk", "status"))
    assert statuses == {application.pk: LevelStatus.AWARDED, other.pk: LevelStatus.AWARDED}


def test_settings_page_saves_weights_and_levels(world):
    scheme, _application, _other = world
    doc, pres = [sr.round for sr in scheme.rounds.all()]
    first, second = scheme.levels.all()
    data = {
        f"weight_{doc.pk}": "30",
        f"weight_{pres.pk}": "70",
        f"tiebreak_{pres.pk}": "1",
        "threshold_numerator": "2",
        "threshold_denominator": "3",
        "levels-TOTAL_FORMS": "3",
        "levels-INITIAL_FORMS": "2",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "10",
        "levels-0-id": first.pk,
        "levels-0-name": "标杆级",
        "levels-0-max_share": "5",
        "levels-1-id": second.pk,
        "levels-1-name": "优秀级",
        "levels-1-min_score": "80",
        "levels-2-name": "推进级",
    }
    response = client_for(staff_user()).post(reverse("reviews:levels_settings", args=[scheme.edition_id]), data)
    assert response.status_code == 302
    assert {sr.round_id: sr.weight for sr in scheme.rounds.all()} == {doc.pk: 30, pres.pk: 70}
    scheme.refresh_from_db()
    assert scheme.tie_break == [pres.pk]
    assert [(lv.name, str(lv.max_share), str(lv.min_score)) for lv in scheme.levels.all()] == [
        ("标杆级", "5.00", "None"),
        ("优秀级", "None", "80.00"),
        ("推进级", "None", "None"),
    ]


def test_settings_refuse_weights_not_summing_to_100(world):
    scheme, _application, _other = world
    doc, pres = [sr.round for sr in scheme.rounds.all()]
    page = client_for(staff_user()).post(
        reverse("reviews:levels_settings", args=[scheme.edition_id]),
        {
            f"weight_{doc.pk}": "30",
            f"weight_{pres.pk}": "60",
            "threshold_numerator": "2",
            "threshold_denominator": "3",
            "levels-TOTAL_FORMS": "0",
            "levels-INITIAL_FORMS": "0",
        },
    )
    assert page.status_code == 200 and "The weights must sum to 100." in page.content.decode()
    assert {sr.weight for sr in scheme.rounds.all()} == {40, 60}


def _table_with(count):
    edition = qc_edition()
    doc = closed_round(edition)
    for _ in range(count):
        app = quick_admitted(edition)
        result(doc, app, 80)
    return level_scheme(edition, {doc: 100}, levels=[("一等奖", None, "10", None), ("二等奖", None, None, None)])


def test_combined_table_query_count_is_constant(django_assert_max_num_queries):
    small, large = _table_with(1), _table_with(8)
    staff = client_for(staff_user())
    staff.get(reverse("reviews:levels_table", args=[small.edition_id]))  # warm the session and memberships
    budget = 19  # session, user, memberships, edition, scheme, 6 table reads, panel conclusions, vote, documents…
    with django_assert_max_num_queries(budget):
        assert (
            staff.get(reverse("reviews:levels_table", args=[small.edition_id]))
            .content.decode()
            .count('data-testid="levels-row"')
            == 1
        )
    with django_assert_max_num_queries(budget):
        assert (
            staff.get(reverse("reviews:levels_table", args=[large.edition_id]))
            .content.decode()
            .count('data-testid="levels-row"')
            == 8
        )
