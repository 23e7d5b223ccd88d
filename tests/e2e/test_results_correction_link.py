"""The staff results of a closed round on a phone, a tablet and a laptop: the table never pushes the page sideways
(a phone stacks each row into a card), figures do not break inside a number, and every mark's link to the audited
sheet correction is on screen, big enough to tap, and leads to that sheet's correction."""

from decimal import Decimal

import pytest
from django.urls import reverse

from reviews.enums import Aggregation
from reviews.rounds import round_close
from tests.factories import staff_user
from tests.factories.accounts import PASSWORD
from tests.factories.recommenders import qc_edition, submitted_application
from tests.factories.reviews import assigned, pool_expert, review_round, scored

from .conftest import screenshot

pytestmark = [pytest.mark.django_db(transaction=True)]

LAYOUT = """() => {
  const box = (el) => {
    const b = el.getBoundingClientRect();
    return {x: b.left, right: b.right, w: b.width, h: b.height};
  };
  return {
    page: [document.documentElement.scrollWidth, window.innerWidth],
    links: [...document.querySelectorAll('[data-testid=correct-sheet]')].map(box),
    // the line boxes of each result figure
    result: [...document.querySelectorAll('[data-testid=result]')].map((td) => {
      const range = document.createRange();
      range.selectNodeContents(td);
      return range.getClientRects().length;
    }),
  };
}"""


@pytest.fixture
def closed_round():
    edition = qc_edition()
    round_ = review_round(edition, aggregation=Aggregation.MEAN, outlier_points=Decimal("15"), normalise=True)
    experts = [pool_expert(edition.programme, full_name=n) for n in ("王慧敏", "刘振华", "欧阳明轩", "李娜")]
    for title, totals in (
        ("降低数控车床加工件尺寸超差率", (80, 82, 60, 81)),
        ("提高某型号变速箱壳体铸件一次交检合格率的研究", (90, 88.5, 91, 89)),
    ):
        application = submitted_application(edition=edition, title=title)
        for expert, total in zip(experts, totals, strict=True):
            scored(assigned(round_, application, expert), total)
    staff = staff_user(email="mishu@example.test")
    round_close(actor=staff, round=round_)
    return round_, staff


@pytest.mark.parametrize("width", [390, 820, 1366])
def test_every_marks_correction_link_is_on_screen_and_leads_to_its_sheet(new_page, live_server, closed_round, width):
    round_, staff = closed_round
    base = live_server.url
    page = new_page({"width": width, "height": 900})
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(base + reverse("reviews:results_round", args=[round_.pk]) + "?experts=names")

    layout = page.evaluate(LAYOUT)
    screenshot(page, f"results-correction-{width}")
    scroll_width, view_width = layout["page"]
    assert scroll_width <= view_width
    assert len(layout["links"]) == 8
    for link in layout["links"]:  # on screen without scrolling sideways, and a finger-sized target
        assert 0 <= link["x"] and link["right"] <= view_width and link["w"] >= 24 and link["h"] >= 22
    assert layout["result"] == [1, 1]  # "89.13" on one line, not "89." over "13"

    first = page.get_by_test_id("correct-sheet").first
    href = first.get_attribute("href")
    first.scroll_into_view_if_needed()
    first.click()
    page.wait_for_url(f"**{href}")
    assert page.locator("h1").first.is_visible()
    assert page.js_errors == []
