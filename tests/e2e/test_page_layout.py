"""Pages at phone (390), tablet (820) and desktop (1366) widths: allauth forms styled, list tables readable on a
phone (stacked cards, nothing off-screen), staff tables using the width, and "Add a member" working."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import GroupMember
from core.audit import audit_record
from tests.e2e.conftest import screenshot
from tests.e2e.test_registration import sign_in
from tests.factories import PASSWORD, QCGroupFactory, UnitFactory, staff_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
DESKTOP = {"width": 1366, "height": 900}


def _overflow(page) -> int:
    """How far the page is wider than the screen (0: nothing off-screen)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("viewport", [PHONE, TABLET, DESKTOP], ids=["390", "820", "1366"])
def test_signup_and_login_are_portal_forms_with_usable_inputs(new_page, live_server, viewport):
    page = new_page(viewport)
    page.goto(f"{live_server.url}/accounts/signup/?next=/portal/register/group/")
    card = page.get_by_test_id("allauth-card")
    expect(card).to_be_visible()
    expect(page.get_by_test_id("signup-channel")).to_contain_text("QC")
    email = page.locator("input[name=email]")
    expect(email).to_have_class(re.compile(r"\bform-control\b"))
    box = email.bounding_box()
    assert box["width"] >= min(300, viewport["width"] - 80), box
    assert _overflow(page) == 0
    screenshot(page, f"h7-signup-{viewport['width']}")
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("input[name=login]").bounding_box()["width"] >= min(300, viewport["width"] - 80)
    expect(page.get_by_test_id("forgot-password")).to_be_visible()
    screenshot(page, f"h7-login-{viewport['width']}")
    assert page.js_errors == []


@pytest.fixture
def staff():
    for n in range(3):
        UnitFactory(name=f"上海华瑞精密机械股份有限公司第{n}分公司")
    return staff_user(email="staff@example.test", full_name="周秘书")


def test_staff_units_on_a_phone_are_cards_with_labels(new_page, live_server, staff):
    page = new_page(PHONE)
    sign_in(page, live_server.url, "staff@example.test", PASSWORD)
    page.goto(f"{live_server.url}/portal/staff/units/")
    table = page.get_by_test_id("staff-units")
    first_cell = table.locator("tbody tr").first.locator("td").first
    expect(first_cell).to_have_attribute("data-label", "单位")
    # The unit's name has the width of the card, not of one character.
    assert first_cell.bounding_box()["width"] > 300
    assert page.evaluate("getComputedStyle(document.querySelector('[data-testid=staff-units] thead')).position") == (
        "absolute"
    )
    assert _overflow(page) == 0
    screenshot(page, "h7-staff-units-390")
    assert page.js_errors == []


def test_staff_tables_use_the_width_of_a_1366_screen(new_page, live_server, staff):
    page = new_page(DESKTOP)
    sign_in(page, live_server.url, "staff@example.test", PASSWORD)
    page.goto(f"{live_server.url}/portal/staff/units/")
    width = page.get_by_test_id("staff-units").bounding_box()["width"]
    assert width >= 1080, width  # was ~950 in a 1140 px container
    assert _overflow(page) == 0
    screenshot(page, "h7-staff-units-1366")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_audit_log_keeps_names_whole_and_long_values_folded(new_page, live_server, staff, viewport):
    long_note = "单位自评分与成果报告中的效果数据不一致，请单位核实自评分后重新推荐。" * 5
    audit_record(actor=staff, obj=staff, action="user.updated", changes={"full_name": ["周", "周秘书"]}, note=long_note)
    page = new_page(viewport)
    sign_in(page, live_server.url, "staff@example.test", PASSWORD)
    page.goto(f"{live_server.url}/portal/staff/audit/")
    who = page.get_by_test_id("staff-audit").locator("tbody tr").first.locator("td").nth(1)
    expect(who).to_have_text("周秘书")
    # The whole name on one line (three characters are ~45 px), not one character per line.
    text_height = (
        "td => { const r = document.createRange(); r.selectNodeContents(td); return r.getBoundingClientRect().height; }"
    )
    assert who.evaluate(text_height) < 30
    assert who.bounding_box()["width"] >= 45
    details = page.get_by_test_id("staff-audit").locator("details").first
    expect(details.locator("summary")).to_be_visible()
    assert not details.evaluate("d => d.open")
    details.locator("summary").click()
    expect(details).to_contain_text(long_note)
    assert _overflow(page) == 0
    screenshot(page, f"h7-audit-{viewport['width']}")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_add_a_member_adds_one_row_and_saves_it(new_page, live_server, viewport):
    group = QCGroupFactory(members=2)
    group.leader.set_password(PASSWORD)
    group.leader.save()
    page = new_page(viewport)
    sign_in(page, live_server.url, group.leader.email, PASSWORD)
    page.goto(f"{live_server.url}/portal/group/{group.pk}/members/")
    rows = page.locator("[data-testid=members-table] tbody tr")
    expect(rows).to_have_count(3)
    page.get_by_test_id("add-member").click()
    expect(rows).to_have_count(4)
    expect(page.locator("#id_members-TOTAL_FORMS")).to_have_value("4")
    page.fill("#id_members-2-name", "赵新人")
    page.fill("#id_members-3-name", "钱新人")
    assert _overflow(page) == 0
    screenshot(page, f"h7-members-{viewport['width']}")
    page.locator("main form button[type=submit]:not([name])").click()
    page.wait_for_url(f"{live_server.url}/portal/group/{group.pk}/")
    assert set(GroupMember.objects.filter(group=group).values_list("name", flat=True)) >= {"赵新人", "钱新人"}
    assert GroupMember.objects.filter(group=group).count() == 4
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", [PHONE, TABLET, DESKTOP], ids=["390", "820", "1366"])
def test_staff_menu_is_folded_on_phones_and_tablets_and_open_on_a_desktop(new_page, live_server, staff, viewport):
    page = new_page(viewport)
    sign_in(page, live_server.url, "staff@example.test", PASSWORD)
    page.goto(f"{live_server.url}/portal/staff/units/")
    menu, toggle = page.get_by_test_id("staff-nav"), page.get_by_test_id("staff-nav-toggle")
    if viewport is DESKTOP:
        expect(menu).to_be_visible()
        expect(toggle).to_be_hidden()
    else:
        # The page's own content starts on the first screen, not below twenty menu entries (~850 px before).
        expect(menu).to_be_hidden()
        expect(toggle).to_contain_text("单位")
        assert page.get_by_test_id("staff-main").bounding_box()["y"] < 200
        assert _overflow(page) == 0
        screenshot(page, f"staff-menu-folded-{viewport['width']}")
        toggle.click()
        # Bootstrap's collapse animates the height ("collapsing") before it settles as "show": a click on an entry
        # during the animation can land on a clipped link.
        expect(page.locator("#staff-nav")).to_have_class(re.compile(r"\bcollapse\b.*\bshow\b"))
        expect(menu).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "true")
    menu.locator(f"a[href='{reverse('accounts:staff_audit')}']").click()
    page.wait_for_url(f"{live_server.url}{reverse('accounts:staff_audit')}")
    expect(page.get_by_test_id("staff-audit")).to_be_visible()
    assert _overflow(page) == 0
    assert page.js_errors == []
