"""The applicant's pages: create, edit in several sittings, preview, submit; and the dashboard panels."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.enums import Status
from applications.models import Application, CoApplicant
from applications.services import application_save_draft
from awards.enums import ProgrammeKind
from documents.models import Document
from tests.factories import UnitFactory, unit_contact
from tests.factories.applications import draft_application
from tests.factories.awards import open_edition

from .conftest import client_for, messages_of

pytestmark = [pytest.mark.django_db, pytest.mark.unit]


def _form_data(application, **overrides) -> dict:
    """What the edit page posts when nothing is changed."""
    data = {
        "revision": application.revision,
        "title": application.title,
        "category": application.subtype_id or application.category_id,
    }
    for code, value in application.answers.items():
        if isinstance(value, list):
            for i, row in enumerate(value):
                for column, cell in row.items():
                    data[f"q_{code}-{i}-{column}"] = cell
        else:
            data[f"q_{code}"] = "" if value is None else value
    data.update(overrides)
    return data


# --- Dashboard panel and create --------------------------------------------------------------------------------


def test_group_panel_lists_open_edition_with_countdown_and_applications(edition, group, leader_client):
    application = draft_application(edition=edition, group=group, complete=False)

    page = leader_client.get(reverse("accounts:group_dashboard", args=[group.pk])).content.decode()

    deadline = timezone.localtime(edition.application_phase.ends_at)
    assert 'data-testid="applications-panel"' in page
    assert f'data-deadline="{deadline.isoformat()}"' in page
    assert f"{deadline:%Y-%m-%d} 22:00" in page
    assert reverse("applications:detail", args=[application.pk]) in page
    assert "You have an application in this edition." in page


def test_group_panel_offers_apply_link(edition, group, leader_client):
    page = leader_client.get(reverse("accounts:group_dashboard", args=[group.pk])).content.decode()
    assert f"{reverse('applications:create_for_group', args=[group.pk])}?edition={edition.pk}" in page


def test_create_draft_from_chosen_edition(edition, group, leader_client):
    url = reverse("applications:create_for_group", args=[group.pk])
    subtype = edition.categories.get(code="problem_solving_onsite")

    page = leader_client.get(url, {"edition": edition.pk}).content.decode()
    response = leader_client.post(url, {"edition": edition.pk, "category": subtype.pk, "title": " 降低车削尺寸超差率 "})

    assert "Problem-solving · On-site" in page
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:edit", args=[application.pk])
    assert (application.status, application.title, application.category.code, application.subtype) == (
        Status.DRAFT,
        "降低车削尺寸超差率",
        "problem_solving",
        subtype,
    )
    assert len(application.answers["members"]) == 6


def test_create_lists_open_editions_when_none_chosen(edition, group, leader_client):
    page = leader_client.get(reverse("applications:create_for_group", args=[group.pk])).content.decode()
    assert 'data-testid="edition-choice"' in page and edition.title in page


def test_create_for_a_group_one_does_not_lead_is_refused(edition, group, contact):
    response = client_for(contact).get(reverse("applications:create_for_group", args=[group.pk]))
    assert response.status_code == 403


def test_unit_creates_application_for_unit_programme():
    edition = open_edition(ProgrammeKind.TECHNOLOGY_AWARD)
    unit = UnitFactory()
    contact = unit_contact(unit)
    client = client_for(contact)

    page = client.get(reverse("accounts:unit_dashboard", args=[unit.pk])).content.decode()
    response = client.post(
        reverse("applications:create_for_unit", args=[unit.pk]),
        {"edition": edition.pk, "category": edition.categories.get(code="manufacturing").pk, "title": "质量技术创新"},
    )

    assert f"{reverse('applications:create_for_unit', args=[unit.pk])}?edition={edition.pk}" in page
    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.unit, application.group, application.created_by) == (unit, None, contact)


# --- Edit ---------------------------------------------------------------------------------------------------------


def test_edit_saves_draft_without_required_fields(edition, group, leader_client):
    application = draft_application(edition=edition, group=group, complete=False)
    url = reverse("applications:edit", args=[application.pk])

    response = leader_client.post(url, _form_data(application, q_summary="先写一部分", q_direct_benefit="12.50"))

    assert response.status_code == 302
    deadline = timezone.localtime(edition.application_phase.ends_at)
    assert messages_of(response) == [
        f"Saved. You can come back and change it until {deadline:%Y-%m-%d} 22:00 (Beijing time)."
    ]
    application.refresh_from_db()
    assert application.answers["summary"] == "先写一部分"
    assert application.answers["direct_benefit"] == "12.5"
    assert application.answers["contact_name"] == ""
    assert application.revision == 2


def test_edit_member_table_rows_and_dates(draft, leader_client):
    data = _form_data(draft, q_activity_start="2026-02-01")
    data.update({"q_members-6-name": "新成员", "q_members-6-job_title": "技术员", "q_members-6-role_in_group": "记录"})
    data.update({"q_members-0-name": "", "q_members-0-job_title": "", "q_members-0-role_in_group": ""})

    assert leader_client.post(reverse("applications:edit", args=[draft.pk]), data).status_code == 302

    draft.refresh_from_db()
    assert len(draft.answers["members"]) == 6
    assert draft.answers["members"][-1] == {"name": "新成员", "job_title": "技术员", "role_in_group": "记录"}
    assert draft.answers["activity_start"] == "2026-02-01"


def test_edit_validation_error_keeps_everything_typed(draft, leader_client):
    typed = "我们写了很长的一段成果简介，不能丢失。"
    data = _form_data(draft, q_summary=typed, q_direct_benefit="十二万", q_activity_end="2026-13-45")

    response = leader_client.post(reverse("applications:edit", args=[draft.pk]), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Not saved: correct the marked fields. Everything you typed is still in the form below." in page
    assert typed in page and 'value="十二万"' in page and 'value="2026-13-45"' in page
    draft.refresh_from_db()
    assert draft.answers["summary"] != typed


def _someone_else_saves(draft, leader):
    """Another member of the group saves the application between this page's load and its save."""
    application_save_draft(
        actor=leader,
        application=draft,
        revision=draft.revision,
        title=draft.title,
        category=draft.category,
        subtype=None,
        answers={"summary": "另一位成员的版本"},
    )


def test_edit_stale_revision_is_refused_and_input_kept(draft, leader_client, leader):
    form = _form_data(draft)
    _someone_else_saves(draft, leader)
    typed = "我在旧页面上输入的成果简介"

    response = leader_client.post(reverse("applications:edit", args=[draft.pk]), {**form, "q_summary": typed})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this application at" in page
    assert typed in page
    assert f'name="revision" value="{draft.revision + 1}"' in page  # saving again is now a knowing overwrite
    draft.refresh_from_db()
    assert draft.answers["summary"] == "另一位成员的版本"

    again = leader_client.post(
        reverse("applications:edit", args=[draft.pk]), {**form, "revision": draft.revision, "q_summary": typed}
    )
    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.answers["summary"] == typed


def _save_in_place(client, application, data):
    """What static/js/applications.js sends for "Save draft": the form with next=edit and X-Save-In-Place."""
    url = reverse("applications:edit", args=[application.pk])
    return client.post(url, {**data, "next": "edit"}, HTTP_X_SAVE_IN_PLACE="1")


def test_save_in_place_answers_the_new_revision_and_queues_no_message(edition, group, leader_client):
    application = draft_application(edition=edition, group=group, complete=False)

    first = _save_in_place(leader_client, application, _form_data(application, q_summary="第一次保存"))
    second = _save_in_place(
        leader_client, application, _form_data(application, revision=first.json()["revision"], q_summary="第二次")
    )

    deadline = timezone.localtime(edition.application_phase.ends_at)
    assert first.status_code == 200 and second.status_code == 200
    assert first.json() == {
        "ok": True,
        "revision": 2,
        "message": f"Saved. You can come back and change it until {deadline:%Y-%m-%d} 22:00 (Beijing time).",
    }
    assert second.json()["revision"] == 3
    assert messages_of(second) == []  # the next page shown is not greeted by a stale "Saved."
    application.refresh_from_db()
    assert (application.answers["summary"], application.revision) == ("第二次", 3)


def test_save_in_place_refusals_answer_4xx_and_write_nothing(draft, leader_client, leader):
    invalid = _save_in_place(leader_client, draft, _form_data(draft, q_activity_end="2026-13-45"))
    form = _form_data(draft)
    _someone_else_saves(draft, leader)
    stale = _save_in_place(leader_client, draft, {**form, "q_summary": "旧页面上的版本"})

    assert (invalid.status_code, invalid.json()["code"]) == (400, "invalid")
    assert invalid.json()["message"].startswith("Not saved: correct the marked fields.")
    assert (stale.status_code, stale.json()["code"]) == (409, "stale")
    assert "Someone else saved this application at" in stale.json()["message"]
    draft.refresh_from_db()
    assert draft.answers["summary"] == "另一位成员的版本"


def test_other_buttons_and_plain_posts_still_redirect(draft, leader_client):
    url = reverse("applications:edit", args=[draft.pk])
    onward = leader_client.post(url, {**_form_data(draft), "next": "attachments"}, HTTP_X_SAVE_IN_PLACE="1")
    draft.refresh_from_db()
    plain = leader_client.post(url, {**_form_data(draft), "next": "edit"})

    assert onward.status_code == 302 and onward["Location"] == reverse("applications:attachments", args=[draft.pk])
    assert plain.status_code == 302 and plain["Location"] == url


# --- Co-applicants -------------------------------------------------------------------------------------------------


def test_co_applicants_for_tackling_projects():
    edition = open_edition(ProgrammeKind.TACKLING)
    partner = UnitFactory()
    application = draft_application(edition=edition, category="chain_collaboration", complete=False)
    client = client_for(application.created_by)
    url = reverse("applications:co_applicants", args=[application.pk])
    data = {
        "co-TOTAL_FORMS": "2",
        "co-INITIAL_FORMS": "0",
        "co-0-organisation_name": "上海交通大学",
        "co-0-role": "技术支撑",
        "co-0-contact_name": "王教授",
        "co-0-contact_phone": "021-34200000",
        "co-0-unit_credit_code": "",
        "co-1-organisation_name": partner.name,
        "co-1-contact_name": "赵工",
        "co-1-contact_phone": "13900000000",
        "co-1-unit_credit_code": partner.credit_code.lower(),
    }

    assert client.get(url).status_code == 200
    response = client.post(url, data)

    assert response.status_code == 302
    assert list(CoApplicant.objects.values_list("organisation_name", "unit", "contact_name", "position")) == [
        ("上海交通大学", None, "王教授", 0),
        (partner.name, partner.pk, "赵工", 1),
    ]


def test_co_applicants_page_absent_for_qc(draft, leader_client):
    assert leader_client.get(reverse("applications:co_applicants", args=[draft.pk])).status_code == 404


# --- Preview and submit --------------------------------------------------------------------------------------------


def test_preview_request_builds_and_offers_download(draft, leader_client, django_capture_on_commit_callbacks):
    detail = leader_client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    request_url = reverse("documents:request", args=["application_form", draft.pk])
    assert request_url in detail

    with django_capture_on_commit_callbacks(execute=True):  # the build is queued on commit (eager Celery here)
        requested = leader_client.post(request_url, HTTP_HX_REQUEST="true")
    document = Document.objects.get()
    status = leader_client.get(reverse("documents:status", args=[document.pk]), HTTP_HX_REQUEST="true")

    assert 'data-status="pending"' in requested.content.decode()  # the partial then polls every 2 s
    page = status.content.decode()
    assert 'data-status="ready"' in page and 'data-testid="document-download"' in page
    assert "草稿-申报表.pdf" in page
    download = leader_client.get(reverse("documents:download", args=[document.pk]))
    assert b"".join(download.streaming_content)[:5] == b"%PDF-"


def test_preview_offers_rebuild_after_the_draft_changed(
    draft, leader_client, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        leader_client.post(reverse("documents:request", args=["application_form", draft.pk]))
    assert Document.objects.get().is_ready
    application_save_draft(
        actor=leader,
        application=draft,
        revision=draft.revision,
        title="新课题",
        category=draft.category,
        subtype=None,
        answers={},
    )
    detail = leader_client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert 'data-testid="document-request"' in detail
    assert 'data-testid="document-download"' not in detail


def test_submit_page_lists_problems_and_refuses(edition, group, leader_client):
    application = draft_application(edition=edition, group=group, complete=False)
    url = reverse("applications:submit", args=[application.pk])

    page = leader_client.get(url).content.decode()
    response = leader_client.post(url, {"confirm": "on"})

    assert "Answer “Summary of the achievement”." in page
    assert response.status_code == 200
    assert "Complete these points first:" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_submit_view_gives_number_and_second_click_is_harmless(draft, leader_client, contact, mailoutbox):
    url = reverse("applications:submit", args=[draft.pk])
    with_capture = leader_client.post(url, {"confirm": "on"})
    again = leader_client.post(url, {"confirm": "on"})

    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert messages_of(with_capture) == [f"Submitted to your unit. The application number is {draft.number}."]
    assert (again.status_code, again["Location"]) == (302, reverse("applications:detail", args=[draft.pk]))
    assert messages_of(again)[-1] == f"This application was submitted; its number is {draft.number}."
    assert draft.events.filter(action="submit").count() == 1


def test_submit_needs_confirmation(draft, leader_client):
    response = leader_client.post(reverse("applications:submit", args=[draft.pk]), {})
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_detail_shows_timeline_problems_and_deadline(edition, group, leader_client, staff):
    application = draft_application(edition=edition, group=group, complete=False)
    from applications.services import application_extend_deadline

    until = edition.application_phase.ends_at + datetime.timedelta(days=2)
    application_extend_deadline(actor=staff, application=application, until=until, reason="特殊情况")

    page = leader_client.get(reverse("applications:detail", args=[application.pk])).content.decode()

    assert 'data-testid="timeline"' in page
    assert "Created" in page and group.leader.full_name in page
    assert "Deadline extended for this application" in page and "特殊情况" in page
    assert "Upload “Achievement report (PDF)”." in page
    assert f"{timezone.localtime(until):%Y-%m-%d %H:%M}" in page
    assert 'data-testid="extended-until"' in page


def test_file_question_is_answered_by_the_attachment_of_its_code(edition, group, leader_client):
    from applications.services import application_problems, attachment_upload
    from awards.enums import QuestionKind
    from awards.models import AttachmentRequirement, Question
    from tests.factories.applications import pdf_bytes, upload

    Question.objects.create(
        edition=edition, code="certificate", label="小组注册证书", kind=QuestionKind.FILE, position=99
    )
    requirement = AttachmentRequirement.objects.create(
        edition=edition, code="certificate", name="小组注册证书", required=False, allowed_types=["application/pdf"]
    )
    application = draft_application(edition=edition, group=group)
    assert application_problems(application) == ["Answer “小组注册证书”."]
    edit = leader_client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert reverse("applications:attachments", args=[application.pk]) in edit
    assert 'name="q_certificate"' not in edit

    attachment_upload(
        actor=group.leader,
        application=application,
        requirement=requirement,
        uploaded_file=upload("证书.pdf", pdf_bytes()),
    )

    application = Application.objects.get(pk=application.pk)
    assert application_problems(application) == []
    detail = leader_client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "证书.pdf" in detail


def test_staff_dashboard_panel_links_open_editions(edition, staff):
    page = client_for(staff).get(reverse("accounts:staff_dashboard")).content.decode()
    assert f"{reverse('applications:staff_list')}?edition={edition.pk}" in page
    assert edition.title in page
