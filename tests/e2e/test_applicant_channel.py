"""The applicant channel end to end: a QC group leader fills, uploads, previews and submits; a late submission is
refused by the server whatever the page showed."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.enums import Status
from applications.models import Application
from awards.enums import PhaseKind
from awards.models import Phase
from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD
from tests.factories.applications import draft_application, eligible_group, pdf_bytes, png_bytes
from tests.factories.awards import ProgrammeFactory, open_edition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "降低数控车床加工件尺寸超差率"
SUMMARY = "小组针对精车工序外圆尺寸超差问题开展活动，超差率由3.2%降至0.6%。"


@pytest.fixture
def edition():
    return open_edition(programme=ProgrammeFactory(code="QC", name="上海市质量管理小组活动成果"))


def sign_in(page, base, email):
    # Assert against the English message ids whatever the catalogue holds (the browser itself asks for zh-CN).
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/portal/group/\d+/$"))


def test_group_fills_uploads_previews_and_submits(page, live_server, edition, tmp_path):
    base = live_server.url
    group = eligible_group(name="精益求精QC小组")
    page.on("dialog", lambda dialog: dialog.accept())  # the "submit now?" confirmation

    sign_in(page, base, group.leader.email)
    panel = page.get_by_test_id("applications-panel")
    expect(panel.get_by_test_id("countdown")).to_contain_text(re.compile(r"\d+ d \d+ h \d+ min left"))
    screenshot(page, "applicant-01-dashboard")

    # Create: edition chosen from the panel, then category (with sub-type) and topic.
    panel.get_by_test_id("apply-QC").click()
    page.select_option("select[name=category]", label="Problem-solving · On-site")  # the page is in English
    page.fill("input[name=title]", TITLE)
    page.get_by_test_id("create").click()
    expect(page).to_have_url(re.compile(r".*/applications/\d+/edit/$"))
    application = Application.objects.get()

    # Fill the form (the member table comes from the group) and save; then go on to the attachments.
    page.fill("input[name=q_contact_name]", "陈志明")
    page.fill("input[name=q_contact_phone]", "13816000002")
    page.fill("textarea[name=q_summary]", SUMMARY)
    page.fill("textarea[name=q_main_results]", "年节约返工成本约48万元，成果已纳入公司标准。")
    page.fill("textarea[name=q_topic_reason]", "外圆尺寸超差是精车工序的主要质量问题。")
    page.fill("input[name=q_activity_start]", "2025-09-01")
    page.fill("input[name=q_activity_end]", "2026-04-30")
    expect(page.locator("[data-member-row]")).to_have_count(6 + 3)
    page.get_by_role("button", name="Add a row").click()
    expect(page.locator("[data-member-row]")).to_have_count(6 + 4)
    screenshot(page, "applicant-02-form")
    page.get_by_test_id("save-attachments").click()
    expect(page).to_have_url(re.compile(r".*/applications/\d+/attachments/$"))
    application.refresh_from_db()
    assert application.answers["summary"] == SUMMARY
    assert len(application.answers["members"]) == 6

    # Upload the report (PDF) and the stamped scan (PNG).
    report, scan = tmp_path / "成果报告.pdf", tmp_path / "盖章扫描件.png"
    report.write_bytes(pdf_bytes(pages=2))
    scan.write_bytes(png_bytes())
    for code, path in (("report", report), ("stamped_form", scan)):
        form = page.get_by_test_id(f"upload-{code}")
        form.locator("input[type=file]").set_input_files(str(path))
        form.locator("button[type=submit]").click()
        expect(page.get_by_test_id(f"requirement-{code}").get_by_test_id("current-file")).to_contain_text(path.name)
    screenshot(page, "applicant-03-attachments")

    # Preview the application form: requested, built by the (eager) worker, polled until the download shows.
    page.get_by_test_id("tab-submit").click()
    expect(page.get_by_test_id("no-problems")).to_be_visible()
    page.get_by_test_id("application-preview").get_by_role("button").click()
    download_link = page.get_by_test_id("document-download")
    expect(download_link).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        download_link.click()
    pdf = info.value.path().read_bytes()
    assert pdf[:5] == b"%PDF-"
    assert info.value.suggested_filename == "草稿-申报表.pdf"
    screenshot(page, "applicant-04-preview")

    # Submit: confirm, and the number appears.
    page.check("input[name=confirm]")
    page.get_by_test_id("submit-button").click()
    expect(page).to_have_url(f"{base}/applications/{application.pk}/")
    number = f"QC-{edition.year}-0001"
    expect(page.get_by_test_id("application-number")).to_have_text(number)
    expect(page.get_by_test_id("application-status")).to_have_attribute("data-status", "submitted")
    expect(page.get_by_test_id("timeline")).to_contain_text("Submit")
    screenshot(page, "applicant-05-submitted")
    application.refresh_from_db()
    assert (application.status, application.number) == (Status.SUBMITTED, number)
    assert page.js_errors == []


def test_late_submission_is_refused_with_clear_message(page, live_server, edition):
    base = live_server.url
    application = draft_application(edition=edition, group=eligible_group())
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, base, application.created_by.email)
    page.goto(f"{base}/applications/{application.pk}/submit/")
    expect(page.get_by_test_id("no-problems")).to_be_visible()  # the page still shows the window open

    # The window closes while the page is open: a minute ago, as far as the server is concerned.
    closed_at = timezone.now() - datetime.timedelta(minutes=1)
    Phase.objects.filter(edition=edition, kind=PhaseKind.APPLICATION).update(ends_at=closed_at)
    page.check("input[name=confirm]")
    page.get_by_test_id("submit-button").click()

    error = page.get_by_test_id("submit-error")
    expect(error).to_contain_text(
        f"The application window closed at {timezone.localtime(closed_at):%Y-%m-%d %H:%M} (Beijing time); "
        "the submission was not accepted. Your draft is kept."
    )
    screenshot(page, "applicant-06-late")
    application.refresh_from_db()
    assert (application.status, application.number) == (Status.DRAFT, None)
    assert page.js_errors == []


def drafts_in_browser(page) -> list[str]:
    return page.evaluate(
        "() => Object.keys(window.localStorage).filter(function (k) { return k.indexOf('saq-autosave:') === 0; })"
    )


def test_save_draft_saves_in_place_again_and_again(page, live_server, edition, browser):
    """ "Save draft" keeps the applicant where they are on a long form (no reload to the top); each save carries the
    revision the last one gave, so saving twice is not taken for somebody else's edit; a second person's save in
    between is caught, and the page then shows the conflict at the top with the input kept."""
    base = live_server.url
    application = draft_application(edition=edition, group=eligible_group(), complete=False)
    sign_in(page, base, application.created_by.email)
    page.goto(f"{base}/applications/{application.pk}/edit/")
    page.evaluate("window.__sameDocument = true")

    for attempt, text in enumerate(("第一次保存的简介", "第二次保存的简介"), start=2):
        page.fill("textarea[name=q_summary]", text)
        scrolled = page.evaluate(
            "() => { window.scrollTo({top: document.body.scrollHeight / 2, behavior: 'instant'});"
            " return window.scrollY; }"
        )
        assert scrolled > 200  # the form is long enough for "where they are" to mean something
        page.get_by_test_id("save").dblclick()  # a double click: one save (the button sits in the sticky bar)
        expect(page.get_by_test_id("saved-in-place")).to_contain_text("Saved. You can come back and change it")
        expect(page.locator("input[name=revision]")).to_have_value(str(attempt))
        assert page.evaluate("window.__sameDocument") is True
        # The note appearing in the sticky bar may nudge the page by a pixel (scroll anchoring); a reload would not.
        assert abs(page.evaluate("window.scrollY") - scrolled) <= 8
        application.refresh_from_db()
        assert (application.answers["summary"], application.revision) == (text, attempt)
    screenshot(page, "applicant-save-in-place")
    for width, height in ((820, 1180), (390, 844)):  # a tablet and a phone: the note fits in the sticky bar
        page.set_viewport_size({"width": width, "height": height})
        note = page.get_by_test_id("saved-in-place")
        expect(note).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"overflows at {width}"
        page.screenshot(path=str(screenshot(page, f"applicant-save-in-place-{width}")), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("textarea[name=q_summary]", "又改了一点")
    expect(page.get_by_test_id("saved-in-place")).to_have_count(0)  # "Saved." no longer holds

    # A second browser of the same group saves in between: this page's next save is refused, ordinarily drawn.
    other = browser.new_context()
    other_page = other.new_page()
    sign_in(other_page, base, application.created_by.email)
    other_page.goto(f"{base}/applications/{application.pk}/edit/")
    other_page.fill("textarea[name=q_summary]", "另一位成员的版本")
    other_page.get_by_test_id("save").click()
    expect(other_page.get_by_test_id("saved-in-place")).to_be_visible()
    other.close()

    page.fill("textarea[name=q_summary]", "第三次保存的简介")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("Someone else saved this application at")
    expect(page.locator("textarea[name=q_summary]")).to_have_value("第三次保存的简介")
    application.refresh_from_db()
    assert application.answers["summary"] == "另一位成员的版本"
    # The stale save was tried in place and refused (409), then sent the ordinary way to draw the conflict.
    assert [e for e in page.js_errors if not (e.startswith("HTTP 409 ") and e.endswith("/edit/"))] == []


def test_input_survives_an_expired_session(page, live_server, edition):
    """Typed text is kept in the browser: after the session is lost (not signed out) the form offers it back."""
    base = live_server.url
    application = draft_application(edition=edition, group=eligible_group(), complete=False)
    typed = "会话过期前输入的成果简介，不能丢失。"

    sign_in(page, base, application.created_by.email)
    page.goto(f"{base}/applications/{application.pk}/edit/")
    page.fill("textarea[name=q_summary]", typed)
    page.wait_for_timeout(600)  # the form is copied to localStorage 0.4 s after the last keystroke
    page.context.clear_cookies()  # the session expires while the page is open
    page.goto(f"{base}/accounts/login/")

    sign_in(page, base, application.created_by.email)
    page.goto(f"{base}/applications/{application.pk}/edit/")
    expect(page.locator("textarea[name=q_summary]")).to_have_value("")
    notice = page.locator("[data-autosave-notice]")
    expect(notice).to_be_visible()
    notice.get_by_role("button", name="Restore it").click()
    expect(page.locator("textarea[name=q_summary]")).to_have_value(typed)
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("saved-in-place")).to_contain_text("Saved.")
    expect(page.locator("[data-autosave-notice]")).to_be_hidden()
    assert drafts_in_browser(page) == []  # the server has it: nothing left to restore
    application.refresh_from_db()
    assert application.answers["summary"] == typed
    assert page.js_errors == []


def test_signing_out_forgets_the_drafts_kept_in_the_browser(page, live_server, edition):
    """On a shared computer nobody finds the previous person's typing after they signed out."""
    base = live_server.url
    application = draft_application(edition=edition, group=eligible_group(), complete=False)

    sign_in(page, base, application.created_by.email)
    page.goto(f"{base}/applications/{application.pk}/edit/")
    page.fill("textarea[name=q_summary]", "在公共电脑上输入的内容")
    page.wait_for_timeout(600)
    assert len(drafts_in_browser(page)) == 1
    page.click("nav form[action='/accounts/logout/'] button[type=submit]")
    page.wait_for_load_state()

    assert drafts_in_browser(page) == []
    sign_in(page, base, application.created_by.email)
    page.goto(f"{base}/applications/{application.pk}/edit/")
    expect(page.locator("[data-autosave-notice]")).to_be_hidden()
    assert page.js_errors == []


def test_another_person_signing_in_does_not_get_the_previous_drafts(page, live_server, edition):
    base = live_server.url
    application = draft_application(edition=edition, group=eligible_group(), complete=False)
    other = draft_application(edition=edition, group=eligible_group(), complete=False)

    sign_in(page, base, application.created_by.email)
    page.goto(f"{base}/applications/{application.pk}/edit/")
    page.fill("textarea[name=q_summary]", "前一位用户的草稿")
    page.wait_for_timeout(600)
    page.context.clear_cookies()
    sign_in(page, base, other.created_by.email)

    assert drafts_in_browser(page) == []
    assert page.js_errors == []
