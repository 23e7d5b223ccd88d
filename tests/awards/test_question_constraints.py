"""Questions carry their constraints and English versions; the defaults set both; staff edit them; a data
migration gives them to existing editions."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from awards import services
from awards.enums import ProgrammeKind, QuestionKind
from awards.models import AttachmentRequirement, Category, Edition, Programme, Question, Rubric, RubricItem
from tests.factories.awards import EditionFactory, ProgrammeFactory

from .formsets import extra_row, formset_data, row_of
from .test_views import get_formset

pytestmark = [pytest.mark.django_db, pytest.mark.unit]


def _question(edition, code) -> Question:
    return Question.objects.get(edition=edition, code=code)


# --- Defaults ----------------------------------------------------------------------------------------------------


def test_the_default_questions_carry_the_limits_their_help_announces(qc_2020):
    limits = {q.code: (q.kind, q.max_length, q.min_value, q.max_value, q.on_or_after) for q in qc_2020.questions.all()}
    assert limits["summary"] == (QuestionKind.LONG_TEXT, 800, None, None, "")
    assert limits["topic_reason"] == (QuestionKind.LONG_TEXT, 1000, None, None, "")
    assert limits["main_results"] == (QuestionKind.LONG_TEXT, 2000, None, None, "")
    assert limits["direct_benefit"] == (QuestionKind.NUMBER, None, Decimal("0.00"), None, "")
    assert limits["activity_end"] == (QuestionKind.DATE, None, None, None, "activity_start")
    assert limits["contact_phone"] == (QuestionKind.PHONE, 30, None, None, "")
    assert "800字以内" in _question(qc_2020, "summary").help_text


def test_the_defaults_have_english_versions(qc_2020):
    missing = [
        *(q.code for q in qc_2020.questions.all() if not q.label_en),
        *(a.code for a in qc_2020.attachment_requirements.all() if not (a.name_en and a.help_text_en)),
        *(c.code for c in qc_2020.categories.all() if not c.name_en),
        *(r.name for r in qc_2020.rubrics.all() if not r.name_en),
        *(i.code for i in RubricItem.objects.filter(rubric__edition=qc_2020) if not i.name_en),
    ]
    assert missing == []
    assert _question(qc_2020, "target_kind").choices_en == ["Mandated target", "Self-set target"]


def test_an_editions_english_title_follows_the_programmes_english_name():
    programme = ProgrammeFactory(name="上海市质量管理小组活动成果", name_en="Shanghai QC Group Activity Achievements")
    edition = EditionFactory(programme=programme, year=2026)
    assert (edition.title, edition.title_en) == (
        "2026年上海市质量管理小组活动成果",
        "2026 Shanghai QC Group Activity Achievements",
    )

    copy = services.edition_copy(actor=None, source=edition, year=2027)
    assert copy.title_en == "2027 Shanghai QC Group Activity Achievements"


def test_copying_an_edition_keeps_the_constraints_and_english_texts(qc_2020):
    copy = services.edition_copy(actor=None, source=qc_2020, year=2021)

    fields = ("kind", "label_en", "help_text_en", "choices_en", "max_length", "min_value", "max_value", "on_or_after")
    for code in ("summary", "direct_benefit", "activity_end", "target_kind", "contact_phone"):
        original, copied = _question(qc_2020, code), _question(copy, code)
        assert [getattr(copied, f) for f in fields] == [getattr(original, f) for f in fields]
    assert Category.objects.get(edition=copy, code="problem_solving_onsite").name_en == "On-site"
    assert RubricItem.objects.filter(rubric__edition=copy, code="cause").first().name_en == "Cause analysis"
    assert AttachmentRequirement.objects.get(edition=copy, code="report").name_en == "Achievement report (PDF)"


# --- The active language -------------------------------------------------------------------------------------------


def test_texts_follow_the_active_language_and_fall_back_to_chinese(qc_2020):
    summary = _question(qc_2020, "summary")
    onsite = Category.objects.get(edition=qc_2020, code="problem_solving_onsite")
    custom = Question.objects.create(edition=qc_2020, code="extra", label="补充说明", kind=QuestionKind.TEXT)

    with translation.override("en"):
        assert (summary.tr.label, summary.tr.help_text) == (
            "Summary of the achievement",
            "What was done and what it achieved, in at most 800 characters.",
        )
        assert str(onsite) == "Problem-solving · On-site"
        assert custom.tr.label == "补充说明"  # no English version: the Chinese text
    with translation.override("zh-hans"):
        assert (summary.tr.label, str(onsite), custom.tr.label) == ("成果简介", "问题解决型 · 现场型", "补充说明")


def test_the_published_edition_page_is_english_in_english(qc_2020, staff_client):
    page = staff_client.get(reverse("awards:edition_info", args=[qc_2020.pk])).content.decode()
    assert "Stamped application form (scan)" in page
    assert "Problem-solving" in page and "On-site" in page
    assert "盖章申报表" not in page and "现场型" not in page


# --- Staff edit the constraints --------------------------------------------------------------------------------------


def _post_new_question(client, edition, **fields):
    formset = get_formset(client, "awards:edition_questions", edition.pk)
    data = formset_data(formset)
    new = extra_row(formset)
    data.update({f"questions-{new}-position": "40", **{f"questions-{new}-{k}": v for k, v in fields.items()}})
    return client.post(reverse("awards:edition_questions", args=[edition.pk]), data), new


def test_staff_set_a_range_and_an_english_label(qc_2020, staff_client):
    response, _new = _post_new_question(
        staff_client,
        qc_2020,
        code="team_size",
        label="参与人数",
        label_en="People involved",
        kind=QuestionKind.NUMBER,
        min_value="1",
        max_value="50",
    )
    assert response.status_code == 302
    question = _question(qc_2020, "team_size")
    assert (question.label_en, question.min_value, question.max_value) == ("People involved", 1, 50)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"kind": QuestionKind.NUMBER, "min_value": "10", "max_value": "5"},
            {"max_value": ["The maximum cannot be smaller than the minimum (10)."]},
        ),
        (
            {"kind": QuestionKind.NUMBER, "max_length": "10"},
            {"max_length": ["Does not apply to this kind of question: clear it."]},
        ),
        (
            {"kind": QuestionKind.TEXT, "on_or_after": "activity_start"},
            {"on_or_after": ["Does not apply to this kind of question: clear it."]},
        ),
        (
            {"kind": QuestionKind.DATE, "on_or_after": "extra"},
            {"on_or_after": ["A date cannot be compared with itself: give another question's code."]},
        ),
        (
            {"kind": QuestionKind.CHOICE, "choices": "甲\n乙", "choices_en": "A"},
            {"choices_en": ["Give one English name per choice (2), in the same order, or none."]},
        ),
    ],
)
def test_staff_constraints_must_fit_the_kind(qc_2020, staff_client, fields, errors):
    response, new = _post_new_question(staff_client, qc_2020, code="extra", label="补充", **fields)
    assert response.context["formset"].forms[new].errors == errors
    assert not Question.objects.filter(edition=qc_2020, code="extra").exists()


def test_a_date_can_only_follow_a_date_question_of_the_edition(qc_2020, staff_client):
    response, new = _post_new_question(
        staff_client, qc_2020, code="extra", label="验收日期", kind=QuestionKind.DATE, on_or_after="summary"
    )
    assert response.context["formset"].forms[new].errors == {
        "on_or_after": ["No date question of this edition has the code “summary”."]
    }

    response, _new = _post_new_question(
        staff_client, qc_2020, code="extra", label="验收日期", kind=QuestionKind.DATE, on_or_after="activity_end"
    )
    assert response.status_code == 302
    assert _question(qc_2020, "extra").on_or_after == "activity_end"


def test_staff_see_the_english_fields_of_the_configuration(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_questions", qc_2020.pk)
    form = formset.forms[row_of(formset, code="summary")]
    assert form["label_en"].value() == "Summary of the achievement"
    assert form["max_length"].value() == 800
    for name in ("edition_attachments", "edition_categories", "edition_rubrics"):
        page_formset = get_formset(staff_client, f"awards:{name}", qc_2020.pk)
        assert "name_en" in page_formset.forms[0].fields


# --- Data migration --------------------------------------------------------------------------------------------------


def test_the_data_migration_gives_existing_default_rows_english_and_limits():
    programme = ProgrammeFactory(kind=ProgrammeKind.QC_ACHIEVEMENT, name="上海市质量管理小组活动成果")
    edition = EditionFactory(programme=programme, year=2024)
    # The rows as they were before this change.
    Programme.objects.filter(pk=programme.pk).update(name_en="")
    Edition.objects.filter(pk=edition.pk).update(title_en="")
    edition.questions.update(
        label_en="", help_text_en="", choices_en=[], max_length=None, min_value=None, max_value=None, on_or_after=""
    )
    edition.questions.filter(code="contact_phone").update(kind=QuestionKind.TEXT, help_text="")
    edition.questions.filter(code="main_results").update(
        help_text="质量、成本、效率、安全等方面的实测效果；经济效益和社会效益。"
    )
    edition.questions.filter(code="summary").update(label="项目简介")  # renamed by staff: keeps its own text
    AttachmentRequirement.objects.filter(edition=edition).update(name_en="", help_text_en="")
    Category.objects.filter(edition=edition).update(name_en="")
    Rubric.objects.filter(edition=edition).update(name_en="")
    RubricItem.objects.filter(rubric__edition=edition).update(name_en="", description_en="")

    migration = importlib.import_module("awards.migrations.0003_fill_english_and_constraints_of_defaults")
    migration.fill(apps, None)

    edition = Edition.objects.get(pk=edition.pk)
    assert edition.title_en == "2024 Shanghai QC Group Activity Achievements"
    summary, benefit, end, phone, results = (
        _question(edition, code)
        for code in ("summary", "direct_benefit", "activity_end", "contact_phone", "main_results")
    )
    assert (summary.label_en, summary.max_length) == ("", 800)
    assert (benefit.label_en, benefit.min_value) == ("Direct economic benefit (10,000 yuan)", 0)
    assert end.on_or_after == "activity_start"
    assert (phone.kind, phone.max_length) == (QuestionKind.PHONE, 30)
    assert (results.help_text, results.max_length) == (
        "质量、成本、效率、安全等方面的实测效果；经济效益和社会效益。2000字以内。",
        2000,
    )
    assert _question(edition, "target_kind").choices_en == ["Mandated target", "Self-set target"]
    assert Category.objects.get(edition=edition, code="innovation").name_en == "Innovation"
    assert AttachmentRequirement.objects.get(edition=edition, code="stamped_form").help_text_en.startswith("Signed")
    assert (
        RubricItem.objects.filter(rubric__edition=edition, code="topic")
        .first()
        .description_en.startswith("Serves the policy")
    )


def test_staff_give_an_edition_and_a_programme_their_english_names(qc_2020, staff_client):
    from awards.forms import EditionRulesForm, ProgrammeForm

    assert {"title_en", "notice_en"} <= set(EditionRulesForm(instance=qc_2020).fields)
    form = ProgrammeForm(instance=qc_2020.programme)
    assert {"name_en", "description_en"} <= set(form.fields)
    data = {name: form[name].value() for name in form.fields}
    data.update(name_en="Shanghai QC Group Activity Achievements", is_active="on")
    response = staff_client.post(reverse("awards:programme_edit", args=[qc_2020.programme.pk]), data)
    assert response.status_code == 302
    programme = Programme.objects.get(pk=qc_2020.programme.pk)
    assert programme.name_en == "Shanghai QC Group Activity Achievements"
    with translation.override("en"):
        assert str(programme) == "Shanghai QC Group Activity Achievements"
