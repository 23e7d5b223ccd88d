"""The registration paths: a unit contact registers a unit, a leader registers a group, and who approves what."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.enums import ApprovalStatus, Role
from accounts.models import Membership, QCGroup, Unit
from core.models import AuditEntry
from tests.accounts.conftest import client_for, messages_of
from tests.factories import UnitFactory, UserFactory, credit_code, recommender_member

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

NEW_CODE = credit_code(4242, division="310115")


def unit_data(recommender, **overrides):
    data = {
        "name": "上海浦联汽车零部件有限公司",
        "credit_code": NEW_CODE.lower(),
        "address": "上海市浦东新区张江路100号",
        "contact_name": "陈单位",
        "contact_phone": "021-58881234",
        "contact_email": "chen@example.test",
        "recommender": recommender.pk if recommender else "",
    }
    data.update(overrides)
    return data


def group_data(unit=None, **overrides):
    data = {
        "choice-unit": unit.pk if unit else "",
        "group-name": "攻坚克难QC小组",
        "group-registration_number": "SH-QC-2026-0001",
        "group-founded_on": "2024-03-15",
        "group-description": "降低焊接不良率",
    }
    data.update(overrides)
    return data


def decide(user, obj, status, note=""):
    name = "accounts:unit_decide" if isinstance(obj, Unit) else "accounts:group_decide"
    return client_for(user).post(reverse(name, args=[obj.pk]), {"status": status, "note": note})


# --- A unit contact registers a unit ------------------------------------------------------------------------------


def test_register_unit_waits_for_recommender_and_mails_its_members(
    recommender, recommender_user, django_capture_on_commit_callbacks
):
    second = recommender_member(recommender, email="a.second@example.test")
    applicant = UserFactory(email="applicant@example.test")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(applicant).post(reverse("accounts:register_unit"), unit_data(recommender))

    unit = Unit.objects.get(name="上海浦联汽车零部件有限公司")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:waiting")
    assert (unit.status, unit.credit_code, unit.recommender, unit.approved_at) == (
        ApprovalStatus.PENDING,
        NEW_CODE,
        recommender,
        None,
    )
    assert list(Membership.objects.filter(user=applicant).values_list("role", "unit_id", "is_active")) == [
        (Role.UNIT, unit.pk, True)
    ]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [second.email, recommender_user.email]
    assert mail.outbox[0].subject == "Unit “上海浦联汽车零部件有限公司” waits for your approval"
    assert NEW_CODE in mail.outbox[0].body


def test_register_unit_mail_keeps_special_characters_of_the_name(
    recommender, recommender_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(UserFactory()).post(
            reverse("accounts:register_unit"), unit_data(recommender, name='上海B&Q"家居"有限公司')
        )

    assert mail.outbox[0].subject == 'Unit “上海B&Q"家居"有限公司” waits for your approval'


def test_register_unit_no_mail_before_commit(recommender, recommender_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_for(UserFactory()).post(reverse("accounts:register_unit"), unit_data(recommender))

    assert (len(callbacks), len(mail.outbox)) == (1, 0)


def test_register_unit_bad_credit_code_is_refused(recommender):
    response = client_for(UserFactory()).post(
        reverse("accounts:register_unit"), unit_data(recommender, credit_code=NEW_CODE[:17] + "0")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"] == [
        "This unified social credit code fails its check digit; please check it against the business licence."
    ]
    assert not Unit.objects.filter(name="上海浦联汽车零部件有限公司").exists()


def test_register_unit_without_recommender_needs_direct_membership():
    response = client_for(UserFactory()).post(reverse("accounts:register_unit"), unit_data(None))

    assert response.context["form"].errors["recommender"] == [
        "Choose a recommending organisation, or apply directly as a member."
    ]


def test_register_unit_applying_directly_mails_staff(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(UserFactory()).post(
            reverse("accounts:register_unit"), unit_data(None, is_member="on", applies_directly="on")
        )

    unit = Unit.objects.get(name="上海浦联汽车零部件有限公司")
    assert (unit.recommender, unit.is_member, unit.applies_directly, unit.direct_confirmed) == (None, True, True, False)
    assert [m.to for m in mail.outbox] == [[staff.email]]


def test_recommender_approves_unit_of_its_own(recommender_user, contact, unit, django_capture_on_commit_callbacks):
    Unit.objects.filter(pk=unit.pk).update(status=ApprovalStatus.PENDING, approved_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(recommender_user, unit, ApprovalStatus.APPROVED)

    unit.refresh_from_db()
    assert response.status_code == 302
    assert unit.status == ApprovalStatus.APPROVED
    assert unit.approved_at is not None
    assert messages_of(response) == ["“上海华瑞精密机械有限公司” is now: Approved."]
    assert [(m.to, m.subject) for m in mail.outbox] == [([contact.email], "“上海华瑞精密机械有限公司”: Approved")]
    entry = AuditEntry.objects.get(action="unit.approved")
    assert (entry.actor, entry.object_id, entry.object_repr) == (recommender_user, str(unit.pk), unit.name)
    assert entry.changes == {
        "status": ["pending", "approved"],
        "approved_at": [None, unit.approved_at.isoformat()],
    }


def test_recommender_of_another_organisation_cannot_approve_unit(other_recommender_user, unit):
    Unit.objects.filter(pk=unit.pk).update(status=ApprovalStatus.PENDING)

    response = decide(other_recommender_user, unit, ApprovalStatus.APPROVED)

    unit.refresh_from_db()
    assert response.status_code == 403
    assert unit.status == ApprovalStatus.PENDING
    assert not AuditEntry.objects.filter(action="unit.approved").exists()


def test_unit_contact_cannot_approve_own_unit(contact, unit):
    Unit.objects.filter(pk=unit.pk).update(status=ApprovalStatus.PENDING)

    response = decide(contact, unit, ApprovalStatus.APPROVED)

    assert response.status_code == 403


def test_staff_approve_unit(staff, unit):
    Unit.objects.filter(pk=unit.pk).update(status=ApprovalStatus.PENDING, approved_at=None)

    decide(staff, unit, ApprovalStatus.APPROVED)

    unit.refresh_from_db()
    assert unit.status == ApprovalStatus.APPROVED
    assert AuditEntry.objects.get(action="unit.approved").actor == staff


def test_reject_unit_without_reason_is_refused(recommender_user, unit):
    Unit.objects.filter(pk=unit.pk).update(status=ApprovalStatus.PENDING)

    response = decide(recommender_user, unit, ApprovalStatus.REJECTED, note="  ")

    unit.refresh_from_db()
    assert unit.status == ApprovalStatus.PENDING
    assert messages_of(response) == ["Give the reason for the rejection."]


def test_reject_unit_with_reason_keeps_reason_and_audits_it(recommender_user, unit):
    Unit.objects.filter(pk=unit.pk).update(status=ApprovalStatus.PENDING, approved_at=None)

    decide(recommender_user, unit, ApprovalStatus.REJECTED, note="信用代码与营业执照不符")

    unit.refresh_from_db()
    entry = AuditEntry.objects.get(action="unit.rejected")
    assert (unit.status, unit.status_note) == (ApprovalStatus.REJECTED, "信用代码与营业执照不符")
    assert entry.changes == {"status": ["pending", "rejected"], "status_note": ["", "信用代码与营业执照不符"]}
    assert entry.note == "信用代码与营业执照不符"


def test_decide_same_status_twice_is_a_no_op(recommender_user, unit):
    Unit.objects.filter(pk=unit.pk).update(status=ApprovalStatus.PENDING)
    decide(recommender_user, unit, ApprovalStatus.APPROVED)

    decide(recommender_user, unit, ApprovalStatus.APPROVED)

    assert AuditEntry.objects.filter(action="unit.approved").count() == 1


def test_decide_forbidden_transition_explains(recommender_user, unit):
    response = decide(recommender_user, unit, ApprovalStatus.REJECTED, note="迟了")

    unit.refresh_from_db()
    assert unit.status == ApprovalStatus.APPROVED
    assert messages_of(response) == ["Cannot change the status from “Approved” to “Rejected”."]


# --- A group leader registers a group -----------------------------------------------------------------------------


def test_unit_search_finds_approved_unit_by_partial_name(unit):
    UnitFactory(name="上海华瑞精密电子有限公司", pending=True)

    response = client_for(UserFactory()).get(reverse("accounts:unit_search"), {"q": "华瑞精密"})

    assert list(response.context["units"]) == [unit]
    assert f'data-unit-choice="{unit.pk}"' in response.content.decode()
    assert "上海华瑞精密电子有限公司" not in response.content.decode()


def test_unit_search_finds_unit_by_full_credit_code(unit):
    response = client_for(UserFactory()).get(reverse("accounts:unit_search"), {"q": unit.credit_code.lower()})

    assert list(response.context["units"]) == [unit]


def test_unit_search_needs_two_characters(unit):
    response = client_for(UserFactory()).get(reverse("accounts:unit_search"), {"q": "华"})

    assert list(response.context["units"]) == []


def test_register_group_under_approved_unit_mails_unit_contact(contact, unit, django_capture_on_commit_callbacks):
    leader = UserFactory(email="leader@example.test", full_name="陈组长")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(leader).post(reverse("accounts:register_group"), group_data(unit))

    group = QCGroup.objects.get(name="攻坚克难QC小组")
    assert response["Location"] == reverse("accounts:waiting")
    assert (group.unit, group.leader, group.status, group.founded_on.isoformat()) == (
        unit,
        leader,
        ApprovalStatus.PENDING,
        "2024-03-15",
    )
    assert list(Membership.objects.filter(user=leader).values_list("role", "group_id")) == [(Role.GROUP, group.pk)]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([contact.email], "QC group “攻坚克难QC小组” waits for your approval")
    ]
    assert AuditEntry.objects.get(action="group.registered").changes["unit"] == [None, unit.pk]


def test_register_group_without_unit_choice_is_refused():
    response = client_for(UserFactory()).post(reverse("accounts:register_group"), group_data(None))

    assert response.context["choice"].non_field_errors() == ["Choose your unit from the search, or ask for a new unit."]
    assert not QCGroup.objects.exists()


def test_register_group_under_pending_unit_is_refused():
    pending = UnitFactory(pending=True)

    response = client_for(UserFactory()).post(reverse("accounts:register_group"), group_data(pending))

    assert response.context["choice"].errors["unit"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not QCGroup.objects.exists()


def test_unit_contact_approves_group(contact, unit, django_capture_on_commit_callbacks):
    leader = UserFactory(email="leader@example.test")
    client_for(leader).post(reverse("accounts:register_group"), group_data(unit))
    group = QCGroup.objects.get(name="攻坚克难QC小组")

    with django_capture_on_commit_callbacks(execute=True):
        decide(contact, group, ApprovalStatus.APPROVED)

    group.refresh_from_db()
    assert group.status == ApprovalStatus.APPROVED
    assert [(m.to, m.subject) for m in mail.outbox] == [([leader.email], "“攻坚克难QC小组”: Approved")]
    entry = AuditEntry.objects.get(action="group.approved")
    assert (entry.actor, entry.object_id) == (contact, str(group.pk))
    assert entry.changes == {"status": ["pending", "approved"], "approved_at": [None, group.approved_at.isoformat()]}


def test_contact_of_another_unit_cannot_approve_group(other_contact, unit):
    leader = UserFactory()
    client_for(leader).post(reverse("accounts:register_group"), group_data(unit))
    group = QCGroup.objects.get(name="攻坚克难QC小组")

    response = decide(other_contact, group, ApprovalStatus.APPROVED)

    group.refresh_from_db()
    assert response.status_code == 403
    assert group.status == ApprovalStatus.PENDING


def test_recommender_cannot_approve_group(recommender_user, unit):
    leader = UserFactory()
    client_for(leader).post(reverse("accounts:register_group"), group_data(unit))
    group = QCGroup.objects.get(name="攻坚克难QC小组")

    assert decide(recommender_user, group, ApprovalStatus.APPROVED).status_code == 403


def test_register_group_asking_for_new_unit(recommender, recommender_user, django_capture_on_commit_callbacks):
    leader = UserFactory(email="leader@example.test")
    data = group_data(None, **{"choice-request_new_unit": "on"})
    data.update({f"unit-{key}": value for key, value in unit_data(recommender).items()})

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(leader).post(reverse("accounts:register_group"), data)

    unit = Unit.objects.get(name="上海浦联汽车零部件有限公司")
    group = QCGroup.objects.get(name="攻坚克难QC小组")
    assert response["Location"] == reverse("accounts:waiting")
    assert (unit.status, group.status, group.unit) == (ApprovalStatus.PENDING, ApprovalStatus.PENDING, unit)
    # The leader asked for the unit but does not become its contact.
    assert list(Membership.objects.filter(user=leader).values_list("role", flat=True)) == [Role.GROUP]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([recommender_user.email], "Unit “上海浦联汽车零部件有限公司” waits for your approval")
    ]


def test_group_cannot_be_approved_before_its_unit(staff, recommender):
    leader = UserFactory()
    data = group_data(None, **{"choice-request_new_unit": "on"})
    data.update({f"unit-{key}": value for key, value in unit_data(recommender).items()})
    client_for(leader).post(reverse("accounts:register_group"), data)
    group = QCGroup.objects.get(name="攻坚克难QC小组")

    response = decide(staff, group, ApprovalStatus.APPROVED)

    group.refresh_from_db()
    assert group.status == ApprovalStatus.PENDING
    assert messages_of(response) == ["The group's unit is not approved yet; approve the unit first."]


def test_approving_requested_unit_mails_group_approvers(
    staff, recommender, recommender_user, django_capture_on_commit_callbacks
):
    data = group_data(None, **{"choice-request_new_unit": "on"})
    data.update({f"unit-{key}": value for key, value in unit_data(recommender).items()})
    client_for(UserFactory()).post(reverse("accounts:register_group"), data)
    unit = Unit.objects.get(name="上海浦联汽车零部件有限公司")

    with django_capture_on_commit_callbacks(execute=True):
        decide(recommender_user, unit, ApprovalStatus.APPROVED)

    # The unit has no contact yet, so staff approve its waiting group.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([staff.email], "QC group “攻坚克难QC小组” waits for your approval")
    ]


def test_reject_group_requires_reason(contact, unit):
    leader = UserFactory()
    client_for(leader).post(reverse("accounts:register_group"), group_data(unit))
    group = QCGroup.objects.get(name="攻坚克难QC小组")

    response = decide(contact, group, ApprovalStatus.REJECTED)

    group.refresh_from_db()
    assert group.status == ApprovalStatus.PENDING
    assert messages_of(response) == ["Give the reason for the rejection."]


# --- The waiting page ---------------------------------------------------------------------------------------------


def test_waiting_page_names_the_recommender_for_a_pending_unit(recommender):
    applicant = UserFactory()
    client = client_for(applicant)
    client.post(reverse("accounts:register_unit"), unit_data(recommender))

    dashboard = client.get(reverse("accounts:dashboard"))
    page = client.get(reverse("accounts:waiting"))

    assert dashboard["Location"] == reverse("accounts:waiting")
    assert [w["approver"] for w in page.context["waiting_for"]] == [recommender]
    assert "Waiting for approval by 浦东新区市场监督管理局." in page.content.decode()


def test_waiting_page_names_the_unit_for_a_pending_group(unit):
    leader = UserFactory()
    client = client_for(leader)
    client.post(reverse("accounts:register_group"), group_data(unit))

    page = client.get(reverse("accounts:waiting"))

    assert "Waiting for approval by 上海华瑞精密机械有限公司." in page.content.decode()


def test_waiting_page_for_group_under_requested_unit_names_both_steps(recommender):
    data = group_data(None, **{"choice-request_new_unit": "on"})
    data.update({f"unit-{key}": value for key, value in unit_data(recommender).items()})
    client = client_for(UserFactory())
    client.post(reverse("accounts:register_group"), data)

    page = client.get(reverse("accounts:waiting"))

    assert "Waiting for approval by 浦东新区市场监督管理局, then your unit." in page.content.decode()


def test_waiting_user_cannot_open_own_pending_unit_dashboard(recommender):
    applicant = UserFactory()
    client = client_for(applicant)
    client.post(reverse("accounts:register_unit"), unit_data(recommender))
    unit = Unit.objects.get(name="上海浦联汽车零部件有限公司")

    assert client.get(reverse("accounts:unit_dashboard", args=[unit.pk])).status_code == 404


def test_waiting_page_shows_rejection_reason(recommender, recommender_user):
    client = client_for(UserFactory())
    client.post(reverse("accounts:register_unit"), unit_data(recommender))
    unit = Unit.objects.get(name="上海浦联汽车零部件有限公司")
    decide(recommender_user, unit, ApprovalStatus.REJECTED, note="请补充营业执照")

    page = client.get(reverse("accounts:waiting")).content.decode()

    assert "Rejected" in page
    assert "Reason: 请补充营业执照" in page


def test_waiting_page_redirects_to_dashboard_once_approved(contact, unit):
    response = client_for(contact).get(reverse("accounts:waiting"))

    assert response["Location"] == reverse("accounts:unit_dashboard", args=[unit.pk])
