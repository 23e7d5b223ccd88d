"""One helper (applications.selectors.answer_rows) and one partial (applications/_answers.html) show an
application's answers: the group, unit and recommender pages show the same rows, rendered the same, and the
application PDF prints the same rows (in Chinese, as the form always is)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from applications.documents import application_for_form, form_context
from applications.selectors import AnswerRow, answer_rows
from tests.factories import recommender_member
from tests.factories.recommenders import contact_of, endorsed_application, qc_edition
from tests.helpers import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

ANSWERS = {
    "direct_benefit": "1234.50",
    "activity_start": "2024-03-05",
    "topic_reason": "现场不良率高。\n顾客投诉多。\n\n公司要求降低。",
    "target_kind": "自定目标",
}


@pytest.fixture
def application():
    application = endorsed_application(edition=qc_edition(), title="降低精密轴承外圈磨削不良率")
    application.answers = {**(application.answers or {}), **ANSWERS}
    application.save(update_fields=["answers"])
    return application


def pages(application) -> dict:
    leader = application.group.leader
    recommender = recommender_member(application.unit.recommender)
    return {
        "group": client_for(leader).get(reverse("applications:detail", args=[application.pk])),
        "unit": client_for(contact_of(application.unit)).get(
            reverse("recommenders:unit_application", args=[application.pk])
        ),
        "recommender": client_for(recommender).get(
            reverse("recommenders:recommender_application", args=[application.pk])
        ),
    }


def rendered_answers(response) -> dict[str, str]:
    """{question code: the <dd>'s inner HTML, whitespace collapsed} of the answers partial."""
    html = response.content.decode()
    found = re.findall(r'<dd class="col-sm-8" data-testid="answer" data-code="([\w-]+)">(.*?)</dd>', html, re.S)
    return {code: " ".join(body.split()) for code, body in found}


def by_code(rows) -> dict[str, AnswerRow]:
    return {row.code: row for row in rows}


def test_answer_rows_format_numbers_dates_long_texts_and_options(application):
    rows = by_code(answer_rows(application))

    assert rows["direct_benefit"].value == "1234.5"
    assert rows["activity_start"].value == "2024-03-05"
    assert (rows["topic_reason"].value, rows["topic_reason"].long) == (ANSWERS["topic_reason"], True)
    assert (rows["target_kind"].label, rows["target_kind"].value) == ("Type of target", "Self-set target")
    with translation.override("zh-hans"):
        chinese = by_code(answer_rows(application))
    assert chinese["activity_start"].value == "2024年3月5日"
    assert (chinese["target_kind"].label, chinese["target_kind"].value) == ("目标类型", "自定目标")


def test_group_unit_and_recommender_pages_show_the_same_answer_rows(application):
    responses = pages(application)

    expected = answer_rows(application)
    for name, response in responses.items():
        assert response.status_code == 200, name
        assert list(response.context["answers"]) == expected, name
    html = {name: rendered_answers(response) for name, response in responses.items()}
    assert html["group"] == html["unit"] == html["recommender"]
    assert list(html["group"]) == [row.code for row in expected]
    assert html["group"]["direct_benefit"] == "1234.5"
    assert html["group"]["activity_start"] == "2024-03-05"
    assert html["group"]["topic_reason"] == "现场不良率高。<br>顾客投诉多。<br><br>公司要求降低。"
    assert html["group"]["target_kind"] == "Self-set target"


def test_application_pdf_prints_the_same_rows(application):
    with translation.override("zh-hans"):
        expected = [row for row in answer_rows(application) if row.kind != "member_table"]
        printed = form_context(application_for_form(application.pk))["questions"]

    assert printed == expected
    values = {row.code: row.value for row in printed}
    assert (values["direct_benefit"], values["activity_start"], values["target_kind"]) == (
        "1234.5",
        "2024年3月5日",
        "自定目标",
    )
    assert values["topic_reason"] == ANSWERS["topic_reason"]  # printed with white-space: pre-line
