"""The inbox (every signed-in person) and the staff pages for the wording of notices."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.enums import Action
from core.models import AuditEntry
from notifications.models import LanguagePreference, MailTemplate, PortalMessage
from tests.factories import UserFactory, staff_user, unit_contact
from tests.factories.awards import ProgrammeFactory
from tests.helpers import client_for, messages_of

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

# The inbox's queries whatever the number of rows: session, user, memberships, the page's count and rows, the
# notice language.
INBOX_BUDGET = 6


def message(recipient, subject="Application QC-2026-0001 submitted: 降低焊接返工率", **fields):
    return PortalMessage.objects.create(
        recipient=recipient,
        event=fields.pop("event", Action.SUBMIT),
        language="en",
        subject=subject,
        body=fields.pop("body", "Dear 张三,\n\nSubmitted.\n<b>not bold</b>"),
        link=fields.pop("link", "/applications/1/"),
        **fields,
    )


@pytest.fixture
def person():
    return unit_contact(email="me@unit.test", full_name="张三")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_inbox_lists_own_messages_with_constant_queries(person, django_assert_max_num_queries):
    client = client_for(person)
    url = reverse("notifications:inbox")
    message(person, subject="第一条")
    client.get(url)
    at_one = count_queries(client, url)
    for n in range(3):
        message(person, subject=f"更多{n}")
    message(UserFactory(), subject="别人的")

    with django_assert_max_num_queries(INBOX_BUDGET):
        response = client.get(url)

    assert count_queries(client, url) == at_one
    assert [m.subject for m in response.context["page"]] == ["更多2", "更多1", "更多0", "第一条"]
    assert "别人的" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_another_users_message_is_not_found(person):
    others = message(UserFactory())

    response = client_for(person).get(reverse("notifications:message_detail", args=[others.pk]))

    assert response.status_code == 404
    others.refresh_from_db()
    assert others.read_at is None


def test_opening_a_message_marks_it_read_and_shows_plain_text(person):
    mine = message(person)
    client = client_for(person)

    response = client.get(reverse("notifications:message_detail", args=[mine.pk]))

    mine.refresh_from_db()
    assert mine.read_at is not None
    body = response.content.decode()
    assert "Dear 张三,<br><br>Submitted.<br>&lt;b&gt;not bold&lt;/b&gt;" in body
    assert 'href="/applications/1/"' in body


def test_badge_counts_unread_messages(person):
    message(person)
    message(person)
    message(person, read_at="2026-01-01T00:00:00+08:00")
    message(UserFactory())

    response = client_for(person).get(reverse("notifications:badge"))

    assert response.context["unread"] == 2
    assert '<span class="badge rounded-pill text-bg-warning" data-testid="unread-count">2</span>' in (
        response.content.decode()
    )


def test_badge_is_empty_without_unread_messages(person):
    response = client_for(person).get(reverse("notifications:badge"))

    assert response.content.decode().strip() == ""


def test_navbar_loads_the_badge_without_a_query(person):
    client = client_for(person)
    url = reverse("home")
    client.get(url)
    before = count_queries(client, url)
    for _ in range(3):
        message(person)

    response = client.get(url)

    assert count_queries(client, url) == before
    assert f'hx-get="{reverse("notifications:badge")}" hx-trigger="load"' in response.content.decode()


def test_mark_all_read_marks_only_own_messages(person):
    message(person)
    message(person)
    others = message(UserFactory())

    response = client_for(person).post(reverse("notifications:mark_all_read"))

    assert messages_of(response) == ["2 message(s) marked as read."]
    assert PortalMessage.objects.filter(recipient=person, read_at__isnull=True).count() == 0
    others.refresh_from_db()
    assert others.read_at is None


def test_language_preference_is_saved(person):
    response = client_for(person).post(reverse("notifications:language"), {"language": "en"})

    assert messages_of(response) == ["Notices will be written in English."]
    assert LanguagePreference.objects.get(user=person).language == "en"


def test_unknown_language_is_refused(person):
    response = client_for(person).post(reverse("notifications:language"), {"language": "fr"})

    assert messages_of(response) == ["Choose Chinese or English."]
    assert not LanguagePreference.objects.exists()


# --- Staff: wording of notices ----------------------------------------------------------------------------------


@pytest.fixture
def staff():
    return staff_user()


@pytest.fixture
def programme():
    return ProgrammeFactory()


def edit_url(programme, event=Action.UNIT_RETURN):
    return reverse("notifications:template_edit", args=[programme.pk, event])


FORM = {
    "subject_zh": "{application_number} 被退回",
    "body_zh": "{recipient}，您的申报“{title}”被{unit}退回：{reason}{link}",
    "subject_en": "{application_number} returned",
    "body_en": "{recipient}, “{title}” was returned by {unit}: {reason} {link}",
}


def test_template_list_shows_default_and_own_wording(staff, programme):
    MailTemplate.objects.create(
        programme=programme, event=Action.SUBMIT, subject_zh="自定义", body_zh="x", subject_en="own", body_en="x"
    )

    response = client_for(staff).get(reverse("notifications:template_list", args=[programme.pk]))

    rows = {row.event: (row.wording.subject_zh, row.is_custom) for row in response.context["rows"]}
    assert rows[Action.SUBMIT] == ("自定义", True)
    assert rows[Action.UNIT_RETURN] == ("申报被单位退回修改：{application_number} {title}", False)
    assert len(rows) == len(Action)


def test_edit_form_starts_from_the_default_wording(staff, programme):
    response = client_for(staff).get(edit_url(programme))

    assert response.context["form"].initial["subject_en"] == (
        "Application returned by the unit: {application_number} {title}"
    )


def test_preview_renders_sample_data_in_both_languages_without_saving(staff, programme):
    response = client_for(staff).post(edit_url(programme), {**FORM, "action": "preview"})

    assert response.status_code == 200
    assert [(language, subject) for language, subject, _body in response.context["previews"]] == [
        ("简体中文", "QC-2026-0001 被退回"),
        ("English", "QC-2026-0001 returned"),
    ]
    assert response.context["previews"][1][2] == (
        "Zhang San, “降低焊接返工率” was returned by 上海示例制造有限公司: Please add the baseline survey data. "
        "http://127.0.0.1:8000/applications/1/"
    )
    assert not MailTemplate.objects.exists()


def test_save_stores_the_wording_and_audits_it(staff, programme):
    response = client_for(staff).post(edit_url(programme), {**FORM, "action": "save"})

    assert response["Location"] == reverse("notifications:template_list", args=[programme.pk])
    template = MailTemplate.objects.get(programme=programme, event=Action.UNIT_RETURN)
    assert (template.subject_en, template.body_zh, template.updated_by) == (
        FORM["subject_en"],
        FORM["body_zh"],
        staff,
    )
    assert AuditEntry.objects.filter(action="notifications.template_saved", actor=staff).count() == 1


def test_unknown_placeholder_is_refused_naming_it(staff, programme):
    data = {**FORM, "subject_en": "{application_no} returned {titel}", "action": "save"}

    response = client_for(staff).post(edit_url(programme), data)

    assert response.status_code == 200
    assert response.context["form"].errors["subject_en"] == [
        "Unknown placeholders: {application_no}、{titel}. Use only the placeholders listed beside the form."
    ]
    assert not MailTemplate.objects.exists()
    # What was typed stays in the form.
    assert "{application_no} returned {titel}" in response.content.decode()


def test_unknown_placeholder_is_refused_by_the_service(staff, programme):
    from core.exceptions import BusinessRuleError
    from notifications.services import mail_template_save

    with pytest.raises(BusinessRuleError) as error:
        mail_template_save(actor=staff, programme=programme, event=Action.SUBMIT, data={**FORM, "body_zh": "{number}"})

    assert str(error.value) == ("Unknown placeholders: {number}. Use only the placeholders listed beside the form.")


def test_reset_brings_the_default_back(staff, programme):
    MailTemplate.objects.create(
        programme=programme, event=Action.UNIT_RETURN, subject_zh="x", body_zh="x", subject_en="x", body_en="x"
    )

    response = client_for(staff).post(reverse("notifications:template_reset", args=[programme.pk, "unit_return"]))

    assert messages_of(response) == ["The default wording applies again."]
    assert not MailTemplate.objects.exists()
    assert AuditEntry.objects.filter(action="notifications.template_reset").count() == 1


def test_unknown_event_is_not_found(staff, programme):
    response = client_for(staff).get(edit_url(programme, event="explode"))

    assert response.status_code == 404


def test_template_pages_are_for_staff_only(person, programme):
    response = client_for(person).post(edit_url(programme), {**FORM, "action": "save"})

    assert response.status_code == 403
    assert not MailTemplate.objects.exists()
