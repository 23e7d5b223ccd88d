"""After the application window closes, a draft (and a returned application) is read-only unless it has an
extension: saving, uploading and co-applicants are refused to the second, in Beijing time, with a clear message."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from applications.enums import Action, Status
from applications.forms import CoApplicantFormSet
from applications.models import Application, Attachment, CoApplicant
from applications.services import (
    application_extend_deadline,
    application_open_for_changes,
    application_save_draft,
    application_submit,
    application_transition,
    attachment_upload,
    co_applicants_save,
)
from awards.enums import ProgrammeKind
from core.exceptions import BusinessRuleError
from tests.factories import staff_user, unit_contact
from tests.factories.applications import draft_application, eligible_group, pdf_bytes, upload
from tests.factories.awards import EditionFactory, ProgrammeFactory

from .conftest import client_for, messages_of

pytestmark = [pytest.mark.django_db, pytest.mark.unit]

SHANGHAI = ZoneInfo("Asia/Shanghai")
MADE = datetime.datetime(2026, 7, 10, 10, 0, tzinfo=SHANGHAI)
LAST_SECOND = datetime.datetime(2026, 7, 12, 21, 59, 59, tzinfo=SHANGHAI)
CLOSED = datetime.datetime(2026, 7, 12, 22, 0, 0, tzinfo=SHANGHAI)
CLOSED_MESSAGE = (
    "The application window closed at 2026-07-12 22:00 (Beijing time); this application can no longer be changed. "
    "Contact the secretariat if you believe an extension is justified."
)


@pytest.fixture
def draft():
    """A complete draft made on 10 July 2026 in an edition whose window closes 12 July 22:00 Beijing time."""
    with time_machine.travel(MADE, tick=False):
        edition = EditionFactory(programme=ProgrammeFactory(code="QC"), year=2026)
        return draft_application(edition=edition, group=eligible_group())


def _save(application, now=None, summary="补充的成果简介"):
    application = Application.objects.get(pk=application.pk)
    return application_save_draft(
        actor=application.created_by,
        application=application,
        revision=application.revision,
        title=application.title,
        category=application.category,
        subtype=application.subtype,
        answers={"summary": summary},
        now=now,
    )


def _report_requirement(application):
    return application.edition.attachment_requirements.filter(allowed_types__contains=["application/pdf"]).first()


def _upload(application, text="新版成果报告"):
    return attachment_upload(
        actor=application.created_by,
        application=application,
        requirement=_report_requirement(application),
        uploaded_file=upload("成果报告.pdf", pdf_bytes(text=text)),
    )


# --- Services: to the second -----------------------------------------------------------------------------------


def test_save_at_215959_beijing_is_accepted(draft):
    with time_machine.travel(LAST_SECOND, tick=False):
        saved = _save(draft)

    assert saved.answers["summary"] == "补充的成果简介"


def test_save_at_220000_beijing_is_refused_and_nothing_changes(draft):
    before = Application.objects.get(pk=draft.pk)
    with time_machine.travel(CLOSED, tick=False):
        with pytest.raises(BusinessRuleError) as error:
            _save(draft)

    assert (error.value.code, str(error.value)) == ("late", CLOSED_MESSAGE)
    after = Application.objects.get(pk=draft.pk)
    assert (after.answers, after.revision) == (before.answers, before.revision)


def test_upload_at_215959_beijing_is_accepted(draft):
    with time_machine.travel(LAST_SECOND, tick=False):
        attachment = _upload(draft)

    assert attachment.is_current
    assert attachment.created_at == LAST_SECOND


def test_upload_or_replacement_at_220000_beijing_is_refused(draft):
    current = Attachment.objects.get(application=draft, requirement=_report_requirement(draft), is_current=True)
    with time_machine.travel(CLOSED, tick=False):
        with pytest.raises(BusinessRuleError) as error:
            _upload(draft)

    assert (error.value.code, str(error.value)) == ("late", CLOSED_MESSAGE)
    assert list(Attachment.objects.filter(application=draft, requirement=current.requirement)) == [current]
    current.refresh_from_db()
    assert current.is_current


def test_co_applicants_after_the_deadline_are_refused():
    with time_machine.travel(MADE, tick=False):
        edition = EditionFactory(programme=ProgrammeFactory(code="GG", kind=ProgrammeKind.TACKLING), year=2026)
        application = draft_application(edition=edition, category="chain_collaboration", complete=False)
    formset = CoApplicantFormSet(
        {
            "co-TOTAL_FORMS": "1",
            "co-INITIAL_FORMS": "0",
            "co-0-organisation_name": "上海交通大学",
            "co-0-contact_name": "王教授",
            "co-0-contact_phone": "021-34200000",
            "co-0-unit_credit_code": "",
        },
        queryset=CoApplicant.objects.none(),
        prefix="co",
    )
    assert formset.is_valid(), formset.errors

    with time_machine.travel(CLOSED, tick=False):
        with pytest.raises(BusinessRuleError) as error:
            co_applicants_save(actor=application.created_by, application=application, formset=formset)

    assert str(error.value) == CLOSED_MESSAGE
    assert not CoApplicant.objects.exists()


def test_an_extension_reopens_changes_for_that_application_only(draft):
    with time_machine.travel(MADE, tick=False):
        other = draft_application(edition=draft.edition, group=eligible_group())
    application_extend_deadline(
        actor=staff_user(),
        application=draft,
        until=datetime.datetime(2026, 7, 14, 12, 0, tzinfo=SHANGHAI),
        reason="系统故障，补交",
    )

    with time_machine.travel(datetime.datetime(2026, 7, 14, 11, 59, 59, tzinfo=SHANGHAI), tick=False):
        assert _save(draft).answers["summary"] == "补充的成果简介"
        assert _upload(draft).is_current
        with pytest.raises(BusinessRuleError, match="closed at 2026-07-12 22:00"):
            _save(other)
    with time_machine.travel(datetime.datetime(2026, 7, 14, 12, 0, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(BusinessRuleError) as error:
            _save(draft, summary="再改一次")
    assert str(error.value).startswith("The application window closed at 2026-07-14 12:00 (Beijing time)")


def test_a_returned_application_is_read_only_once_the_deadline_passed(draft):
    with time_machine.travel(LAST_SECOND - datetime.timedelta(hours=1), tick=False):
        submitted = application_submit(actor=draft.created_by, application=draft)
    returned = application_transition(
        application=submitted, action=Action.UNIT_RETURN, actor=unit_contact(draft.unit), note="补充数据"
    ).application
    assert returned.status == Status.RETURNED_TO_GROUP

    with time_machine.travel(CLOSED + datetime.timedelta(days=1), tick=False):
        with pytest.raises(BusinessRuleError, match="can no longer be changed"):
            _save(returned)
        assert not draft.created_by.has_perm("applications.change_application", returned)


def test_open_for_changes_uses_the_one_deadline(draft):
    assert application_open_for_changes(draft, now=LAST_SECOND) is True
    assert application_open_for_changes(draft, now=CLOSED) is False


# --- Permission: the edit buttons go away ------------------------------------------------------------------------


def test_change_permission_ends_at_the_deadline(draft):
    leader = draft.created_by
    with time_machine.travel(LAST_SECOND, tick=False):
        assert leader.has_perm("applications.change_application", draft)
    with time_machine.travel(CLOSED, tick=False):
        assert not leader.has_perm("applications.change_application", draft)
        assert leader.has_perm("applications.submit_application", draft)  # the submit page says it closed


def test_overview_after_the_deadline_has_no_edit_buttons_and_says_why(draft):
    client = client_for(draft.created_by)
    url = reverse("applications:detail", args=[draft.pk])
    with time_machine.travel(LAST_SECOND, tick=False):
        before = client.get(url).content.decode()
    with time_machine.travel(CLOSED, tick=False):
        after = client.get(url).content.decode()

    edit_url = reverse("applications:edit", args=[draft.pk])
    assert f'href="{edit_url}"' in before
    assert 'data-testid="closed-notice"' not in before
    assert f'href="{edit_url}"' not in after
    assert 'data-testid="closed-notice"' in after
    assert CLOSED_MESSAGE in after


def test_attachments_page_after_the_deadline_offers_no_upload(draft):
    client = client_for(draft.created_by)
    url = reverse("applications:attachments", args=[draft.pk])
    with time_machine.travel(LAST_SECOND, tick=False):
        assert client.get(url).context["can_change"] is True
    with time_machine.travel(CLOSED, tick=False):
        assert client.get(url).context["can_change"] is False


# --- Views: a late form keeps what was typed ---------------------------------------------------------------------


def _form_data(application, **overrides):
    from .test_views import _form_data as form_data

    return form_data(application, **overrides)


def test_edit_page_after_the_deadline_leads_to_the_overview(draft):
    client = client_for(draft.created_by)
    with time_machine.travel(CLOSED, tick=False):
        response = client.get(reverse("applications:edit", args=[draft.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[draft.pk])


def test_edit_posted_after_the_deadline_is_refused_and_keeps_the_input(draft):
    client = client_for(draft.created_by)
    data = _form_data(draft, q_summary="截止前一刻写下的简介")
    with time_machine.travel(CLOSED, tick=False):
        response = client.post(reverse("applications:edit", args=[draft.pk]), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert CLOSED_MESSAGE in page
    assert "截止前一刻写下的简介" in page
    assert Application.objects.get(pk=draft.pk).answers["summary"] != "截止前一刻写下的简介"


def test_save_in_place_after_the_deadline_is_refused_with_the_message(draft):
    client = client_for(draft.created_by)
    data = {**_form_data(draft, q_summary="截止后一秒写下的简介"), "next": "edit"}
    with time_machine.travel(CLOSED, tick=False):
        response = client.post(reverse("applications:edit", args=[draft.pk]), data, HTTP_X_SAVE_IN_PLACE="1")

    assert response.status_code == 400
    assert response.json()["message"] == CLOSED_MESSAGE
    assert Application.objects.get(pk=draft.pk).answers["summary"] != "截止后一秒写下的简介"


def test_upload_posted_after_the_deadline_is_refused_with_the_message(draft):
    client = client_for(draft.created_by)
    requirement = _report_requirement(draft)
    with time_machine.travel(CLOSED, tick=False):
        response = client.post(
            reverse("applications:attachments", args=[draft.pk]),
            {"requirement": requirement.pk, "file": upload("成果报告.pdf", pdf_bytes(text="迟到的文件"))},
        )

    assert response.status_code == 200
    assert CLOSED_MESSAGE in response.content.decode()
    assert Attachment.objects.filter(application=draft, requirement=requirement).count() == 1


def test_saved_message_states_the_deadline(draft):
    client = client_for(draft.created_by)
    with time_machine.travel(LAST_SECOND, tick=False):
        response = client.post(reverse("applications:edit", args=[draft.pk]), _form_data(draft))

    assert response.status_code == 302
    assert messages_of(response) == ["Saved. You can come back and change it until 2026-07-12 22:00 (Beijing time)."]


def test_saved_message_states_the_extended_deadline(draft):
    application_extend_deadline(
        actor=staff_user(),
        application=draft,
        until=datetime.datetime(2026, 7, 14, 12, 0, tzinfo=SHANGHAI),
        reason="补交",
    )
    client = client_for(draft.created_by)
    with time_machine.travel(datetime.datetime(2026, 7, 13, 9, 0, tzinfo=SHANGHAI), tick=False):
        response = client.post(reverse("applications:edit", args=[draft.pk]), _form_data(draft))

    assert messages_of(response) == ["Saved. You can come back and change it until 2026-07-14 12:00 (Beijing time)."]
