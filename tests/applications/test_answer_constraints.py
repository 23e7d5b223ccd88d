"""The questions' constraints on answers: text length, number range, an end date after the start, phone numbers.

Checked when a draft is saved (the message stands next to the field and everything typed stays on the page) and
again at submission, in the same words.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from applications.answers import answers_errors
from applications.forms import CoApplicantForm
from applications.models import Application
from applications.services import application_problems
from awards.enums import ProgrammeKind, QuestionKind
from awards.models import Question

from .test_views import _form_data

pytestmark = [pytest.mark.django_db, pytest.mark.unit]

TOO_LONG = "质" * 1200
LENGTH_MESSAGE = "At most 800 characters: this answer has 1200, 400 too many."
NEGATIVE_MESSAGE = "Enter at least 0."
DATES_MESSAGE = "Cannot be before “Start of the activity” (2026-03-01)."


def _post(client, application, **answers):
    data = _form_data(application, **{f"q_{code}": value for code, value in answers.items()})
    return client.post(reverse("applications:edit", args=[application.pk]), data)


def _field_block(page: str, name: str) -> str:
    """The HTML of a question's form group: from its field to the next question's."""
    start = page.index(f'name="{name}"')
    end = page.find('name="q_', start + len(name) + 7)
    return page[start : end if end != -1 else len(page)]


def test_a_summary_longer_than_its_limit_is_refused_on_save_next_to_the_field(draft, leader_client):
    before = dict(draft.answers)

    response = _post(leader_client, draft, summary=TOO_LONG)

    assert response.status_code == 200
    page = response.content.decode()
    block = _field_block(page, "q_summary")
    assert LENGTH_MESSAGE in block
    assert TOO_LONG in block  # nothing typed is lost
    assert 'data-max-length="800"' in block and "maxlength" not in block  # the browser never cuts a paste
    assert Application.objects.get(pk=draft.pk).answers == before


def test_a_negative_benefit_is_refused_on_save(draft, leader_client):
    response = _post(leader_client, draft, direct_benefit="-5")

    assert NEGATIVE_MESSAGE in _field_block(response.content.decode(), "q_direct_benefit")
    assert Application.objects.get(pk=draft.pk).answers["direct_benefit"] == "48.5"


def test_an_end_before_the_start_is_refused_on_save_at_the_end_date(draft, leader_client):
    response = _post(leader_client, draft, activity_start="2026-03-01", activity_end="2026-02-28")

    page = response.content.decode()
    assert DATES_MESSAGE in _field_block(page, "q_activity_end")
    assert DATES_MESSAGE not in _field_block(page, "q_activity_start")
    assert Application.objects.get(pk=draft.pk).answers["activity_end"] == "2026-05-30"


def test_a_phone_answer_must_be_a_phone_number(draft, leader_client):
    response = _post(leader_client, draft, contact_phone="abc")

    assert "Enter a mainland mobile number such as 13812345678" in _field_block(
        response.content.decode(), "q_contact_phone"
    )


def test_answers_within_the_limits_are_saved(draft, leader_client):
    # 799 characters and a line break (sent as CR LF by browsers, counted as one): exactly 800.
    summary = "质" * 400 + "\r\n" + "量" * 399

    response = _post(
        leader_client,
        draft,
        summary=summary,
        direct_benefit="0",
        activity_start="2026-03-01",
        activity_end="2026-03-01",
        contact_phone="021-62345678转123",
    )

    assert response.status_code == 302
    answers = Application.objects.get(pk=draft.pk).answers
    assert answers["summary"] == "质" * 400 + "\n" + "量" * 399
    assert (answers["direct_benefit"], answers["activity_end"], answers["contact_phone"]) == (
        "0",
        "2026-03-01",
        "021-62345678转123",
    )


def test_the_submit_check_refuses_answers_outside_the_limits(draft):
    # Answers stored before the limits existed (or by any other way in) are caught at submission.
    Application.objects.filter(pk=draft.pk).update(
        answers={
            **draft.answers,
            "summary": TOO_LONG,
            "direct_benefit": "-3",
            "activity_start": "2026-03-01",
            "activity_end": "2026-02-01",
            "contact_phone": "xyz",
        }
    )
    draft.refresh_from_db()

    problems = application_problems(draft)

    assert f"“Summary of the achievement”: {LENGTH_MESSAGE}" in problems
    assert "“Direct economic benefit (10,000 yuan)”: Enter at least 0." in problems
    assert f"“End of the activity”: {DATES_MESSAGE}" in problems
    assert any(p.startswith("“Contact phone”: Enter a mainland mobile number") for p in problems)
    assert len(problems) == 4


def test_a_complete_draft_within_the_limits_has_no_problem(draft):
    assert application_problems(draft) == []


def test_the_submit_page_refuses_and_names_the_problem(draft, leader_client):
    Application.objects.filter(pk=draft.pk).update(answers={**draft.answers, "summary": TOO_LONG})

    response = leader_client.post(reverse("applications:submit", args=[draft.pk]), {"confirm": "on"}, follow=True)

    assert f"“Summary of the achievement”: {LENGTH_MESSAGE}" in response.content.decode()
    assert Application.objects.get(pk=draft.pk).status == "draft"


def test_limits_set_by_staff_apply_to_any_question(edition):
    question = Question.objects.create(
        edition=edition, code="team_size", label="参与人数", kind=QuestionKind.NUMBER, min_value=1, max_value=30
    )
    text = Question.objects.create(edition=edition, code="slogan", label="口号", kind=QuestionKind.TEXT, max_length=5)
    questions = [question, text]

    assert answers_errors(questions, {"team_size": "31", "slogan": "一二三四五六"}) == {
        "team_size": ["Enter at most 30."],
        "slogan": ["At most 5 characters: this answer has 6, 1 too many."],
    }
    assert answers_errors(questions, {"team_size": "1", "slogan": "一二三四五"}) == {}
    assert answers_errors(questions, {"team_size": "", "slogan": ""}) == {}  # completeness is another check


@pytest.mark.parametrize("phone", ["abc", "12345", "021-1234", "8613812345678"])
def test_a_co_applicants_contact_phone_is_checked(phone):
    form = CoApplicantForm(
        data={"organisation_name": "上海某检测中心", "role": "检测", "contact_name": "王工", "contact_phone": phone},
    )
    assert not form.is_valid()
    assert form.errors["contact_phone"][0].startswith("Enter a mainland mobile number such as 13812345678")


def test_the_missing_answer_message_names_the_question_in_the_pages_language(edition, group):
    from tests.factories.applications import draft_application

    application = draft_application(edition=edition, group=group, complete=False)

    with translation.override("en"):
        english = application_problems(application)
    with translation.override("zh-hans"):
        chinese = application_problems(application)

    assert "Answer “Contact person”." in english
    assert "Answer “联系人”." not in english
    assert any("联系人" in problem for problem in chinese)


def test_choices_show_their_english_names_but_store_the_chinese_value(draft, leader_client):
    page = leader_client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert '<option value="自定目标">Self-set target</option>' in page

    response = _post(leader_client, draft, target_kind="自定目标")

    assert response.status_code == 302
    assert Application.objects.get(pk=draft.pk).answers["target_kind"] == "自定目标"
    detail = leader_client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert "Self-set target" in detail


def test_unit_programmes_check_their_long_texts_too():
    from tests.factories.applications import draft_application
    from tests.factories.awards import open_edition

    application = draft_application(edition=open_edition(ProgrammeKind.TECHNOLOGY_AWARD), category="manufacturing")
    Application.objects.filter(pk=application.pk).update(answers={**application.answers, "innovation": "新" * 2001})
    application.refresh_from_db()

    assert application_problems(application) == [
        "“Innovation”: At most 2000 characters: this answer has 2001, 1 too many."
    ]


def test_the_application_pages_show_the_configured_texts_in_english(draft, leader_client):
    detail = leader_client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    edit = leader_client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    attachments = leader_client.get(reverse("applications:attachments", args=[draft.pk])).content.decode()

    assert ">Summary of the achievement</dt>" in detail and ">成果简介</dt>" not in detail
    assert ">Problem-solving</dd>" in detail and "问题解决型" not in detail
    assert "What was done and what it achieved, in at most 800 characters." in edit
    assert "Stamped application form (scan)" in attachments and "盖章申报表" not in attachments


@pytest.mark.zh
def test_the_application_pages_stay_chinese_in_chinese(draft, leader_client):
    detail = leader_client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert ">成果简介</dt>" in detail and ">问题解决型</dd>" in detail
    assert "Summary of the achievement" not in detail
