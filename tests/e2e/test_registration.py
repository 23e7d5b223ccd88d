"""Registration end to end: a unit and a QC group register, and each is approved by the one who should."""

import re

import pytest
from playwright.sync_api import expect

from accounts.enums import ApprovalStatus
from accounts.models import QCGroup, Unit
from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD, RecommenderFactory, credit_code, recommender_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UNIT_NAME = "上海华瑞精密机械有限公司"
GROUP_NAME = "精益求精QC小组"
RECOMMENDER_NAME = "浦东新区市场监督管理局"
NEW_PASSWORD = "Shanghai-2026-quality"


def sign_up(page, base, *, full_name, email, mobile):
    page.goto(f"{base}/accounts/signup/")
    page.fill("input[name=full_name]", full_name)
    page.fill("input[name=email]", email)
    page.fill("input[name=mobile]", mobile)
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    page.click("main form[action='/accounts/signup/'] button[type=submit]")
    # New accounts have no role yet: the dashboard asks how they take part.
    expect(page).to_have_url(f"{base}/portal/dashboard/")


def sign_in(page, base, login, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("main form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/portal/.*"))


def sign_out(page):
    page.click("nav form[action='/accounts/logout/'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


@pytest.fixture
def recommender_person():
    """The district bureau's member; the secretariat created it, so it exists before the story starts."""
    recommender = RecommenderFactory(name=RECOMMENDER_NAME)
    return recommender_member(recommender, email="pudong@example.test", full_name="王推荐")


def test_registration_unit_and_group_approved_end_to_end(page, new_page, live_server, recommender_person):
    base = live_server.url

    page.goto(base)
    screenshot(page, "01-home")

    # 1. A unit contact signs up and registers the unit under the Pudong bureau.
    sign_up(page, base, full_name="李建华", email="li.jianhua@example.test", mobile="13816000003")
    screenshot(page, "02-choose-channel")
    page.click("main a[href='/portal/register/unit/']")
    page.fill("#id_name", UNIT_NAME)
    page.fill("#id_credit_code", credit_code(777, division="310115"))
    page.fill("#id_address", "上海市浦东新区张江路100号")
    page.fill("#id_contact_name", "李建华")
    page.fill("#id_contact_phone", "021-58881234")
    page.fill("#id_contact_email", "li.jianhua@example.test")
    page.select_option("#id_recommender", label=RECOMMENDER_NAME)
    screenshot(page, "03-unit-register")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(f"{base}/portal/waiting/")
    expect(page.get_by_test_id("waiting")).to_be_visible()
    expect(page.locator("main")).to_contain_text(RECOMMENDER_NAME)
    screenshot(page, "04-unit-waiting")
    unit = Unit.objects.get(name=UNIT_NAME)
    assert unit.status == ApprovalStatus.PENDING
    sign_out(page)

    # 2. The recommender's member approves the unit on their dashboard.
    reviewer = new_page()
    sign_in(reviewer, base, "pudong@example.test", PASSWORD)
    expect(reviewer).to_have_url(f"{base}/portal/recommender/{unit.recommender_id}/")
    expect(reviewer.get_by_test_id("recommender-units")).to_contain_text(UNIT_NAME)
    screenshot(reviewer, "05-recommender-dashboard")
    reviewer.get_by_test_id(f"approve-{unit.pk}").click()
    expect(reviewer.locator(".alert-success")).to_contain_text(UNIT_NAME)
    unit.refresh_from_db()
    assert unit.status == ApprovalStatus.APPROVED
    sign_out(reviewer)

    # 3. A group leader signs up, finds the unit by part of its name and registers the group.
    leader = new_page()
    sign_up(leader, base, full_name="陈志明", email="chen.zhiming@example.test", mobile="13816000002")
    leader.click("main a[href='/portal/register/group/']")
    leader.fill("#unit-search", "华瑞精密")
    result = leader.locator(f"#unit-results [data-unit-choice='{unit.pk}']")
    expect(result).to_be_visible()
    screenshot(leader, "06-group-register-search")
    result.click()
    expect(leader.get_by_test_id("chosen-unit")).to_have_text(UNIT_NAME)
    expect(leader.locator("#id_choice-unit")).to_have_value(str(unit.pk))
    expect(leader.locator("#unit-results [data-unit-choice]")).to_have_count(0)
    leader.fill("#id_group-name", GROUP_NAME)
    leader.fill("#id_group-registration_number", "SH-QC-2026-0001")
    leader.fill("#id_group-founded_on", "2024-03-15")
    leader.fill("#id_group-description", "降低焊接不良率")
    leader.click("main form button[type=submit]")
    expect(leader).to_have_url(f"{base}/portal/waiting/")
    expect(leader.locator("main")).to_contain_text(UNIT_NAME)
    screenshot(leader, "07-group-waiting")
    group = QCGroup.objects.get(name=GROUP_NAME)
    assert (group.unit, group.status) == (unit, ApprovalStatus.PENDING)
    sign_out(leader)

    # 4. The unit contact signs in again, now on the unit dashboard, and approves the group.
    sign_in(page, base, "13816000003", NEW_PASSWORD)  # by mobile number this time
    expect(page).to_have_url(f"{base}/portal/unit/{unit.pk}/")
    expect(page.get_by_test_id("unit-groups")).to_contain_text(GROUP_NAME)
    screenshot(page, "08-unit-dashboard")
    page.get_by_test_id(f"approve-{group.pk}").click()
    expect(page.locator(".alert-success")).to_contain_text(GROUP_NAME)
    group.refresh_from_db()
    assert group.status == ApprovalStatus.APPROVED
    sign_out(page)

    # 5. The leader signs in and lands on the group's dashboard.
    sign_in(leader, base, "chen.zhiming@example.test", NEW_PASSWORD)
    expect(leader).to_have_url(f"{base}/portal/group/{group.pk}/")
    expect(leader.locator("h1")).to_contain_text(GROUP_NAME)
    screenshot(leader, "09-group-dashboard")

    for p in (page, reviewer, leader):
        assert p.js_errors == []


def test_registration_group_dashboard_on_tablet(tablet_page, live_server, recommender_person):
    """The group dashboard at tablet size: the navbar collapses and the page does not scroll sideways."""
    from tests.factories import QCGroupFactory, UnitFactory, UserFactory

    leader = UserFactory(email="leader@example.test", full_name="陈志明")
    group = QCGroupFactory(
        unit=UnitFactory(name=UNIT_NAME, recommender=recommender_person.memberships.get().recommender),
        name=GROUP_NAME,
        leader=leader,
        members=6,
    )

    sign_in(tablet_page, live_server.url, "leader@example.test", PASSWORD)

    expect(tablet_page).to_have_url(f"{live_server.url}/portal/group/{group.pk}/")
    overflow = tablet_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0
    screenshot(tablet_page, "10-group-dashboard-tablet")
    assert tablet_page.js_errors == []


def test_static_files_are_served_by_live_server(page, live_server):
    response = page.request.get(f"{live_server.url}/static/vendor/bootstrap/css/bootstrap.min.css")

    assert response.status == 200
    assert "text/css" in response.headers["content-type"]


def test_language_switch_to_english(page, live_server):
    page.goto(live_server.url)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    switch = page.get_by_test_id("lang-switch")
    expect(switch).to_have_text("English")

    switch.click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Shanghai quality award programmes portal")
    expect(page.get_by_test_id("channel-group")).to_contain_text("QC group channel")
    expect(page.get_by_test_id("lang-switch")).to_have_text("中文")
    screenshot(page, "11-home-english")
    assert page.js_errors == []


def test_home_page_is_chinese_by_default(page, live_server):
    page.goto(live_server.url)

    heading = page.locator("h1").inner_text()
    assert re.search(r"[\u4e00-\u9fff]", heading), f"the home page heading is not Chinese: {heading!r}"
