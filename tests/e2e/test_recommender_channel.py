"""The unit and recommender channels end to end in Chromium.

A unit contact self-evaluates, uploads the stamped scan and endorses in the unit channel; a member of the district
bureau scores it, ranks the problem-solving entries, recommends two of the unit's applications, is refused the
third with the quota message, reconsiders one and recommends the new one; then hands in the recommendation table,
downloads it and the test opens it with openpyxl and LibreOffice.

Set up through the services (a factory for each step): the edition, the organisations and people, and two of the
unit's applications that were endorsed earlier.
"""

import io
import re
import subprocess

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from applications.enums import Status
from applications.models import Application
from recommenders.enums import EndorsementLevel, HandInKind
from recommenders.models import Endorsement, Evaluation, HandIn
from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD, RecommenderFactory, UnitFactory, recommender_member
from tests.factories.recommenders import (
    contact_of,
    endorsed_application,
    png_bytes,
    qc_edition,
    submitted_application,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUOTA_MESSAGE = "上海华瑞精密机械有限公司 already has 2 recommended application(s); at most 2 per unit."
SCORES = {"topic": "13", "cause": "27", "measures": "18", "effect": "17", "report": "4.5", "feature": "8"}  # 87.5


def sign_in(page, base, login):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/portal/.*"))


def english(page, base):
    """Switch the interface to English (the message ids), whatever the catalogue holds."""
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])


@pytest.fixture
def story(tmp_path):
    edition = qc_edition()
    recommender = RecommenderFactory(name="浦东新区市场监督管理局")
    unit = UnitFactory(recommender=recommender, name="上海华瑞精密机械有限公司")
    contact = contact_of(unit, email="li.jianhua@example.test", full_name="李建华")
    member = recommender_member(recommender, email="wang.huimin@example.test", full_name="王慧敏")
    earlier_solving = endorsed_application(edition=edition, unit=unit, title="缩短数控车床换刀辅助时间", actor=contact)
    earlier_innovation = endorsed_application(
        edition=edition, unit=unit, category="innovation", title="研制轴承套圈自动上料装置", actor=contact
    )
    fresh = submitted_application(edition=edition, unit=unit, title="降低精密轴承外圈磨削不良率")
    scan = tmp_path / "成果评分与推荐意见表-盖章.png"
    scan.write_bytes(png_bytes(size=(600, 420)))
    return {
        "edition": edition,
        "recommender": recommender,
        "unit": unit,
        "contact": contact,
        "member": member,
        "earlier_solving": earlier_solving,
        "earlier_innovation": earlier_innovation,
        "fresh": fresh,
        "scan": scan,
    }


def _libreoffice_converts(data: bytes, tmp_path) -> None:
    source = tmp_path / "recommendation-table.xlsx"
    source.write_bytes(data)
    result = subprocess.run(
        [
            "/usr/bin/libreoffice",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "recommendation-table.pdf").stat().st_size > 1000


def test_recommender_channel_end_to_end(page, new_page, live_server, story, tmp_path):
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    fresh = story["fresh"]

    # 1. The unit self-evaluates, uploads the stamped scan and endorses, in the unit channel.
    english(page, base)
    sign_in(page, base, "li.jianhua@example.test")
    page.goto(f"{base}/recommenders/unit/application/{fresh.pk}/")
    for code, value in {
        "topic": "13",
        "cause": "26",
        "measures": "17",
        "effect": "17",
        "report": "4",
        "feature": "8",
    }.items():
        page.fill(f"[data-testid=score-{code}]", value)
    page.fill("[data-testid=opinion]", "该成果选题来自生产现场急需，数据翔实，效果明显，同意推荐。")
    page.click("[data-testid=evaluation-save]")
    # The scan is of the form generated from the saved scores: the upload waits for it.
    expect(page.get_by_test_id("scan-needs-form")).to_be_visible()
    page.locator("[data-testid=scoring-form] [data-testid=document-request] button").click()
    expect(page.locator("[data-testid=scoring-form] [data-testid=document-download]")).to_be_visible(timeout=30_000)
    page.set_input_files("[data-testid=scan-form] input[type=file]", str(story["scan"]))
    page.click("[data-testid=scan-form] button[type=submit]")
    expect(page.locator("[data-testid=scan-uploaded]")).to_be_visible()
    page.click("[data-testid=endorse-button]")
    expect(page.locator("[data-testid=decision][data-decision=endorsed]")).to_be_visible()
    fresh.refresh_from_db()
    assert fresh.status == Status.ENDORSED
    assert Endorsement.objects.get(application=fresh, level=EndorsementLevel.UNIT).scan_mime == "image/png"

    # 2. A member of the bureau opens the queue: three endorsed applications, the quota 0/2.
    reviewer = new_page()
    reviewer.on("dialog", lambda dialog: dialog.accept())
    english(reviewer, base)
    sign_in(reviewer, base, "wang.huimin@example.test")
    reviewer.click("[data-testid=recommenders-panel] [data-testid=queue-link]")
    expect(reviewer.locator("[data-testid=queue-row]")).to_have_count(3)
    expect(reviewer.locator("[data-testid=quota-unit]")).to_have_text("上海华瑞精密机械有限公司: 0/2")
    screenshot(reviewer, "recommender-01-queue")

    # 3. Scores the new application: an out-of-range value is refused and kept, then corrected.
    reviewer.click(f"[data-testid=queue-row][data-number='{fresh.number}'] a")
    expect(reviewer.locator("[data-testid=unit-opinion]")).to_contain_text("同意推荐")
    expect(reviewer.locator("[data-testid=self-total]")).to_have_text("85.00")
    for code, value in {**SCORES, "cause": "35"}.items():
        reviewer.fill(f"[data-testid=score-form] [data-testid=score-{code}]", value)
    reviewer.click("[data-testid=save-scores]")
    expect(reviewer.locator("[data-testid=score-errors]")).to_contain_text("the score must be between 0 and 30.0")
    expect(reviewer.locator("[data-testid=score-form] [data-testid=score-cause]")).to_have_value("35")
    reviewer.fill("[data-testid=score-form] [data-testid=score-cause]", SCORES["cause"])
    reviewer.click("[data-testid=save-scores]")
    expect(reviewer.locator("[data-testid=reviewer-mean]")).to_have_text("87.50")
    assert Evaluation.objects.get(application=fresh, level=EndorsementLevel.RECOMMENDER).total == 87.5

    # 4. Ranks the problem-solving entries: the new one first, with the up button.
    reviewer.click("text=Back to the queue")
    reviewer.locator("[data-testid=queue-category]").first.locator("[data-testid=rank-link]").click()
    rows = reviewer.locator("[data-testid=rank-row]")
    expect(rows).to_have_count(2)
    reviewer.locator(f"[data-testid=rank-row][data-number='{fresh.number}'] [data-testid=move-up]").click()
    expect(rows.first).to_have_attribute("data-number", fresh.number)
    reviewer.click("[data-testid=save-ranking]")
    expect(rows.first).to_have_attribute("data-number", fresh.number)
    screenshot(reviewer, "recommender-02-ranking")
    ranks = dict(
        Endorsement.objects.filter(level=EndorsementLevel.RECOMMENDER, application__unit=story["unit"]).values_list(
            "application_id", "rank"
        )
    )
    assert (ranks[fresh.pk], ranks[story["earlier_solving"].pk]) == (1, 2)
    # Ranks are 1..n, each once: a duplicate is refused with the reason and the typed ranks kept.
    reviewer.fill(f"[data-testid=rank-row][data-number='{fresh.number}'] [data-testid=rank-input]", "2")
    reviewer.click("[data-testid=save-ranking]")
    expect(reviewer.get_by_test_id("rank-error")).to_contain_text("Rank 2 is given to")
    expect(
        reviewer.locator(f"[data-testid=rank-row][data-number='{fresh.number}'] [data-testid=rank-input]")
    ).to_have_value("2")
    assert Endorsement.objects.get(application=fresh, level=EndorsementLevel.RECOMMENDER).rank == 1
    # The innovation entry is ranked too (recommending needs the category's ranking).
    reviewer.goto(f"{base}/recommenders/recommender/{story['recommender'].pk}/queue/")
    reviewer.locator("[data-testid=queue-category]").nth(1).locator("[data-testid=rank-link]").click()
    expect(reviewer.get_by_test_id("ranking-incomplete")).to_be_visible()
    reviewer.click("[data-testid=save-ranking]")
    expect(reviewer.locator(".alert-success")).to_contain_text("The ranking is saved.")

    # 5. Recommends the two earlier ones; the third is refused with the quota message.
    def open_and_decide(application, decision):
        reviewer.goto(f"{base}/recommenders/recommender/application/{application.pk}/")
        reviewer.fill("[data-testid=decide-form] textarea", "经评审组评审，同意推荐。")
        reviewer.check("[data-testid=decision-confirm]")
        reviewer.click(f"[data-testid={decision}]")

    open_and_decide(story["earlier_solving"], "recommend")
    expect(reviewer.locator(".alert-success")).to_contain_text("The application is recommended.")
    open_and_decide(story["earlier_innovation"], "recommend")
    expect(reviewer.locator(".alert-success")).to_contain_text("The application is recommended.")
    # The unit's quota is used up: the page offers no Recommend button and says why (the service's words).
    reviewer.goto(f"{base}/recommenders/recommender/application/{fresh.pk}/")
    expect(reviewer.get_by_test_id("recommend")).to_have_count(0)
    expect(reviewer.get_by_test_id("recommend-blocked")).to_have_text(re.compile(re.escape(QUOTA_MESSAGE)))
    expect(reviewer.get_by_test_id("decline")).to_be_visible()
    screenshot(reviewer, "recommender-03-quota-refused")
    fresh.refresh_from_db()
    assert fresh.status == Status.ENDORSED

    # 6. Reconsiders the earlier problem-solving one and recommends the new one instead.
    reviewer.goto(f"{base}/recommenders/recommender/application/{story['earlier_solving'].pk}/")
    reviewer.click("[data-testid=reconsider]")
    expect(reviewer.locator(".alert-success")).to_contain_text("waits for a decision again")
    open_and_decide(fresh, "recommend")
    expect(reviewer.locator(".alert-success")).to_contain_text("The application is recommended.")
    statuses = dict(Application.objects.filter(unit=story["unit"]).values_list("pk", "status"))
    assert statuses == {
        fresh.pk: Status.RECOMMENDED,
        story["earlier_innovation"].pk: Status.RECOMMENDED,
        story["earlier_solving"].pk: Status.ENDORSED,
    }

    # 7. Hands in the recommendation table (Excel), downloads it, and it opens.
    reviewer.goto(f"{base}/recommenders/recommender/{story['recommender'].pk}/queue/")
    reviewer.click("[data-testid=dossier-link]")
    reviewer.click(f"[data-testid=handin-{HandInKind.RECOMMENDATION_TABLE}]")
    expect(reviewer.locator(".alert-success")).to_contain_text("is handed in")
    row = reviewer.locator(f"[data-testid=handin-row][data-kind={HandInKind.RECOMMENDATION_TABLE}]")
    expect(row).to_have_attribute("data-done", "yes")
    screenshot(reviewer, "recommender-04-dossier")
    with reviewer.expect_download() as download_info:
        row.locator("[data-testid=handin-download]").click()
    download = download_info.value
    assert download.suggested_filename == f"{story['edition'].year}-浦东新区市场监督管理局-成果推荐表.xlsx"
    data = open(download.path(), "rb").read()
    assert HandIn.objects.get(kind=HandInKind.RECOMMENDATION_TABLE).file_name == download.suggested_filename
    ws = load_workbook(io.BytesIO(data))["推荐表"]
    table = [row[1:3] for row in ws.iter_rows(min_row=3, values_only=True)]
    # Problem-solving first (the new one, ranked 1), then innovation.
    assert table == [(fresh.number, fresh.title), (story["earlier_innovation"].number, "研制轴承套圈自动上料装置")]
    _libreoffice_converts(data, tmp_path)

    # Only the refused duplicate ranking answered with an error status; no script or CSP error.
    assert page.js_errors == []
    assert [e for e in reviewer.js_errors if not (e.startswith("HTTP 400 ") and "/rank/" in e)] == []
