"""From a released result list to a verified certificate, in the Chinese UI (issue: publication).

1. Staff publish a notice and the edition's 公示 (seven working days from now).
2. An anonymous visitor on a phone files an objection: without a name it is refused with the reason and the input
   stays; with name, mobile, evidence and consent it gets a tracking number, and the status page shows it.
3. Staff assign and dismiss it with a written answer; the visitor sees the answer. Finalising is refused while the
   window runs; once it has ended (moved by the test), staff finalise.
4. Staff build the certificates (a batch, with progress and a ZIP); the group downloads its certificate, whose text
   carries its verification number; the public page verifies that number, refuses a forged one, and shows the
   number as revoked once staff revoke the award.
5. The public pages at phone, tablet and desktop widths: nothing runs off-screen.
"""

import datetime
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notices import workdays
from notices.models import Certificate, Notice
from notices.models_results import Objection, ObjectionState, ResultsPublicity
from notices.workflow import ResultStatus
from tests.e2e.review_helpers import DESKTOP, PHONE, TABLET, VIEWPORTS, confirming, shoot
from tests.e2e.test_unit_channel import sign_in
from tests.factories import PASSWORD, staff_user
from tests.factories.applications import pdf_bytes
from tests.factories.certificates import certificate_template
from tests.notices.results_world import released_edition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-publication")
STAFF_EMAIL = "gongshi@example.test"
REASON = "该成果现状调查数据与企业年报不一致，请核实。"
ANSWER = "经核查，数据口径不同，数据真实有效，异议不成立。"
NOTICE_TITLE = "关于2026年度质量管理小组活动成果评审结果的公示"


@pytest.fixture
def story():
    staff_user(email=STAFF_EMAIL, full_name="陈秘书")
    edition, scheme, best, good, refused = released_edition()
    certificate_template(edition)
    return {"edition": edition, "best": best, "good": good, "refused": refused}


def _datetime_local(value: datetime.datetime) -> str:
    return value.astimezone(workdays.SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def test_publicity_objection_finalisation_certificate_and_verification(live_server, new_page, story, tmp_path):
    base, edition, best = live_server.url, story["edition"], story["best"]
    staff = confirming(new_page(DESKTOP))
    sign_in(staff, base, STAFF_EMAIL, PASSWORD)

    # 1. A notice, then the 公示 linked to it.
    staff.goto(f"{base}/notices/staff/new/")
    staff.fill("input[name=title]", NOTICE_TITLE)
    staff.fill("textarea[name=body]", "<p>现将评审结果予以公示，公示期为七个工作日。</p><script>alert(1)</script>")
    staff.click("[data-testid=notice-form] button[type=submit]:not([name=preview])")
    staff.click("[data-testid=notice-publishing] form[action$='/publish/'] button")
    expect(staff.locator("[data-testid=notice-state]")).to_contain_text("已发布")
    notice = Notice.objects.get(title=NOTICE_TITLE)
    assert "<script" not in notice.body

    staff.goto(f"{base}/notices/staff/results/{edition.pk}/")
    start = timezone.now()
    staff.fill("input[name=starts_at]", _datetime_local(start))
    staff.select_option("select[name=notice]", str(notice.pk))
    staff.click(f"form[action='/notices/staff/results/{edition.pk}/publish/'] button[type=submit]")
    publicity = ResultsPublicity.objects.get(edition=edition)
    assert publicity.ends_at == workdays.window_end(publicity.starts_at, 7)
    expect(staff.locator("[data-testid=publicity-window]").first).to_contain_text(
        f"{publicity.ends_at.astimezone(workdays.SHANGHAI):%Y-%m-%d %H:%M}"
    )

    # 2. An anonymous visitor on a phone.
    visitor = new_page(PHONE)
    visitor.goto(f"{base}/notices/results/{edition.pk}/")
    table = visitor.locator("table").first
    expect(table).to_contain_text(best.title)
    expect(table).not_to_contain_text(story["refused"].number)  # not awarded: not on the list
    shoot(visitor, SHOTS, "publicity-390")
    visitor.click("[data-testid=objection-link]")
    visitor.select_option("select[name=application]", str(best.pk))
    visitor.fill("textarea[name=reason]", REASON)
    visitor.check("input[name=consent]")
    visitor.click("main form button[type=submit]")
    expect(visitor.locator(".alert-danger, .invalid-feedback, .errorlist").first).to_contain_text("匿名")
    assert visitor.locator("textarea[name=reason]").input_value() == REASON  # nothing lost
    assert not Objection.objects.exists()
    visitor.fill("input[name=real_name]", "李明")
    visitor.fill("input[name=mobile]", "13812345678")
    if not visitor.locator("input[name=consent]").is_checked():
        visitor.check("input[name=consent]")
    visitor.set_input_files(
        "input[name=evidence]", files=[{"name": "证据.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    visitor.click("main form button[type=submit]")
    tracking = visitor.locator("[data-testid=tracking-number]").inner_text().strip()
    objection = Objection.objects.get(tracking_number=tracking)
    assert objection.files.count() == 1
    shoot(visitor, SHOTS, "objection-receipt-390")

    def status_page():
        visitor.goto(f"{base}/notices/results/objection/status/")
        visitor.fill("input[name=tracking_number]", tracking)
        visitor.fill("input[name=mobile]", "13812345678")
        visitor.click("main form button[type=submit]")
        return visitor.locator("[data-testid=objection-status]")

    expect(status_page()).to_be_visible()

    # 3. Staff handle it; finalising waits for the window's end.
    staff.goto(f"{base}/notices/staff/objections/{objection.pk}/")
    staff.click("form:has(input[name=step][value=assign]) button")
    staff.check("input[name=upheld][value='0']")
    staff.fill("textarea[name=answer]", ANSWER)
    staff.click("form:has(input[name=step][value=conclude]) button")
    expect(staff.locator("[data-testid=objection-state]")).to_contain_text("不成立")
    assert Objection.objects.get(pk=objection.pk).state == ObjectionState.DISMISSED
    expect(status_page()).to_contain_text(ANSWER)

    staff.goto(f"{base}/notices/staff/results/{edition.pk}/")
    expect(staff.locator("[data-testid=finalise-blockers]")).to_be_visible()
    ResultsPublicity.objects.filter(pk=publicity.pk).update(
        starts_at=start - datetime.timedelta(days=30), ends_at=start - datetime.timedelta(minutes=1)
    )
    staff.reload()
    staff.click(f"form[action='/notices/staff/results/{edition.pk}/finalise/'] button")
    expect(staff.locator("[data-testid=finalised]")).to_be_visible()
    best.refresh_from_db()
    assert best.status == ResultStatus.AWARD_CONFIRMED

    # 4. Certificates: a batch, its ZIP, the group's download and the public verification.
    staff.goto(f"{base}/notices/certificates/edition/{edition.pk}/")
    staff.click("[data-testid=certificate-batch-start]")
    expect(staff.locator("[data-testid=certificate-batch]")).to_have_attribute("data-state", "finished")
    with staff.expect_download() as download:
        staff.click("[data-testid=certificate-zip]")
    names = zipfile.ZipFile(download.value.path()).namelist()
    certificate = Certificate.objects.get(application=best)
    assert any(name.startswith(best.number) and name.endswith(".pdf") for name in names), names

    group = new_page(TABLET)
    sign_in(group, base, best.group.leader.email, PASSWORD)
    group.goto(f"{base}/applications/{best.pk}/")
    with group.expect_download() as download:
        group.click("[data-testid=certificate-download]")
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(Path(download.value.path()).read_bytes())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert certificate.number in text and best.title in text
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(pdf), str(SHOTS / "certificate")], check=True)

    def verify(number):
        visitor.goto(f"{base}/notices/certificates/verify/")
        visitor.fill("input[name=number]", number)
        visitor.click("[data-testid=certificate-verify-form] button")
        return visitor.locator("[data-testid=certificate-verify-result]")

    expect(verify(certificate.number)).to_have_attribute("data-state", "valid")
    shoot(visitor, SHOTS, "verify-valid-390")
    forged = certificate.number[:-1] + ("A" if certificate.number[-1] != "A" else "B")
    expect(verify(forged)).not_to_have_attribute("data-state", "valid")

    staff.goto(f"{base}/notices/staff/results/{edition.pk}/application/{best.pk}/revoke/")
    staff.fill("textarea[name=reason]", "经举报核实，成果数据存在造假。")
    staff.click("main form button[type=submit]")
    expect(verify(certificate.number)).to_have_attribute("data-state", "revoked")
    visitor.goto(f"{base}/notices/results/{edition.pk}/final/")
    expect(visitor.locator("main")).to_contain_text("经举报核实")

    # 5. The public pages at three widths.
    for viewport in VIEWPORTS:
        page = new_page(viewport)
        for name, path in (
            ("results-index", "/notices/results/"),
            ("final", f"/notices/results/{edition.pk}/final/"),
            ("notices", "/notices/"),
            ("verify", f"/notices/certificates/verify/?number={certificate.number}"),
        ):
            page.goto(f"{base}{path}")
            shoot(page, SHOTS, f"{name}-{viewport['width']}")
    assert not staff.js_errors and not visitor.js_errors and not group.js_errors, (
        staff.js_errors + visitor.js_errors + group.js_errors
    )
