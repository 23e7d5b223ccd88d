"""The bell in the navbar, the inbox and the staff page for the wording of a notice, at 390, 820 and 1366 px."""

import pytest
from playwright.sync_api import expect

from notifications.models import PortalMessage
from tests.e2e.conftest import screenshot
from tests.e2e.test_registration import sign_in
from tests.factories import PASSWORD, staff_user, unit_contact
from tests.factories.awards import ProgrammeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
DESKTOP = {"width": 1366, "height": 900}
WIDTHS = pytest.mark.parametrize("viewport", [PHONE, TABLET, DESKTOP], ids=["390", "820", "1366"])


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _message(recipient, subject):
    return PortalMessage.objects.create(
        recipient=recipient,
        event="unit_return",
        language="zh-hans",
        subject=subject,
        body="张三，您好：\n\n上海华瑞精密机械股份有限公司已将申报退回修改。\n\n请登录平台查看：\nhttp://127.0.0.1:8000/applications/1/",
        link="/portal/dashboard/",
    )


@WIDTHS
def test_bell_counts_unread_and_the_inbox_reads_a_message(new_page, live_server, viewport):
    person = unit_contact(email="inbox@example.test", full_name="张三")
    _message(person, "申报被单位退回修改：QC-2026-0001 降低精密轴承外圈磨削不良率并提升一次交验合格率的长课题名称")
    _message(person, "申报已提交：QC-2026-0002 降低焊接返工率")
    page = new_page(viewport)
    sign_in(page, live_server.url, "inbox@example.test", PASSWORD)

    expect(page.get_by_test_id("unread-count")).to_have_text("2")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_test_id("inbox").locator("a")).to_have_count(2)
    assert _overflow(page) == 0
    screenshot(page, f"h6-inbox-{viewport['width']}")

    page.get_by_text("降低焊接返工率").click()
    expect(page.get_by_test_id("message-body")).to_contain_text("已将申报退回修改")
    assert _overflow(page) == 0
    screenshot(page, f"h6-message-{viewport['width']}")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    assert page.js_errors == []


@WIDTHS
def test_staff_preview_the_wording_of_a_notice(new_page, live_server, viewport):
    staff_user(email="staff@example.test", full_name="周秘书")
    programme = ProgrammeFactory()
    page = new_page(viewport)
    sign_in(page, live_server.url, "staff@example.test", PASSWORD)

    page.goto(f"{live_server.url}/notifications/staff/programmes/{programme.pk}/")
    expect(page.get_by_test_id("notice-submit")).to_contain_text("申报已提交")
    assert _overflow(page) == 0
    screenshot(page, f"h6-notices-{viewport['width']}")

    page.goto(f"{live_server.url}/notifications/staff/programmes/{programme.pk}/submit/")
    page.locator("input[name=subject_zh]").fill("【{edition}】{application_number} 已提交")
    page.get_by_test_id("preview").click()
    expect(page.get_by_test_id("preview-1")).to_contain_text("【2026年上海市质量管理小组活动成果】QC-2026-0001 已提交")
    # Plain text keeps its lines: the greeting stands alone on the first one.
    first_line = page.get_by_test_id("preview-1").get_by_test_id("preview-body").inner_text().splitlines()[0]
    assert first_line == "张三，您好："
    assert _overflow(page) == 0
    screenshot(page, f"h6-notice-preview-{viewport['width']}")

    page.locator("input[name=subject_en]").fill("{numbr} submitted")
    page.get_by_test_id("save").click()
    expect(page.locator(".invalid-feedback, .text-danger").first).to_contain_text("{numbr}")
    assert page.js_errors == []
