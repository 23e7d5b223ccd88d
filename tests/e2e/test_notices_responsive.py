"""The public notice pages and the staff notice form at phone, tablet and desktop widths (anonymous visitor and
staff): nothing off-screen, no sideways scrolling, a wide table inside a notice scrolls within the text."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_recommenders_responsive import HEIGHT, WIDTHS, check_layout, sign_in
from tests.factories import staff_user
from tests.factories.notices import published_notice

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE_TABLE = "<table><tr>" + "".join(f"<th>第{n}列较长的表头文字</th>" for n in range(10)) + "</tr></table>"


def test_notice_pages_fit_phone_tablet_and_desktop(new_page, live_server):
    base = live_server.url
    notice = published_notice(
        title="关于开展2023年先进质量技术方法推进活动暨2023年上海市质量协会质量技术奖申报工作的通知",
        body="<p>各会员单位及相关组织：</p>" + WIDE_TABLE,
        pinned=True,
    )
    staff_user(email="notice.staff@example.test")
    for width in WIDTHS.values():
        page = new_page({"width": width, "height": HEIGHT})
        page.goto(f"{base}/notices/")
        expect(page.get_by_test_id("notice-row")).to_have_count(1)
        check_layout(page, "notice-list", width)
        page.goto(f"{base}/notices/{notice.pk}/")
        expect(page.get_by_test_id("notice-body")).to_be_visible()
        check_layout(page, "notice-detail", width)
        page.goto(f"{base}/")
        expect(page.get_by_test_id("home-notice")).to_have_count(1)
        sign_in(page, base, "notice.staff@example.test")
        page.goto(f"{base}/notices/staff/{notice.pk}/")
        expect(page.get_by_test_id("notice-form")).to_be_visible()
        check_layout(page, "notice-staff-form", width)
        assert page.js_errors == []
