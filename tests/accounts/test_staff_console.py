"""The secretariat console: lists with search and filters, and the account and organisation switches."""

import pytest
from django.urls import reverse

from accounts.enums import ApprovalStatus, RecommenderKind, Role
from accounts.models import Unit
from core.models import AuditEntry
from tests.accounts.conftest import client_for, messages_of
from tests.factories import (
    PASSWORD,
    QCGroupFactory,
    RecommenderFactory,
    UnitFactory,
    UserFactory,
    expert_user,
    recommender_member,
    unit_contact,
)

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def units(recommender):
    return {
        "huarui": UnitFactory(name="上海华瑞精密机械有限公司", recommender=recommender),
        "huarui_pending": UnitFactory(name="上海华瑞电子科技有限公司", recommender=recommender, pending=True),
        "shenbao": UnitFactory(name="上海申宝电气有限公司"),
    }


def page_rows(response) -> list:
    return list(response.context["page"])


def test_staff_units_lists_all_by_status_then_name(staff, units):
    response = client_for(staff).get(reverse("accounts:staff_units"))

    assert page_rows(response) == [units["huarui"], units["shenbao"], units["huarui_pending"]]


def test_staff_units_search_by_partial_name(staff, units):
    response = client_for(staff).get(reverse("accounts:staff_units"), {"q": "华瑞"})

    assert page_rows(response) == [units["huarui"], units["huarui_pending"]]


def test_staff_units_search_by_credit_code(staff, units):
    response = client_for(staff).get(reverse("accounts:staff_units"), {"q": units["shenbao"].credit_code})

    assert page_rows(response) == [units["shenbao"]]


def test_staff_units_filter_by_status(staff, units):
    response = client_for(staff).get(reverse("accounts:staff_units"), {"status": ApprovalStatus.PENDING})

    assert page_rows(response) == [units["huarui_pending"]]


def test_staff_units_filter_by_recommender_and_status(staff, units, recommender):
    response = client_for(staff).get(
        reverse("accounts:staff_units"), {"recommender": recommender.pk, "status": ApprovalStatus.APPROVED}
    )

    assert page_rows(response) == [units["huarui"]]


def test_staff_groups_search_by_unit_name(staff, units):
    wanted = QCGroupFactory(unit=units["huarui"], name="精益求精QC小组")
    QCGroupFactory(unit=units["shenbao"], name="攻坚克难QC小组")

    response = client_for(staff).get(reverse("accounts:staff_groups"), {"q": "华瑞"})

    assert page_rows(response) == [wanted]


def test_staff_recommenders_filter_by_kind(staff, recommender):
    association = RecommenderFactory(name="上海市化工行业协会", kind=RecommenderKind.INDUSTRY)

    response = client_for(staff).get(reverse("accounts:staff_recommenders"), {"kind": RecommenderKind.INDUSTRY})

    assert page_rows(response) == [association]
    assert (page_rows(response)[0].unit_count, page_rows(response)[0].contact_count) == (0, 0)


def test_staff_recommenders_counts_units_and_contacts(staff, recommender, units):
    recommender_member(recommender)
    recommender_member(recommender)

    response = client_for(staff).get(reverse("accounts:staff_recommenders"), {"q": "浦东"})

    row = page_rows(response)[0]
    assert (row, row.unit_count, row.contact_count) == (recommender, 2, 2)


def test_staff_users_filter_by_role(staff, contact, expert):
    response = client_for(staff).get(reverse("accounts:staff_users"), {"role": Role.EXPERT})

    assert page_rows(response) == [expert]


def test_staff_users_filter_by_role_ignores_removed_roles(staff, expert):
    expert.memberships.update(is_active=False)

    response = client_for(staff).get(reverse("accounts:staff_users"), {"role": Role.EXPERT})

    assert page_rows(response) == []


def test_staff_users_search_by_mobile(staff, contact):
    response = client_for(staff).get(reverse("accounts:staff_users"), {"q": contact.mobile})

    assert page_rows(response) == [contact]


def test_staff_users_filter_inactive(staff, contact):
    gone = UserFactory(is_active=False, full_name="离职")

    response = client_for(staff).get(reverse("accounts:staff_users"), {"active": "0"})

    assert page_rows(response) == [gone]


def test_staff_deactivate_user_blocks_sign_in(staff, contact, client):
    response = client_for(staff).post(reverse("accounts:staff_user_active", args=[contact.pk]), {"active": "0"})

    contact.refresh_from_db()
    assert response["Location"] == reverse("accounts:staff_user_detail", args=[contact.pk])
    assert contact.is_active is False
    entry = AuditEntry.objects.get(action="user.deactivated")
    assert (entry.actor, entry.object_id, entry.changes) == (staff, str(contact.pk), {"is_active": [True, False]})

    login = client.post("/accounts/login/", {"login": contact.email, "password": PASSWORD})

    assert login["Location"] == reverse("account_inactive")
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_staff_deactivated_user_loses_open_session(staff, contact):
    contact_client = client_for(contact)
    client_for(staff).post(reverse("accounts:staff_user_active", args=[contact.pk]), {"active": "0"})

    response = contact_client.get(reverse("accounts:dashboard"))

    assert response["Location"] == "/accounts/login/?next=/portal/dashboard/"


def test_staff_cannot_deactivate_themselves(staff):
    response = client_for(staff).post(reverse("accounts:staff_user_active", args=[staff.pk]), {"active": "0"})

    staff.refresh_from_db()
    assert staff.is_active is True
    assert messages_of(response) == ["You cannot deactivate your own account."]


def test_staff_revoke_recommender_requires_reason(staff, recommender):
    response = client_for(staff).post(
        reverse("accounts:staff_recommender_active", args=[recommender.pk]), {"active": "0", "note": " "}
    )

    recommender.refresh_from_db()
    assert recommender.is_active is True
    assert messages_of(response) == ["Give the reason for revoking the recommending organisation."]


def test_staff_revoke_recommender_with_reason(staff, recommender, recommender_user, unit):
    client_for(staff).post(
        reverse("accounts:staff_recommender_active", args=[recommender.pk]), {"active": "0", "note": "违规收费"}
    )

    recommender.refresh_from_db()
    entry = AuditEntry.objects.get(action="recommender.revoked")
    assert recommender.is_active is False
    assert (entry.actor, entry.changes, entry.note) == (staff, {"is_active": [True, False]}, "违规收费")
    # Its members can no longer act for it.
    Unit.objects.filter(pk=unit.pk).update(status=ApprovalStatus.PENDING)
    response = client_for(recommender_user).post(
        reverse("accounts:unit_decide", args=[unit.pk]), {"status": ApprovalStatus.APPROVED}
    )
    assert response.status_code == 403


def test_staff_remove_membership(staff, contact, unit):
    membership = contact.memberships.get(role=Role.UNIT)

    client_for(staff).post(reverse("accounts:staff_membership_active", args=[membership.pk]), {"active": "0"})

    membership.refresh_from_db()
    assert membership.is_active is False
    assert client_for(contact).get(reverse("accounts:unit_dashboard", args=[unit.pk])).status_code == 404


def test_staff_grant_role_to_existing_user(staff, recommender):
    person = UserFactory()

    client_for(staff).post(
        reverse("accounts:staff_user_detail", args=[person.pk]),
        {"role": Role.RECOMMENDER, "recommender": recommender.pk},
    )

    assert list(person.memberships.values_list("role", "recommender_id")) == [(Role.RECOMMENDER, recommender.pk)]


def test_staff_grant_group_role_is_refused(staff):
    person = UserFactory()

    response = client_for(staff).post(reverse("accounts:staff_user_detail", args=[person.pk]), {"role": Role.GROUP})

    assert response.context["form"].errors["role"] == ["Group leaders register their own groups."]


def test_staff_confirm_direct_application(staff):
    direct = UnitFactory(direct=True)

    client_for(staff).post(reverse("accounts:staff_unit_direct", args=[direct.pk]), {"confirmed": "1"})

    direct.refresh_from_db()
    assert direct.direct_confirmed is True
    assert AuditEntry.objects.get(action="unit.direct_confirmed").changes == {"direct_confirmed": [False, True]}


def test_staff_confirm_direct_for_non_member_is_refused(staff, unit):
    response = client_for(staff).post(reverse("accounts:staff_unit_direct", args=[unit.pk]), {"confirmed": "1"})

    unit.refresh_from_db()
    assert unit.direct_confirmed is False
    assert messages_of(response) == ["Only association members that asked to apply directly can be confirmed."]


def test_staff_dashboard_counts_and_queues(staff, units):
    QCGroupFactory(unit=units["huarui"], pending=True, name="待批QC小组")
    unit_contact(units["huarui"])
    expert_user()

    response = client_for(staff).get(reverse("accounts:staff_dashboard"))

    assert response.context["counts"] == {"recommenders": 2, "units": 2, "groups": 0, "experts": 1}
    assert list(response.context["pending_units"]) == [units["huarui_pending"]]
    assert [g.name for g in response.context["pending_groups"]] == ["待批QC小组"]


def test_staff_audit_search(staff, recommender):
    client_for(staff).post(
        reverse("accounts:staff_recommender_active", args=[recommender.pk]), {"active": "0", "note": "违规收费"}
    )

    response = client_for(staff).get(reverse("accounts:staff_audit"), {"q": "revoked"})

    assert [(e.action, e.object_repr) for e in page_rows(response)] == [("recommender.revoked", recommender.name)]
