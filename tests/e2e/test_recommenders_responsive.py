"""The unit and recommender pages at phone (390 px), tablet (820 px) and desktop (1366 px) widths (issue 8: "unit
queue buttons wrap one character per line (审/核)"; "on a phone the rank input is 18 px wide and the arrows are
off-screen").

Each page is screenshotted at each width (var/screenshots/responsive-<page>-<width>.png) and checked: no control
(button, link-button, input, select, textarea) lies outside the viewport horizontally, the page does not scroll
sideways, button labels stay on one line, and the rank input is at least 48 px wide.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD, RecommenderFactory, UnitFactory, recommender_member
from tests.factories.recommenders import (
    contact_of,
    endorsed_application,
    qc_edition,
    ranked,
    self_evaluated,
    submitted_application,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": 390, "tablet": 820, "desktop": 1366}
HEIGHT = 900
LONG_TITLE = "降低精密轴承外圈磨削工序表面烧伤与尺寸超差导致的综合不良率并建立长效控制机制"

# Every control a person can use (hidden ones have an empty box and are skipped).
CONTROLS = "main button, main a.btn, main input:not([type=hidden]), main select, main textarea"


def sign_in(page, base, login):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/portal/.*"))


def off_screen(page) -> list[str]:
    """The controls not wholly within the viewport's width, described."""
    return page.evaluate(
        """(selector) => {
            const width = document.documentElement.clientWidth;
            const out = [];
            document.querySelectorAll(selector).forEach((el) => {
                const box = el.getBoundingClientRect();
                if (box.width === 0 && box.height === 0) { return; }
                if (box.left < -0.5 || box.right > width + 0.5) {
                    out.push(`${el.tagName} ${el.dataset.testid || el.name || el.textContent.trim().slice(0, 20)} `
                             + `[${Math.round(box.left)}, ${Math.round(box.right)}] of ${width}`);
                }
            });
            return out;
        }""",
        CONTROLS,
    )


def wrapped_buttons(page) -> list[str]:
    """Buttons whose label breaks over more than one line (e.g. 审 / 核 stacked)."""
    return page.evaluate(
        """() => {
            const out = [];
            document.querySelectorAll("main .btn").forEach((el) => {
                const box = el.getBoundingClientRect();
                if (box.width === 0) { return; }
                const style = getComputedStyle(el);
                const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
                const inner = box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
                    - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
                if (el.textContent.trim() && inner > line * 1.5) {
                    const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
                    out.push(`${el.textContent.trim().slice(0, 20)} (${size})`);
                }
            });
            return out;
        }"""
    )


def check_layout(page, name: str, width: int) -> None:
    screenshot(page, f"responsive-{name}-{width}")
    assert off_screen(page) == [], f"{name} at {width} px"
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} at {width} px scrolls sideways ({scroll} px)"
    assert wrapped_buttons(page) == [], f"{name} at {width} px"


@pytest.fixture
def story():
    edition = qc_edition()
    recommender = RecommenderFactory(name="浦东新区市场监督管理局")
    unit = UnitFactory(recommender=recommender, name="上海华瑞精密机械有限公司质量管理部")
    contact = contact_of(unit, email="li.lianxi@example.test", full_name="李联系")
    member = recommender_member(recommender, email="wang.huimin@example.test", full_name="王慧敏")
    waiting = submitted_application(edition=edition, unit=unit, title=LONG_TITLE)
    self_evaluated(waiting, contact)
    submitted_application(edition=edition, unit=unit, title="缩短数控车床换刀辅助时间")
    endorsed = [
        endorsed_application(edition=edition, unit=UnitFactory(recommender=recommender), title=title)
        for title in (LONG_TITLE, "提高焊接一次合格率", "降低电缆接头返修率")
    ]
    ranked(member, endorsed[0])
    return {"unit": unit, "recommender": recommender, "edition": edition, "waiting": waiting, "endorsed": endorsed}


def test_unit_pages_fit_phone_tablet_and_desktop(new_page, live_server, story):
    base = live_server.url
    for width in WIDTHS.values():
        page = new_page({"width": width, "height": HEIGHT})
        sign_in(page, base, "li.lianxi@example.test")
        page.goto(f"{base}/recommenders/unit/{story['unit'].pk}/queue/")
        expect(page.get_by_test_id("unit-queue-row")).to_have_count(2)
        check_layout(page, "unit-queue", width)
        page.goto(f"{base}/recommenders/unit/application/{story['waiting'].pk}/")
        expect(page.get_by_test_id("evaluation-form")).to_be_visible()
        check_layout(page, "unit-application", width)
        assert page.js_errors == []


def test_recommender_pages_fit_and_the_rank_input_is_usable_on_a_phone(new_page, live_server, story):
    base = live_server.url
    category = story["endorsed"][0].category
    rank_url = f"{base}/recommenders/recommender/{story['recommender'].pk}/rank/{story['edition'].pk}/{category.pk}/"
    for width in WIDTHS.values():
        page = new_page({"width": width, "height": HEIGHT})
        sign_in(page, base, "wang.huimin@example.test")
        page.goto(f"{base}/recommenders/recommender/{story['recommender'].pk}/queue/")
        expect(page.get_by_test_id("queue-row")).to_have_count(3)
        check_layout(page, "recommender-queue", width)
        page.goto(f"{base}/recommenders/recommender/application/{story['endorsed'][0].pk}/")
        expect(page.get_by_test_id("decide-form")).to_be_visible()
        check_layout(page, "recommender-application", width)

        page.goto(rank_url)
        inputs = page.get_by_test_id("rank-input")
        expect(inputs).to_have_count(3)
        expect(page.get_by_test_id("move-up").first).to_be_visible()
        for index in range(3):
            box = inputs.nth(index).bounding_box()
            assert box["width"] >= 48, f"rank input {box['width']} px wide at {width} px"
        for button in page.locator("main button").all():
            box = button.bounding_box()
            assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= width, f"button at {width} px"
        check_layout(page, "recommender-rank", width)
        # The arrows still work at this width.
        last = page.get_by_test_id("rank-row").nth(2)
        number = last.get_attribute("data-number")
        last.get_by_test_id("move-up").click()
        expect(page.get_by_test_id("rank-row").nth(1)).to_have_attribute("data-number", number)
        assert page.js_errors == []
