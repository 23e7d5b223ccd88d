"""协会评审 end to end, in the Chinese UI: formal review of three recommended applications (one admitted through its
page, one returned for correction and handed back, one bulk-admitted), a document round created and assigned by
staff, two experts scoring on tablets, the round closed and its review summary downloaded as Excel.

A second test photographs the review pages at phone, tablet and desktop widths and checks nothing runs off-screen.
"""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application
from reviews.declaration import declaration_sign
from reviews.enums import AssignmentState, ReviewStatus, RoundState, SheetState
from reviews.models import Assignment, ReviewRound, ScoreSheet
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.review_helpers import DESKTOP, PHONE, TABLET, confirming, shoot
from tests.e2e.test_unit_channel import sign_in
from tests.factories import PASSWORD, staff_user
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import assigned, pool_expert, quick_admitted, recommended_application, review_round

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")
REASON = "盖章扫描件不清晰，请重新上传清晰的盖章扫描件。"
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def _local(moment) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M")


def _score_items(round_, application) -> list[dict]:
    return round_.rubrics.get(category=application.category, is_current=True).items


@pytest.fixture
def story():
    edition = qc_edition()
    applications = [
        recommended_application(edition=edition, title=title)
        for title in ("降低精车外圆尺寸超差率", "提高焊接一次合格率", "缩短模具换型时间")
    ]
    staff = staff_user(email="mishu@example.test", full_name="周秘书")
    experts = [
        pool_expert(edition.programme, categories=[a.category.code for a in applications], email=f"zj{n}@example.test")
        for n in range(1, 4)
    ]
    return {"edition": edition, "applications": applications, "staff": staff, "experts": experts}


def test_formal_review_round_scoring_and_summary(new_page, live_server, story):
    base = live_server.url
    edition, (first, returned, third) = story["edition"], story["applications"]
    staff_page = confirming(new_page())
    sign_in(staff_page, base, "mishu@example.test", PASSWORD)

    # 1. 形式审查 queue: the three recommended applications wait for a decision.
    staff_page.goto(f"{base}/reviews/formal/?edition={edition.pk}")
    expect(staff_page.locator("h1")).to_contain_text("形式审查")
    expect(staff_page.get_by_test_id("formal-row")).to_have_count(3)

    # Admit the first through its page, every checklist item ticked.
    staff_page.get_by_role("link", name=first.title).click()
    checks = staff_page.locator("[data-testid=checks-form] input[type=checkbox]")
    for index in range(checks.count()):
        checks.nth(index).check()
    staff_page.get_by_role("button", name="保存审查清单").click()
    expect(staff_page.locator("[data-testid=checks-form] input[type=checkbox]:not(:checked)")).to_have_count(0)
    staff_page.locator("label[for=outcome-admit]").click()
    staff_page.get_by_test_id("decide").click()
    expect(staff_page.get_by_test_id("formal-outcome")).to_contain_text("参评")

    # Return the second for correction: an item, a deadline and the reason.
    deadline = timezone.now() + datetime.timedelta(days=14)
    staff_page.goto(f"{base}/reviews/formal/application/{returned.pk}/")
    staff_page.locator("label[for=outcome-correct]").click()
    staff_page.fill("#id_reason", REASON)
    staff_page.locator("label[for=fix-stamped_scan]").click()
    staff_page.fill("#id_correction_deadline", _local(deadline))
    staff_page.get_by_test_id("decide").click()
    expect(staff_page.get_by_test_id("formal-outcome")).to_contain_text("完善后参评")
    expect(staff_page.get_by_test_id("formal-outcome")).to_contain_text(REASON)

    # Bulk-admit the third from the queue.
    staff_page.goto(f"{base}/reviews/formal/?edition={edition.pk}")
    staff_page.locator(f"[data-testid=formal-row][data-pk='{third.pk}'] input[type=checkbox]").check()
    staff_page.get_by_test_id("bulk-admit").click()
    expect(staff_page.locator(".alert-success")).to_contain_text("1")
    assert Application.objects.get(pk=third.pk).status == "admitted"

    # 2. The group sees the reason on its dashboard, edits and hands the correction back.
    group_page = confirming(new_page())
    sign_in(group_page, base, returned.group.leader.email, PASSWORD)
    group_page.goto(f"{base}/portal/group/{returned.group_id}/")
    expect(group_page.get_by_test_id("formal-outcomes")).to_contain_text(REASON)
    group_page.goto(f"{base}/applications/{returned.pk}/")
    notice = group_page.get_by_test_id("formal-notice")
    expect(notice.get_by_test_id("formal-reason")).to_have_text(REASON)
    expect(notice.get_by_test_id("formal-items")).to_contain_text("盖章扫描件")
    group_page.get_by_test_id("tab-edit").click()
    group_page.fill("textarea[name=q_summary]", "已按形式审查意见补充说明：盖章扫描件已重新上传。")
    group_page.get_by_test_id("save").click()
    expect(group_page.locator(".alert-success")).to_be_visible()
    group_page.goto(f"{base}/applications/{returned.pk}/")
    group_page.get_by_test_id("resubmit-correction").click()
    expect(group_page.locator(".alert-success")).to_contain_text("完善材料已提交至协会")
    assert Application.objects.get(pk=returned.pk).status == "corrected"

    # Staff admit the corrected application.
    staff_page.goto(f"{base}/reviews/formal/application/{returned.pk}/")
    staff_page.locator("label[for=outcome-admit]").click()
    staff_page.get_by_test_id("decide").click()
    expect(staff_page.get_by_test_id("formal-outcome")).to_contain_text("参评")
    assert set(Application.objects.filter(edition=edition).values_list("status", flat=True)) == {"admitted"}

    # 3. A document round, created through the pages, k = 3, assigned automatically, opened.
    staff_page.goto(f"{base}/reviews/rounds/edition/{edition.pk}/")
    staff_page.get_by_test_id("round-create").click()
    staff_page.fill("#id_opens_at", _local(timezone.now() - datetime.timedelta(hours=1)))
    staff_page.fill("#id_closes_at", _local(timezone.now() + datetime.timedelta(days=10)))
    staff_page.select_option("#id_experts_per_application", "3")
    staff_page.get_by_test_id("round-save").click()
    expect(staff_page.get_by_test_id("round-k")).to_have_text("3")
    round_ = ReviewRound.objects.get(edition=edition)
    staff_page.locator(".nav-tabs").get_by_role("link", name="分配", exact=True).click()
    staff_page.get_by_test_id("assign-run").click()
    expect(staff_page.locator(".alert-success")).to_be_visible()
    assert Assignment.objects.filter(round=round_, state=AssignmentState.OFFERED).count() == 9
    staff_page.locator(".nav-tabs").get_by_role("link", name="概览").click()
    staff_page.get_by_test_id("round-open").click()
    expect(staff_page.get_by_test_id("round-state")).to_have_attribute("class", re.compile("success"))
    assert ReviewRound.objects.get(pk=round_.pk).state == RoundState.OPEN

    # 4. Two experts, each on a tablet: declaration, accept, score item by item with the live total, submit.
    totals = {}
    for number, expert in enumerate(story["experts"][:2]):
        page = confirming(new_page(TABLET))
        sign_in(page, base, expert.user.email, PASSWORD)
        page.goto(f"{base}/portal/expert/")
        page.get_by_test_id("expert-round-link").click()
        page.locator("#id_confirm").check()
        page.get_by_test_id("sign").click()
        expect(page.locator(".alert-success")).to_contain_text("您已签署承诺书")
        tasks = page.get_by_test_id("tasks")
        while tasks.get_by_role("button", name="接受", exact=True).count():
            tasks.get_by_role("button", name="接受", exact=True).first.click()
            expect(page.locator(".alert-success")).to_be_visible()
        for application in (first, returned, third):
            assignment = Assignment.objects.get(round=round_, application=application, expert=expert)
            page.goto(f"{base}/reviews/expert/assignments/{assignment.pk}/")
            expect(page.get_by_role("heading", name="我的评分")).to_be_visible()
            running = Decimal("0")
            for item in _score_items(round_, application):
                value = (Decimal(item["max_points"]) * Decimal("0.7") + number).quantize(Decimal("1"))
                page.fill(f"input[name=score_{item['code']}]", str(value))
                running += value
                expect(page.get_by_test_id("total")).to_have_text(f"{running:.1f}")
            totals[(expert.pk, application.pk)] = running
            page.get_by_role("button", name="提交", exact=True).click()
            # The submit waits for the autosave of the last field (score-autosave.js), then posts and redirects:
            # two round trips, which on a loaded CI machine took longer than the default 5 s once.
            expect(page.locator(".alert-success")).to_contain_text("您的评分表已提交", timeout=TIMEOUT_MS)
            expect(page.get_by_test_id("sheet-state")).to_have_attribute("data-state", "submitted")
        page.goto(f"{base}/reviews/expert/rounds/{round_.pk}/")
        expect(page.get_by_test_id("progress")).to_have_text("已提交 3 / 3")
    submitted = ScoreSheet.objects.filter(assignment__round=round_, state=SheetState.SUBMITTED)
    assert {(s.assignment.expert_id, s.assignment.application_id): s.total for s in submitted} == totals

    # 5. Staff close the round and download the review summary.
    staff_page.goto(f"{base}/reviews/rounds/{round_.pk}/")
    staff_page.get_by_test_id("round-close").click()
    expect(staff_page.locator(".alert-success")).to_contain_text("评审轮次已关闭")
    assert ReviewRound.objects.get(pk=round_.pk).state == RoundState.CLOSED
    staff_page.get_by_test_id("round-results-link").click()
    expect(staff_page.get_by_test_id("results-row")).to_have_count(3)
    staff_page.get_by_test_id("summary-xlsx").click()
    download_link = staff_page.get_by_test_id("document-download").first
    expect(download_link).to_be_visible(timeout=30_000)
    with staff_page.expect_download() as download_info:
        download_link.click()
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / "review-summary.xlsx"
    download_info.value.save_as(path)
    assert download_info.value.suggested_filename.endswith("评审汇总表.xlsx")
    sheet = openpyxl.load_workbook(path).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "序号")
    body = [row for row in rows[header_at + 1 :] if row and row[0] is not None]
    assert {row[3] for row in body} == {first.title, returned.title, third.title}
    header = rows[header_at]
    assert header[:5] == ["序号", "申报编号", "评审编号", "成果名称/课题", "课题类型"]
    for row in body:
        scores = [Decimal(str(v)) for v in row[6:12:2] if v is not None]
        application = next(a for a in (first, returned, third) if a.title == row[3])
        assert sorted(scores) == sorted(v for (_e, a), v in totals.items() if a == application.pk)
    for page in (staff_page, group_page):
        assert page.js_errors == []


def _shoot(page, name):
    shoot(page, SHOTS, name)


def test_review_pages_fit_phone_tablet_and_desktop(new_page, live_server):
    edition = qc_edition()
    staff_user(email="mishu@example.test", full_name="周秘书")
    pending = recommended_application(edition=edition, title="降低精车外圆尺寸超差率的质量改进活动成果报告")
    round_ = review_round(edition)
    expert = pool_expert(edition.programme, email="zj@example.test", full_name="王专家")
    others = [pool_expert(edition.programme) for _ in range(2)]
    assignments = []
    for _n in range(3):
        application = quick_admitted(edition, category=pending.category.code)
        assignments.append(assigned(round_, application, expert))
        for other in others:
            assigned(round_, application, other)
    declaration_sign(actor=expert.user, round=round_)
    base = live_server.url
    for viewport in (PHONE, TABLET, DESKTOP):
        width = viewport["width"]
        staff = new_page(viewport)
        sign_in(staff, base, "mishu@example.test", PASSWORD)
        staff.goto(f"{base}/reviews/formal/application/{pending.pk}/")
        _shoot(staff, f"formal-application-{width}")
        staff.goto(f"{base}/reviews/formal/?edition={edition.pk}")
        _shoot(staff, f"formal-queue-{width}")
        staff.goto(f"{base}/reviews/rounds/{round_.pk}/progress/")
        _shoot(staff, f"round-progress-{width}")
        page = new_page(viewport)
        sign_in(page, base, "zj@example.test", PASSWORD)
        page.goto(f"{base}/reviews/expert/rounds/{round_.pk}/")
        _shoot(page, f"expert-tasks-{width}")
        page.goto(f"{base}/reviews/expert/assignments/{assignments[0].pk}/")
        page.locator("input[name^=score_]").first.fill("10")
        _shoot(page, f"expert-scoring-{width}")
        assert staff.js_errors == [] and page.js_errors == []


def test_a_server_that_cannot_answer_loses_no_score(new_page, live_server):
    """A 502 from the gateway while an expert scores on a phone (a restart, a timeout) is not the portal refusing:
    the page says the score waits, tries again within seconds (not the 15 s safety net) and then saves it."""
    edition = qc_edition()
    round_ = review_round(edition)
    expert = pool_expert(edition.programme, email="zj@example.test")
    assignment = assigned(round_, quick_admitted(edition), expert)
    declaration_sign(actor=expert.user, round=round_)
    page = new_page(PHONE)
    sign_in(page, live_server.url, "zj@example.test", PASSWORD)
    page.goto(f"{live_server.url}/reviews/expert/assignments/{assignment.pk}/")
    page.wait_for_load_state()  # the autosave script listens from DOMContentLoaded on

    failed = []

    def gateway(route, request):
        if request.method == "POST" and request.headers.get("x-autosave") == "1" and len(failed) < 2:
            failed.append(request.url)
            route.fulfill(status=502, content_type="text/html", body="<html><body>502 Bad Gateway</body></html>")
        else:
            route.continue_()

    page.route("**/*", gateway)
    item = _score_items(round_, assignment.application)[0]
    page.fill(f"input[name=score_{item['code']}]", "5")
    page.locator(f"input[name=score_{item['code']}]").blur()
    status = page.locator("[data-autosave-status]")
    expect(status).to_have_text("尚未发送：网络恢复后将自动重新发送。")
    # Two failures, retried after 2 s and 4 s: saved well before the 15 s interval would have sent it.
    expect(status).to_have_text("已保存", timeout=11_000)
    assert len(failed) == 2
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert Decimal(sheet.scores[item["code"]]) == 5
    assert [e for e in page.js_errors if not e.startswith("HTTP 502 ")] == []


def test_on_a_phone_the_report_opens_by_its_link_not_in_an_empty_frame(new_page, live_server):
    """Phone browsers draw no PDF inside a frame (a blank box a screen tall above the score sheet): there the
    frame is left out and the file's link opens it; from a tablet up the PDF shows beside the sheet."""
    edition = qc_edition()
    round_ = review_round(edition)
    expert = pool_expert(edition.programme, email="zj@example.test")
    application = recommended_application(edition=edition)
    Application.objects.filter(pk=application.pk).update(status=ReviewStatus.ADMITTED)
    assignment = assigned(round_, Application.objects.get(pk=application.pk), expert)
    declaration_sign(actor=expert.user, round=round_)
    for viewport in (PHONE, TABLET, DESKTOP):
        page = new_page(viewport)
        sign_in(page, live_server.url, "zj@example.test", PASSWORD)
        page.goto(f"{live_server.url}/reviews/expert/assignments/{assignment.pk}/")
        frames = page.locator("iframe")
        assert frames.count() >= 1
        expect(page.get_by_test_id("file-link").first).to_be_visible()
        if viewport is PHONE:
            expect(frames.first).to_be_hidden()
        else:
            expect(frames.first).to_be_visible()
        _shoot(page, f"expert-files-{viewport['width']}")
        assert page.js_errors == []
