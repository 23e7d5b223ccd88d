"""The application form in the browser: a live character counter under texts with a limit, and a text that is
too long refused on save with the message next to its field (and nothing typed lost)."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Application
from tests.e2e.conftest import screenshot
from tests.factories.applications import draft_application, eligible_group
from tests.factories.awards import ProgrammeFactory, open_edition

from .test_applicant_channel import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_character_counter_and_too_long_text_refused_next_to_the_field(page, live_server):
    base = live_server.url
    edition = open_edition(programme=ProgrammeFactory(code="QC", name="上海市质量管理小组活动成果"))
    application = draft_application(edition=edition, group=eligible_group())
    saved_summary = application.answers["summary"]

    sign_in(page, base, application.created_by.email)
    page.goto(f"{base}/applications/{application.pk}/edit/")
    summary = page.locator("textarea[name=q_summary]")
    counter = page.locator("[data-char-counter=q_summary]")
    expect(counter).to_have_text(f"{len(saved_summary)} / 800 characters")

    # The counter follows the typing, line breaks counting one character as on the server.
    summary.fill("质量" * 5 + "\n" + "改进")
    expect(counter).to_have_text("13 / 800 characters")
    expect(counter).not_to_have_class(re.compile(r"text-danger"))

    # 1,200 characters pasted: nothing is cut, the counter warns.
    summary.fill("质" * 1200)
    expect(counter).to_have_text("1200 / 800 characters: 400 too many")
    expect(counter).to_have_class(re.compile(r"text-danger"))
    assert len(summary.input_value()) == 1200

    page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(rf".*/applications/{application.pk}/edit/$"))
    summary = page.locator("textarea[name=q_summary]")
    expect(summary).to_have_class(re.compile(r"is-invalid"))
    # The message stands in the summary's own form group, right under the field.
    group = page.locator("div.mb-3", has=summary).last
    expect(group).to_contain_text("At most 800 characters: this answer has 1200, 400 too many.")
    expect(group.locator(".invalid-feedback")).to_be_visible()
    expect(summary).to_have_value("质" * 1200)  # kept on the page to be shortened
    expect(page.locator("[data-char-counter=q_summary]")).to_have_text("1200 / 800 characters: 400 too many")
    screenshot(page, "answer-limits-too-long")
    application.refresh_from_db()
    assert application.answers["summary"] == saved_summary

    # Shortened to the limit, it saves.
    page.locator("textarea[name=q_summary]").fill("质" * 800)
    expect(page.locator("[data-char-counter=q_summary]")).to_have_text("800 / 800 characters")
    page.get_by_test_id("save").click()
    expect(page.locator(".alert-success, [role=alert]").first).to_be_visible()
    assert Application.objects.get(pk=application.pk).answers["summary"] == "质" * 800
    # The first save was tried in place and refused (400), then sent the ordinary way to draw the errors.
    assert [e for e in page.js_errors if not (e.startswith("HTTP 400 ") and e.endswith("/edit/"))] == []
