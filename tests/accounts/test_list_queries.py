"""Every list page runs a constant number of queries: the count at 1 row equals the count at 4 rows.

Each row is built with its own related objects (recommender, unit, leader, memberships), so a missing
select_related / prefetch_related shows up as a difference. The budgets are the exact counts measured when
the pages were written (session, user, memberships, then the page's own); a page that needs more later should
say why.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role
from core.audit import audit_record
from tests.accounts.conftest import client_for
from tests.factories import (
    ExpertFactory,
    MembershipFactory,
    QCGroupFactory,
    RecommenderFactory,
    UnitFactory,
    UserFactory,
    recommender_member,
    unit_contact,
)

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def count_queries(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries]


def assert_constant_queries(client, url, add_row, rows_in) -> int:
    """Count the queries of GET `url` with 1 row and with 4 rows; fail with the extra SQL if they differ."""
    add_row()
    client.get(url)  # warm caches that are filled once per process (content types, translations)
    at_one, sql_one = count_queries(client, url)
    for _ in range(3):
        add_row()
    at_four, sql_four = count_queries(client, url)
    assert rows_in(client.get(url)) == 4
    extra = [sql for sql in sql_four if sql not in sql_one]
    assert at_one == at_four, f"{url}: {at_one} queries at 1 row, {at_four} at 4 rows; new: {extra}"
    return at_four


def page_len(response) -> int:
    return len(response.context["page"])


# view name -> the query budget measured at 1 and 4 rows
BUDGETS = {
    # + the recommending organisations offered by the filter's select (one query, whatever the rows)
    "staff_units": 6,
    "staff_groups": 6,
    "staff_recommenders": 5,
    "staff_experts": 5,
    "staff_users": 9,  # + one prefetch per membership organisation kind (memberships, recommender, unit, group)
    "staff_audit": 5,
    # The dashboards include the panels other apps register (accounts.dashboards): accounts' own part costs 6, 6 and
    # 11 queries; the rest is the panels' (recommendation, applications and endorsement, staff overview, and one for
    # the formal-review outcomes reviews registers on the unit and recommender dashboards, and one for the released
    # award results, reviews.panels_levels: a separate list, since it must not depend on the formal outcomes' cap).
    # notices adds one for the certificates to download (unit, recommender) and one for the objections' requests
    # for an answer (unit): each a single query whatever the rows.
    "recommender_dashboard": 10,
    "unit_dashboard": 14,
    "staff_dashboard": 14,
    "waiting": 3,
}


def check(client, url, add_row, rows_in, budget, django_assert_max_num_queries):
    measured = assert_constant_queries(client, url, add_row, rows_in)
    with django_assert_max_num_queries(budget):
        client.get(url)
    return measured


def test_staff_units_queries_constant(staff, django_assert_max_num_queries):
    check(
        client_for(staff),
        reverse("accounts:staff_units"),
        lambda: UnitFactory(pending=True),
        page_len,
        BUDGETS["staff_units"],
        django_assert_max_num_queries,
    )


def test_staff_units_queries_constant_for_direct_member_units(staff, django_assert_max_num_queries):
    check(
        client_for(staff),
        reverse("accounts:staff_units"),
        lambda: UnitFactory(direct=True),
        page_len,
        BUDGETS["staff_units"],
        django_assert_max_num_queries,
    )


def test_staff_groups_queries_constant(staff, django_assert_max_num_queries):
    check(
        client_for(staff),
        reverse("accounts:staff_groups"),
        lambda: QCGroupFactory(pending=True),
        page_len,
        BUDGETS["staff_groups"],
        django_assert_max_num_queries,
    )


def test_staff_recommenders_queries_constant(staff, django_assert_max_num_queries):
    check(
        client_for(staff),
        reverse("accounts:staff_recommenders"),
        lambda: UnitFactory(recommender=recommender_member().memberships.get().recommender),
        page_len,
        BUDGETS["staff_recommenders"],
        django_assert_max_num_queries,
    )


def test_staff_experts_queries_constant(staff, django_assert_max_num_queries):
    check(
        client_for(staff),
        reverse("accounts:staff_experts"),
        ExpertFactory,
        page_len,
        BUDGETS["staff_experts"],
        django_assert_max_num_queries,
    )


def test_staff_users_queries_constant(staff, django_assert_max_num_queries):
    def add_row():
        user = unit_contact()
        MembershipFactory(user=user, role=Role.RECOMMENDER, recommender=RecommenderFactory())
        QCGroupFactory(leader=user)

    check(
        client_for(staff),
        reverse("accounts:staff_users") + "?role=unit",
        add_row,
        page_len,
        BUDGETS["staff_users"],
        django_assert_max_num_queries,
    )


def test_staff_audit_queries_constant(staff, django_assert_max_num_queries):
    def add_row():
        actor = unit_contact()
        audit_record(actor=actor, obj=UnitFactory(), action="unit.approved", changes={"status": ["a", "b"]})

    check(
        client_for(staff),
        reverse("accounts:staff_audit") + "?q=unit.approved",
        add_row,
        page_len,
        BUDGETS["staff_audit"],
        django_assert_max_num_queries,
    )


def test_recommender_dashboard_queries_constant(recommender, recommender_user, django_assert_max_num_queries):
    def add_row():
        unit = UnitFactory(recommender=recommender, pending=True)
        unit_contact(unit)
        QCGroupFactory(unit=unit)

    check(
        client_for(recommender_user),
        reverse("accounts:recommender_dashboard", args=[recommender.pk]),
        add_row,
        lambda response: len(response.context["units"]),
        BUDGETS["recommender_dashboard"],
        django_assert_max_num_queries,
    )


def test_unit_dashboard_queries_constant(contact, unit, django_assert_max_num_queries):
    check(
        client_for(contact),
        reverse("accounts:unit_dashboard", args=[unit.pk]),
        lambda: QCGroupFactory(unit=unit, pending=True, members=4),
        lambda response: len(response.context["groups"]),
        BUDGETS["unit_dashboard"],
        django_assert_max_num_queries,
    )


def test_staff_dashboard_queries_constant(staff, django_assert_max_num_queries):
    def add_row():
        QCGroupFactory(pending=True)
        UnitFactory(pending=True)

    check(
        client_for(staff),
        reverse("accounts:staff_dashboard"),
        add_row,
        lambda response: len(response.context["pending_units"]),
        BUDGETS["staff_dashboard"],
        django_assert_max_num_queries,
    )


def test_waiting_page_queries_constant(django_assert_max_num_queries):
    """A leader waiting for several groups under units that wait themselves (names each unit's recommender)."""
    leader = UserFactory()

    def add_row():
        QCGroupFactory(unit=UnitFactory(pending=True), leader=leader, pending=True)

    check(
        client_for(leader),
        reverse("accounts:waiting"),
        add_row,
        lambda response: len(response.context["waiting_for"]),
        BUDGETS["waiting"],
        django_assert_max_num_queries,
    )
