"""The unit's 操作记录 on its dashboard shows what happened to its QC groups (issue 8: "the 单位 操作记录 stays
暂无记录 after the unit approves a group")."""

import re

import pytest
from django.urls import reverse

from accounts import selectors, services
from accounts.enums import ApprovalStatus
from tests.factories import QCGroupFactory, UnitFactory, unit_contact
from tests.helpers import client_for

pytestmark = [pytest.mark.django_db]


def test_the_units_history_shows_the_approval_of_its_group():
    unit = UnitFactory(name="上海华瑞精密机械有限公司")
    contact = unit_contact(unit, full_name="李联系")
    group = QCGroupFactory(unit=unit, name="精益求精QC小组", pending=True)
    other = QCGroupFactory(name="别家QC小组", pending=True)  # another unit's group never shows
    services.group_set_status(actor=contact, group=group, status=ApprovalStatus.APPROVED)
    services.group_set_status(actor=contact, group=other, status=ApprovalStatus.APPROVED)

    page = client_for(contact).get(reverse("accounts:unit_dashboard", args=[unit.pk])).content.decode()

    assert "Nothing recorded yet." not in page
    assert re.search(r'李联系 · [^<·]+ · <span data-testid="audit-object">精益求精QC小组</span>', page)
    assert "别家QC小组</span>" not in page
    entries = selectors.unit_activity(unit)
    assert [(e.action, e.object_repr, e.actor) for e in entries] == [("group.approved", "精益求精QC小组", contact)]


def test_the_units_history_keeps_its_own_entries_newest_first():
    unit = UnitFactory(pending=True)
    staff_actor = unit_contact(UnitFactory())
    services.unit_set_status(actor=staff_actor, unit=unit, status=ApprovalStatus.APPROVED)
    group = QCGroupFactory(unit=unit, pending=True)
    services.group_set_status(actor=staff_actor, group=group, status=ApprovalStatus.REJECTED, note="名称不规范")

    assert [e.action for e in selectors.unit_activity(unit)] == ["group.rejected", "unit.approved"]
