"""The staff console's lists filter through their FilterSets (accounts/filters.py): the filter bar shows each
list's selects with the chosen value, bad values are ignored while the others apply; and granting the expert role
from a person's page creates the expert profile through the audited service."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.enums import ApprovalStatus, Role
from accounts.models import Expert
from core.models import AuditEntry
from tests.accounts.conftest import client_for
from tests.factories import ExpertFactory, QCGroupFactory, RecommenderFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def rows(response) -> list:
    return list(response.context["page"])


def selects(response) -> dict[str, str]:
    """{select name: chosen value} of the filter bar, read from the rendered HTML."""
    import re

    html = response.content.decode()
    bar = html[html.index('data-testid="staff-filter"') :]
    bar = bar[: bar.index("</form>")]
    found = {}
    for name, body in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', bar, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        found[name] = chosen.group(1) if chosen else ""
    return found


@pytest.mark.parametrize(
    ("view", "names"),
    [
        ("staff_units", ["status", "recommender"]),
        ("staff_groups", ["status", "recommender"]),
        ("staff_recommenders", ["kind"]),
        ("staff_experts", []),
        ("staff_users", ["role", "active"]),
    ],
)
def test_staff_filter_bar_shows_each_lists_selects(staff, view, names):
    response = client_for(staff).get(reverse(f"accounts:{view}"))

    assert list(selects(response)) == names


def test_staff_units_filter_bar_keeps_the_chosen_values(staff, recommender):
    response = client_for(staff).get(
        reverse("accounts:staff_units"), {"status": ApprovalStatus.PENDING, "recommender": recommender.pk}
    )

    assert selects(response) == {"status": ApprovalStatus.PENDING, "recommender": str(recommender.pk)}


def test_staff_units_unknown_status_is_ignored_and_the_search_still_applies(staff, recommender):
    wanted = UnitFactory(name="上海华瑞精密机械有限公司", recommender=recommender)
    UnitFactory(name="上海申宝电气有限公司")

    response = client_for(staff).get(reverse("accounts:staff_units"), {"q": "华瑞", "status": "bogus"})

    assert rows(response) == [wanted]


def test_staff_groups_filter_by_recommender_and_status(staff, recommender):
    mine = UnitFactory(recommender=recommender)
    approved = QCGroupFactory(unit=mine, name="精益求精QC小组")
    QCGroupFactory(unit=mine, name="待批QC小组", pending=True)
    QCGroupFactory(unit=UnitFactory(recommender=RecommenderFactory()), name="别家QC小组")

    response = client_for(staff).get(
        reverse("accounts:staff_groups"), {"recommender": recommender.pk, "status": ApprovalStatus.APPROVED}
    )

    assert rows(response) == [approved]


def test_staff_experts_search_by_organisation(staff):
    wanted = ExpertFactory(organisation_name="上海交通大学")
    ExpertFactory(organisation_name="同济大学")

    response = client_for(staff).get(reverse("accounts:staff_experts"), {"q": "交通"})

    assert rows(response) == [wanted]


def test_staff_users_combines_role_and_active(staff, expert):
    gone = UserFactory(is_active=False, full_name="离职专家")
    services.user_role_grant(actor=staff, user=gone, role=Role.EXPERT)

    response = client_for(staff).get(reverse("accounts:staff_users"), {"role": Role.EXPERT, "active": "0"})

    assert rows(response) == [gone]
    assert selects(response) == {"role": Role.EXPERT, "active": "0"}


def test_staff_granting_the_expert_role_creates_the_profile_and_audits_it(staff):
    person = UserFactory(full_name="钱专家")

    client_for(staff).post(reverse("accounts:staff_user_detail", args=[person.pk]), {"role": Role.EXPERT})

    expert = Expert.objects.get(user=person)
    assert expert.organisation_name == "-"
    entry = AuditEntry.objects.get(action="expert.created")
    assert (entry.actor, entry.object_id, entry.changes) == (
        staff,
        str(expert.pk),
        {"organisation_name": [None, "-"], "title": [None, ""], "specialities": [None, ""]},
    )
    assert AuditEntry.objects.filter(action="membership.granted", object_id=str(person.pk)).count() == 1


def test_staff_granting_the_expert_role_again_keeps_the_profile_and_writes_no_second_entry(staff):
    person = UserFactory()
    services.expert_profile_ensure(actor=staff, user=person, organisation_name="上海交通大学")

    services.user_role_grant(actor=staff, user=person, role=Role.EXPERT)
    services.user_role_grant(actor=staff, user=person, role=Role.EXPERT)

    assert Expert.objects.get(user=person).organisation_name == "上海交通大学"
    assert AuditEntry.objects.filter(action="expert.created").count() == 1
