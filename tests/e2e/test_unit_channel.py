"""单位通道 end to end: a unit contact self-evaluates a group's application, prints the scoring form, uploads the
stamped scan and endorses it."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from applications.enums import Status
from applications.models import Application
from recommenders.enums import Decision
from tests.e2e.conftest import SCREENSHOTS, screenshot
from tests.factories import PASSWORD, RecommenderFactory, UnitFactory
from tests.factories.recommenders import contact_of, png_bytes, qc_edition, submitted_application, unit_endorsement

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCORES = {"topic": "12.5", "cause": "27", "measures": "18", "effect": "17.5", "report": "4", "feature": "9"}
OPINION = "该成果针对外圈磨削不良开展攻关，数据翔实，效果显著，同意推荐。"


def sign_in(page, base, login, password):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("main form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/portal/.*"))


@pytest.fixture
def story():
    recommender = RecommenderFactory(name="浦东新区市场监督管理局")
    unit = UnitFactory(name="上海华瑞精密机械有限公司", recommender=recommender)
    contact = contact_of(unit, email="li.lianxi@example.test", full_name="李联系")
    edition = qc_edition()
    application = submitted_application(edition=edition, unit=unit)
    submitted_application(edition=edition, title="另一家单位的成果")  # never shown to this unit
    return {"unit": unit, "contact": contact, "application": application}


def fill_scores(page, scores):
    for code, value in scores.items():
        page.fill(f"[data-testid=score-{code}]", value)


def test_unit_endorses_with_self_evaluation_and_stamped_scan(page, live_server, story):
    base = live_server.url
    unit, application = story["unit"], story["application"]

    sign_in(page, base, story["contact"].email, PASSWORD)
    page.goto(f"{base}/portal/unit/{unit.pk}/")
    expect(page.get_by_test_id("unit-count-waiting")).to_have_text("1")
    page.get_by_test_id("unit-queue-link").click()

    # The queue: this unit's one application, with the unit-endorsement countdown.
    expect(page.get_by_test_id("unit-queue-row")).to_have_count(1)
    expect(page.locator("[data-testid=unit-deadlines] [data-deadline]")).to_have_count(1)
    screenshot(page, "unit-01-queue")
    page.get_by_test_id("unit-queue-row").get_by_role("link", name=application.title).click()
    expect(page.get_by_test_id("application-number")).to_have_text(application.number)
    expect(page.get_by_test_id("endorse-button")).to_be_disabled()

    # A score above the item's maximum: the server says which and keeps everything typed.
    fill_scores(page, {**SCORES, "cause": "35"})
    expect(page.get_by_test_id("score-cause")).to_have_class(re.compile(r"\bis-invalid\b"))  # live hint
    expect(page.get_by_test_id("score-total")).to_have_text("—")
    page.fill("[data-testid=opinion]", OPINION)
    page.get_by_test_id("evaluation-save").click()
    expect(page.get_by_test_id("evaluation-error")).to_contain_text("原因分析")
    expect(page.get_by_test_id("evaluation-error")).to_contain_text("30.0")
    for code, value in {**SCORES, "cause": "35"}.items():
        expect(page.get_by_test_id(f"score-{code}")).to_have_value(value)
    expect(page.get_by_test_id("opinion")).to_have_value(OPINION)
    screenshot(page, "unit-02-score-out-of-range")

    # Corrected: the total is computed while typing and saved.
    page.fill("[data-testid=score-cause]", "27")
    expect(page.get_by_test_id("score-total")).to_have_text("88.00")
    page.get_by_test_id("evaluation-save").click()
    expect(page.get_by_test_id("saved-total")).to_contain_text("88.0")

    # The scoring-and-recommendation form: built on request, downloaded, with the scores printed in.
    page.locator("[data-testid=scoring-form] [data-testid=document-request] button").click()
    download_link = page.locator("[data-testid=scoring-form] [data-testid=document-download]")
    expect(download_link).to_be_visible(timeout=30_000)
    with page.expect_download() as download_info:
        download_link.click()
    pdf_path = SCREENSHOTS / "unit-scoring-form.pdf"
    download_info.value.save_as(pdf_path)
    assert download_info.value.suggested_filename == f"{application.number}-成果评分与推荐意见表.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, check=True).stdout
    words = " ".join(text.decode().split())
    assert "成果评分与推荐意见表" in words
    assert "合 计 100 88.0" in words
    assert OPINION in words

    # The printed form, stamped and scanned.
    scan = SCREENSHOTS / "unit-stamped-scan.png"
    scan.write_bytes(png_bytes(size=(300, 420), color=(235, 235, 235)))
    page.set_input_files("[data-testid=scan-form] input[type=file]", str(scan))
    page.locator("[data-testid=scan-form] button[type=submit]").click()
    expect(page.get_by_test_id("scan-uploaded")).to_contain_text("unit-stamped-scan.png")
    expect(page.get_by_test_id("endorse-ready")).to_be_visible()
    screenshot(page, "unit-03-ready-to-endorse")

    # A score changed after the scan: the page asks for a new form and scan, and the unit cannot endorse.
    page.fill("[data-testid=score-report]", "3")
    page.get_by_test_id("evaluation-save").click()
    expect(page.get_by_test_id("scan-stale")).to_be_visible()
    expect(page.get_by_test_id("scoring-form-stale")).to_be_visible()
    expect(page.get_by_test_id("endorse-button")).to_be_disabled()
    screenshot(page, "unit-03b-scan-stale")
    page.fill("[data-testid=score-report]", "4")
    page.get_by_test_id("evaluation-save").click()  # back to the scores the scan shows
    expect(page.get_by_test_id("endorse-ready")).to_be_visible()

    # Endorse, after the confirmation dialog.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("endorse-button").click()
    expect(page.get_by_test_id("application-status")).to_have_attribute("data-status", "endorsed")
    expect(page.get_by_test_id("decision")).to_have_attribute("data-decision", "endorsed")
    expect(page.locator("[data-testid=self-evaluation-readonly] [data-testid=score-total]")).to_have_text("88.00")
    screenshot(page, "unit-04-endorsed")

    application = Application.objects.get(pk=application.pk)
    assert application.status == Status.ENDORSED
    endorsement = unit_endorsement(application)
    assert (endorsement.decision, endorsement.scan_mime, endorsement.opinion) == (
        Decision.ENDORSED,
        "image/png",
        OPINION,
    )
    # Only the refused save answered with an error status; no script or CSP error.
    assert [e for e in page.js_errors if not e.startswith("HTTP 400 ") or "/evaluation/" not in e] == []
