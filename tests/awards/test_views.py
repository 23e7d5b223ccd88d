import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from awards import services
from awards.enums import PhaseKind, ProgrammeKind, QuestionKind
from awards.models import AttachmentRequirement, Category, Edition, Phase, Question, Rubric, RubricItem
from core.models import AuditEntry
from tests.factories.applications import draft_application
from tests.factories.awards import ProgrammeFactory, open_edition

from .conftest import OTHER_ROLES, client_for
from .formsets import extra_row, formset_data, row_of

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

UTC = datetime.UTC
IN_THE_2020_WINDOW = services.local_datetime(2020, 7, 1, 10, 0)


def staff_pages(edition):
    rubric = edition.rubrics.first()
    return [
        reverse("awards:programme_list"),
        reverse("awards:edition_list"),
        reverse("awards:edition_create", args=[edition.programme_id]),
        reverse("awards:edition_detail", args=[edition.pk]),
        reverse("awards:edition_rules", args=[edition.pk]),
        reverse("awards:edition_schedule", args=[edition.pk]),
        reverse("awards:edition_questions", args=[edition.pk]),
        reverse("awards:edition_attachments", args=[edition.pk]),
        reverse("awards:edition_categories", args=[edition.pk]),
        reverse("awards:edition_rubrics", args=[edition.pk]),
        reverse("awards:rubric_items", args=[rubric.pk]),
    ]


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Who may open the pages ----------------------------------------------------------------------------------------


def test_staff_pages_are_forbidden_to_every_other_role(qc_2020, other_role_client):
    for url in staff_pages(qc_2020):
        assert other_role_client.get(url).status_code == 403, url
        assert other_role_client.post(url, {}).status_code == 403, url
    assert Edition.objects.count() == 1


def test_staff_pages_send_anonymous_users_to_sign_in(qc_2020, client):
    for url in staff_pages(qc_2020):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, f"{reverse('account_login')}?next={url}")


def test_staff_pages_open_for_staff(qc_2020, staff_client):
    for url in staff_pages(qc_2020):
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert response.context["staff_section"] == "awards"


@pytest.mark.parametrize("role", sorted(OTHER_ROLES))
def test_edition_info_is_shown_to_every_signed_in_role(qc_2020, role):
    response = client_for(OTHER_ROLES[role]()).get(reverse("awards:edition_info", args=[qc_2020.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2020年上海市质量管理小组活动成果" in html
    assert "2020-07-12 22:00" in html
    assert "Problem-solving" in html  # the English versions of the configured texts: the page is in English
    assert "Achievement report (PDF)" in html
    assert reverse("awards:edition_schedule", args=[qc_2020.pk]) not in html


def test_edition_info_is_public_with_notice_schedule_categories_and_how_to_apply(qc_2020, client):
    Edition.objects.filter(pk=qc_2020.pk).update(notice="请各单位于截止时间前完成网上申报。")
    response = client.get(reverse("awards:edition_info", args=[qc_2020.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2020年上海市质量管理小组活动成果" in html
    assert "<p>请各单位于截止时间前完成网上申报。</p>" in html
    assert '<strong data-testid="deadline">2020-07-12 22:00</strong>' in html  # Beijing time (14:00 UTC)
    assert 'data-phase="application"' in html
    assert "Problem-solving" in html
    assert "Sign up, then register your QC group under its unit; the unit's contact approves the group." in html
    assert 'data-testid="how-to-apply"' in html and 'data-testid="signup"' in html
    assert reverse("awards:edition_schedule", args=[qc_2020.pk]) not in html


def test_edition_info_of_an_edition_without_a_window_is_404_except_for_staff(qc_2020, client, staff_client):
    qc_2020.phases.filter(kind=PhaseKind.APPLICATION).delete()
    url = reverse("awards:edition_info", args=[qc_2020.pk])
    assert client.get(url).status_code == 404
    assert staff_client.get(url).status_code == 200


def test_staff_console_navigation_links_the_programmes(staff_client):
    html = staff_client.get(reverse("accounts:staff_dashboard")).content.decode()
    assert f'href="{reverse("awards:programme_list")}">Programmes and editions</a>' in html


# --- Lists ---------------------------------------------------------------------------------------------------------


def test_programme_list_shows_each_programme_with_its_editions_and_status(qc_2020, staff_client):
    services.edition_copy(actor=None, source=qc_2020, year=2021)
    empty = ProgrammeFactory(kind=ProgrammeKind.BENCHMARK, code="QB", name="工业企业质量标杆")
    with time_machine.travel(IN_THE_2020_WINDOW, tick=False):
        response = staff_client.get(reverse("awards:programme_list"))
    html = response.content.decode()
    assert response.status_code == 200
    # Programmes come in code order: QB, then QC.
    qb, qc = (
        html[html.index('data-testid="programme-QB"') : html.index('data-testid="programme-QC"')],
        html[html.index('data-testid="programme-QC"') :],
    )
    assert qc.index("2021年上海市质量管理小组活动成果") < qc.index("2020年上海市质量管理小组活动成果")
    assert "2020-06-28 09:00 – 2020-07-12 22:00" in qc
    assert "2021-06-28 09:00 – 2021-07-12 22:00" in qc
    assert '<span class="badge text-bg-success" data-status="open">Application open</span>' in qc
    assert '<span class="badge text-bg-info" data-status="upcoming">Upcoming</span>' in qc
    assert reverse("awards:edition_create", args=[qc_2020.programme_id]) in qc
    assert reverse("awards:edition_create", args=[empty.pk]) in html
    assert "No edition yet." in qb
    assert "No edition yet." not in qc


def test_edition_list_filters_by_status(qc_2020, staff_client):
    services.edition_copy(actor=None, source=qc_2020, year=2021)
    with time_machine.travel(services.local_datetime(2021, 7, 20), tick=False):
        response = staff_client.get(reverse("awards:edition_list"), {"status": "closed"})
        unfiltered = staff_client.get(reverse("awards:edition_list"), {"status": "bogus"})
    assert [e.year for e in response.context["page"]] == [2020]
    assert [e.year for e in unfiltered.context["page"]] == [2021, 2020]
    assert 'data-status="in_review">In review</span>' in unfiltered.content.decode()


# --- Creating an edition -------------------------------------------------------------------------------------------


def test_edition_create_proposes_copying_the_latest_edition_into_the_next_year(qc_2020, staff_client):
    services.edition_copy(actor=None, source=qc_2020, year=2021)
    form = staff_client.get(reverse("awards:edition_create", args=[qc_2020.programme_id])).context["form"]
    latest = Edition.objects.get(year=2021)
    assert (form["source"].value(), form["year"].value()) == (latest.pk, 2022)


def test_edition_create_from_the_defaults_when_the_programme_has_none(staff_client, qc_programme):
    url = reverse("awards:edition_create", args=[qc_programme.pk])
    with time_machine.travel(services.local_datetime(2026, 3, 1), tick=False):
        assert staff_client.get(url).context["form"]["year"].value() == 2026
    response = staff_client.post(url, {"source": "", "year": "2026", "title": ""})
    edition = Edition.objects.get(programme=qc_programme, year=2026)
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:edition_detail", args=[edition.pk])
    assert edition.title == "2026年上海市质量管理小组活动成果"
    assert edition.copied_from is None
    assert Category.objects.filter(edition=edition).count() == 6


def test_edition_create_by_copying_an_earlier_edition(qc_2020, staff_client, staff):
    Phase.objects.filter(edition=qc_2020, kind=PhaseKind.APPLICATION).update(
        ends_at=services.local_datetime(2020, 7, 13, 22, 0)
    )
    response = staff_client.post(
        reverse("awards:edition_create", args=[qc_2020.programme_id]),
        {"source": str(qc_2020.pk), "year": "2026", "title": "2026年度QC成果"},
        follow=True,
    )
    edition = Edition.objects.get(programme=qc_2020.programme, year=2026)
    assert (edition.title, edition.copied_from) == ("2026年度QC成果", qc_2020)
    assert edition.application_phase.ends_at == services.local_datetime(2026, 7, 13, 22, 0)
    assert messages_of(response) == ["Edition “2026年度QC成果” created. Check its schedule and rules."]
    assert AuditEntry.objects.get(action="edition.copied").actor == staff


def test_edition_create_refuses_a_year_that_exists(qc_2020, staff_client):
    response = staff_client.post(
        reverse("awards:edition_create", args=[qc_2020.programme_id]), {"source": str(qc_2020.pk), "year": "2020"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"year": ["上海市质量管理小组活动成果 already has an edition for 2020."]}
    assert Edition.objects.count() == 1


def test_edition_create_only_copies_from_the_same_programme(qc_2020, staff_client):
    other = ProgrammeFactory(kind=ProgrammeKind.TACKLING)
    response = staff_client.post(
        reverse("awards:edition_create", args=[other.pk]), {"source": str(qc_2020.pk), "year": "2021"}
    )
    assert response.context["form"].errors == {
        "source": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert not Edition.objects.filter(programme=other).exists()


# --- The detail page -----------------------------------------------------------------------------------------------


def test_edition_detail_shows_the_whole_configuration(qc_2020, staff_client):
    AttachmentRequirement.objects.filter(edition=qc_2020, code="stamped_form").update(max_size_mb=10)
    with time_machine.travel(IN_THE_2020_WINDOW, tick=False):
        response = staff_client.get(reverse("awards:edition_detail", args=[qc_2020.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="badge text-bg-success" data-status="open">Application open</span>' in html
    # Schedule, in Beijing time, with the open phase marked.
    schedule = html[html.index('data-testid="schedule"') : html.index('data-testid="categories"')]
    assert (
        '<tr data-phase="application">\n            <td>Online application</td>\n'
        '            <td class="text-nowrap">2020-06-28 09:00</td>\n'
        '            <td class="text-nowrap">2020-07-12 22:00</td>'
    ) in schedule
    assert schedule.count("open now") == 3  # application, unit endorsement, recommendation
    assert "2020-12-31 17:00" in schedule
    # Categories with sub-types, rubrics with items and totals.
    categories = html[html.index('data-testid="categories"') : html.index('data-testid="rubrics"')]
    assert categories.index("Problem-solving") < categories.index("On-site") < categories.index("Service")
    assert categories.index("Service") < categories.index("Innovation")
    rubrics = html[html.index('data-testid="rubrics"') : html.index('data-testid="rules"')]
    assert rubrics.count('<td class="text-end" data-testid="rubric-total">100</td>') == 2
    assert '<td>Cause analysis</td><td class="text-end">30</td>' in rubrics
    # Rules, questions, required files.
    assert '<dd class="col-4 mb-1" data-rule="min_members">3</dd>' in html
    assert '<dd class="col-4 mb-1" data-rule="unit_quota"><span class="text-muted">no limit</span></dd>' in html
    assert "指令性目标 / 自定目标" in html
    assert '<td class="small">PDF, JPG, PNG</td>' in html
    assert '<td class="small">Word (.docx)</td>' in html
    assert "<li>本年度注册QC小组数 <code>groups_registered_year</code></li>" in html


def test_edition_detail_of_a_missing_edition_is_404(staff_client):
    assert staff_client.get(reverse("awards:edition_detail", args=[999999])).status_code == 404


# --- Rules and quotas ----------------------------------------------------------------------------------------------


def rules_data(edition, **changes):
    data = {name: getattr(edition, name) for name in services.EDITION_RULE_FIELDS}
    data.update(changes)
    return {k: ("on" if v is True else "" if v in (None, False) else str(v)) for k, v in data.items() if v is not False}


def test_edition_rules_saves_rules_and_quotas_with_an_audit_entry(qc_2020, staff_client, staff):
    response = staff_client.post(
        reverse("awards:edition_rules", args=[qc_2020.pk]),
        rules_data(qc_2020, max_members=12, unit_quota=5, recommender_total_quota=None, similarity_threshold="0.75"),
    )
    assert response.status_code == 302
    qc_2020.refresh_from_db()
    assert (qc_2020.max_members, qc_2020.unit_quota, qc_2020.similarity_threshold) == (12, 5, Decimal("0.75"))
    entry = AuditEntry.objects.get(action="edition.updated")
    assert entry.actor == staff
    assert entry.changes == {
        "max_members": [10, 12],
        "unit_quota": [None, 5],
        "similarity_threshold": ["0.80", "0.75"],
    }


def test_edition_rules_refuses_a_maximum_below_the_minimum(qc_2020, staff_client):
    response = staff_client.post(
        reverse("awards:edition_rules", args=[qc_2020.pk]), rules_data(qc_2020, min_members=5, max_members=4)
    )
    assert response.context["form"].errors == {"max_members": ["The maximum cannot be smaller than the minimum (5)."]}
    html = response.content.decode()
    assert 'class="form-control form-control-sm is-invalid numberinput" aria-invalid="true"' in html


def test_edition_rules_refuses_more_per_category_than_per_unit(qc_2020, staff_client):
    response = staff_client.post(
        reverse("awards:edition_rules", args=[qc_2020.pk]),
        rules_data(qc_2020, recommend_per_unit=1, recommend_per_unit_category=2),
    )
    assert response.context["form"].errors == {
        "recommend_per_unit_category": ["Cannot exceed the recommendations per unit (1)."]
    }


def test_edition_rules_refuses_a_threshold_above_1(qc_2020, staff_client):
    response = staff_client.post(
        reverse("awards:edition_rules", args=[qc_2020.pk]), rules_data(qc_2020, similarity_threshold="1.5")
    )
    assert response.context["form"].errors == {
        "similarity_threshold": ["Ensure this value is less than or equal to 1."]
    }


# --- Schedule ------------------------------------------------------------------------------------------------------


def get_formset(client, name, *args):
    return client.get(reverse(name, args=args)).context["formset"]


def test_edition_schedule_shows_beijing_wall_clock_in_datetime_local_inputs(qc_2020, staff_client):
    html = staff_client.get(reverse("awards:edition_schedule", args=[qc_2020.pk])).content.decode()
    assert 'type="datetime-local" name="schedule-0-ends_at" value="2020-07-12T22:00"' in html


def test_edition_schedule_reads_the_inputs_as_beijing_time(qc_2020, staff_client, staff):
    formset = get_formset(staff_client, "awards:edition_schedule", qc_2020.pk)
    data = formset_data(formset)
    row = row_of(formset, kind=PhaseKind.APPLICATION)
    data[f"schedule-{row}-ends_at"] = "2020-07-13T22:00"
    response = staff_client.post(reverse("awards:edition_schedule", args=[qc_2020.pk]), data, follow=True)
    assert messages_of(response) == ["Schedule saved."]
    phase = Phase.objects.get(edition=qc_2020, kind=PhaseKind.APPLICATION)
    assert phase.ends_at == datetime.datetime(2020, 7, 13, 14, 0, tzinfo=UTC)
    assert phase.starts_at == datetime.datetime(2020, 6, 28, 1, 0, tzinfo=UTC)
    entry = AuditEntry.objects.get(action="edition.schedule_changed")
    assert (entry.actor, list(entry.changes)) == (staff, ["application"])
    assert entry.changes["application"][1] == "Online application 2020-06-28 09:00 – 2020-07-13 22:00"


def test_edition_schedule_refuses_an_end_before_the_start(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_schedule", qc_2020.pk)
    data = formset_data(formset)
    row = row_of(formset, kind=PhaseKind.FORMAL_REVIEW)
    data[f"schedule-{row}-ends_at"] = "2020-07-17T16:00"
    response = staff_client.post(reverse("awards:edition_schedule", args=[qc_2020.pk]), data)
    assert response.context["formset"].forms[row].errors == {"ends_at": ["The end must be after the start."]}
    assert Phase.objects.get(edition=qc_2020, kind=PhaseKind.FORMAL_REVIEW).ends_at == services.local_datetime(
        2020, 7, 20, 17, 0
    )


def test_edition_schedule_refuses_a_phase_twice(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_schedule", qc_2020.pk)
    Phase.objects.filter(edition=qc_2020, kind=PhaseKind.RESULTS).delete()
    formset = get_formset(staff_client, "awards:edition_schedule", qc_2020.pk)
    data = formset_data(formset)
    new = extra_row(formset)
    data.update(
        {
            f"schedule-{new}-kind": PhaseKind.APPLICATION,
            f"schedule-{new}-starts_at": "2020-08-01T09:00",
            f"schedule-{new}-ends_at": "2020-08-02T09:00",
        }
    )
    response = staff_client.post(reverse("awards:edition_schedule", args=[qc_2020.pk]), data)
    assert response.context["formset"].non_form_errors() == ["Each phase may appear only once in the schedule."]
    assert Phase.objects.filter(edition=qc_2020).count() == 7


def test_edition_schedule_adds_a_missing_phase_and_deletes_one(qc_2020, staff_client):
    Phase.objects.filter(edition=qc_2020, kind=PhaseKind.RESULTS).delete()
    formset = get_formset(staff_client, "awards:edition_schedule", qc_2020.pk)
    data = formset_data(formset)
    new = extra_row(formset)
    data.update(
        {
            f"schedule-{new}-kind": PhaseKind.RESULTS,
            f"schedule-{new}-starts_at": "2020-12-10T09:00",
            f"schedule-{new}-ends_at": "2020-12-20T17:00",
            f"schedule-{row_of(formset, kind=PhaseKind.PRESENTATION)}-DELETE": "on",
        }
    )
    staff_client.post(reverse("awards:edition_schedule", args=[qc_2020.pk]), data)
    kinds = set(Phase.objects.filter(edition=qc_2020).values_list("kind", flat=True))
    assert PhaseKind.PRESENTATION not in kinds
    assert Phase.objects.get(edition=qc_2020, kind=PhaseKind.RESULTS).ends_at == services.local_datetime(
        2020, 12, 20, 17, 0
    )


# --- Questions -----------------------------------------------------------------------------------------------------


def test_edition_questions_adds_a_choice_question_with_one_choice_per_line(qc_2020, staff_client, staff):
    formset = get_formset(staff_client, "awards:edition_questions", qc_2020.pk)
    data = formset_data(formset)
    new = extra_row(formset)
    data.update(
        {
            f"questions-{new}-code": "industry",
            f"questions-{new}-label": "所属行业",
            f"questions-{new}-kind": QuestionKind.CHOICE,
            f"questions-{new}-required": "on",
            f"questions-{new}-position": "20",
            f"questions-{new}-choices": "制造业\r\n\r\n  服务业 \r\n建筑业\r\n",
        }
    )
    response = staff_client.post(reverse("awards:edition_questions", args=[qc_2020.pk]), data, follow=True)
    assert messages_of(response) == ["Questions saved."]
    question = Question.objects.get(edition=qc_2020, code="industry")
    assert (question.kind, question.choices, question.required, question.is_base) == (
        QuestionKind.CHOICE,
        ["制造业", "服务业", "建筑业"],
        True,
        False,
    )
    entry = AuditEntry.objects.get(action="edition.questions_changed")
    assert (entry.actor, entry.changes) == (staff, {"rows": [None, ["所属行业"]]})


def test_edition_questions_shows_choices_one_per_line(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_questions", qc_2020.pk)
    assert formset.forms[row_of(formset, code="target_kind")]["choices"].value() == "指令性目标\n自定目标"


def test_edition_questions_unchanged_rows_are_not_saved_again(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_questions", qc_2020.pk)
    data = formset_data(formset)
    row = row_of(formset, code="target_kind")
    data[f"questions-{row}-choices"] = "指令性目标\r\n自定目标"
    staff_client.post(reverse("awards:edition_questions", args=[qc_2020.pk]), data)
    assert not AuditEntry.objects.filter(action="edition.questions_changed").exists()


@pytest.mark.parametrize(
    ("kind", "choices", "error"),
    [
        (QuestionKind.CHOICE, "唯一", "A choice question needs at least two choices, one per line."),
        (QuestionKind.TEXT, "甲\n乙", "Only choice questions take choices: clear them or make it a choice."),
        (QuestionKind.CHOICE, "甲\n乙\n甲", "Listed twice: 甲."),
    ],
)
def test_edition_questions_checks_the_choices(qc_2020, staff_client, kind, choices, error):
    formset = get_formset(staff_client, "awards:edition_questions", qc_2020.pk)
    data = formset_data(formset)
    new = extra_row(formset)
    data.update(
        {
            f"questions-{new}-code": "extra",
            f"questions-{new}-label": "补充",
            f"questions-{new}-kind": kind,
            f"questions-{new}-position": "30",
            f"questions-{new}-choices": choices,
        }
    )
    response = staff_client.post(reverse("awards:edition_questions", args=[qc_2020.pk]), data)
    assert response.context["formset"].forms[new].errors == {"choices": [error]}
    assert not Question.objects.filter(edition=qc_2020, code="extra").exists()


def test_edition_questions_refuses_a_repeated_code(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_questions", qc_2020.pk)
    data = formset_data(formset)
    new = extra_row(formset)
    data.update(
        {
            f"questions-{new}-code": "topic_reason",
            f"questions-{new}-label": "重复",
            f"questions-{new}-kind": QuestionKind.TEXT,
            f"questions-{new}-position": "30",
        }
    )
    response = staff_client.post(reverse("awards:edition_questions", args=[qc_2020.pk]), data)
    assert response.context["formset"].non_form_errors() == [
        "Each code may be used only once: change the repeated one."
    ]
    assert "This row repeats another one." in response.content.decode()
    assert Question.objects.filter(edition=qc_2020).count() == 10


def test_edition_questions_keeps_the_base_set(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_questions", qc_2020.pk)
    html = staff_client.get(reverse("awards:edition_questions", args=[qc_2020.pk])).content.decode()
    base, own = row_of(formset, code="contact_name"), row_of(formset, code="topic_reason")
    assert f'name="questions-{base}-DELETE"' not in html
    assert f'name="questions-{own}-DELETE"' in html
    data = formset_data(formset)
    data[f"questions-{base}-DELETE"] = "on"  # a forged tick is ignored
    data[f"questions-{base}-code"] = "renamed"  # a disabled field keeps its value
    data[f"questions-{base}-label"] = "联系人姓名"
    data[f"questions-{own}-DELETE"] = "on"
    staff_client.post(reverse("awards:edition_questions", args=[qc_2020.pk]), data)
    contact = Question.objects.get(edition=qc_2020, code="contact_name")
    assert (contact.label, contact.is_base) == ("联系人姓名", True)
    assert not Question.objects.filter(edition=qc_2020, code="topic_reason").exists()


# --- Required files ------------------------------------------------------------------------------------------------


def test_edition_attachments_saves_the_ticked_types_as_mime_types(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_attachments", qc_2020.pk)
    data = formset_data(formset)
    row = row_of(formset, code="report")
    assert data[f"attachments-{row}-allowed_types"] == ["application/pdf"]
    data[f"attachments-{row}-allowed_types"] = ["application/pdf", "image/png"]
    data[f"attachments-{row}-max_size_mb"] = "50"
    staff_client.post(reverse("awards:edition_attachments", args=[qc_2020.pk]), data)
    report = AttachmentRequirement.objects.get(edition=qc_2020, code="report")
    assert (report.allowed_types, report.max_size_mb) == (["application/pdf", "image/png"], 50)
    assert AuditEntry.objects.get(action="edition.attachments_changed").changes == {"rows": [None, ["成果报告（PDF）"]]}


def test_edition_attachments_renders_the_types_as_checkboxes(qc_2020, staff_client):
    html = staff_client.get(reverse("awards:edition_attachments", args=[qc_2020.pk])).content.decode()
    assert html.count('type="checkbox" name="attachments-0-allowed_types"') == 4
    assert 'value="application/pdf" class="form-check-input" id="id_attachments-0-allowed_types_0" checked' in html


@pytest.mark.parametrize(
    ("types", "size", "errors"),
    [
        ([], "20", {"allowed_types": ["Allow at least one file type."]}),
        (["application/pdf"], "101", {"max_size_mb": ["At most 100 MB."]}),
        (["application/pdf"], "0", {"max_size_mb": ["At least 1 MB."]}),
        (
            ["text/html"],
            "20",
            {"allowed_types": ["Select a valid choice. text/html is not one of the available choices."]},
        ),
    ],
)
def test_edition_attachments_checks_types_and_size(qc_2020, staff_client, types, size, errors):
    formset = get_formset(staff_client, "awards:edition_attachments", qc_2020.pk)
    data = formset_data(formset)
    row = row_of(formset, code="report")
    data[f"attachments-{row}-allowed_types"] = types
    data[f"attachments-{row}-max_size_mb"] = size
    response = staff_client.post(reverse("awards:edition_attachments", args=[qc_2020.pk]), data)
    assert response.context["formset"].forms[row].errors == errors
    assert AttachmentRequirement.objects.get(edition=qc_2020, code="report").allowed_types == ["application/pdf"]


# --- Categories and rubrics ----------------------------------------------------------------------------------------


def test_edition_categories_adds_a_subtype_with_its_rubric(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_categories", qc_2020.pk)
    data = formset_data(formset)
    new = extra_row(formset)
    innovation = Category.objects.get(edition=qc_2020, code="innovation")
    data.update(
        {
            f"categories-{new}-code": "innovation_product",
            f"categories-{new}-name": "产品创新",
            f"categories-{new}-parent": str(innovation.pk),
            f"categories-{new}-rubric": str(innovation.rubric_id),
            f"categories-{new}-position": "0",
        }
    )
    response = staff_client.post(reverse("awards:edition_categories", args=[qc_2020.pk]), data, follow=True)
    assert messages_of(response) == ["Categories saved."]
    added = Category.objects.get(edition=qc_2020, code="innovation_product")
    assert (added.parent, added.rubric.name) == (innovation, "创新型课题成果评价表")


def test_edition_categories_offers_only_this_editions_top_categories_and_rubrics(qc_2020, staff_client):
    services.edition_copy(actor=None, source=qc_2020, year=2021)
    formset = get_formset(staff_client, "awards:edition_categories", qc_2020.pk)
    form = formset.forms[row_of(formset, code="innovation")]
    assert sorted(c.code for c in form.fields["parent"].queryset) == ["problem_solving"]
    assert {r.edition_id for r in form.fields["rubric"].queryset} == {qc_2020.pk}


def test_edition_categories_refuses_a_parent_that_becomes_a_subtype(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_categories", qc_2020.pk)
    data = formset_data(formset)
    problem_solving = Category.objects.get(edition=qc_2020, code="problem_solving")
    innovation = Category.objects.get(edition=qc_2020, code="innovation")
    data[f"categories-{row_of(formset, code='problem_solving')}-parent"] = str(innovation.pk)
    response = staff_client.post(reverse("awards:edition_categories", args=[qc_2020.pk]), data)
    row = row_of(formset, code="problem_solving")
    assert response.context["formset"].forms[row].errors == {
        "parent": ["This category has sub-types of its own, so it cannot become a sub-type."]
    }
    assert Category.objects.get(pk=problem_solving.pk).parent is None


def test_edition_categories_refuses_deleting_a_parent_that_keeps_subtypes(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_categories", qc_2020.pk)
    data = formset_data(formset)
    data[f"categories-{row_of(formset, code='problem_solving')}-DELETE"] = "on"
    response = staff_client.post(reverse("awards:edition_categories", args=[qc_2020.pk]), data)
    assert response.context["formset"].non_form_errors() == [
        "“Problem-solving” still has sub-types: move or delete them first."
    ]
    assert Category.objects.filter(edition=qc_2020).count() == 6


def test_edition_categories_refuses_a_repeated_code(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_categories", qc_2020.pk)
    data = formset_data(formset)
    data[f"categories-{row_of(formset, code='innovation')}-code"] = "problem_solving"
    response = staff_client.post(reverse("awards:edition_categories", args=[qc_2020.pk]), data)
    assert response.context["formset"].non_form_errors() == [
        "Each code may be used only once: change the repeated one."
    ]


def test_edition_rubrics_renames_and_adds_rubrics(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_rubrics", qc_2020.pk)
    data = formset_data(formset)
    row = row_of(formset, name="创新型课题成果评价表")
    data[f"rubrics-{row}-name"] = "创新型课题成果评价表（2020版）"
    data[f"rubrics-{extra_row(formset)}-name"] = "现场评价表"
    staff_client.post(reverse("awards:edition_rubrics", args=[qc_2020.pk]), data)
    assert sorted(Rubric.objects.filter(edition=qc_2020).values_list("name", flat=True)) == [
        "创新型课题成果评价表（2020版）",
        "现场评价表",
        "问题解决型课题成果评价表",
    ]


def test_edition_rubrics_links_each_rubric_to_its_items_with_the_total(qc_2020, staff_client):
    html = staff_client.get(reverse("awards:edition_rubrics", args=[qc_2020.pk])).content.decode()
    for rubric in Rubric.objects.filter(edition=qc_2020):
        assert reverse("awards:rubric_items", args=[rubric.pk]) in html
    assert html.count("total <strong>100</strong> points") == 2


def test_rubric_items_changes_points_and_shows_the_new_total(qc_2020, staff_client, staff):
    rubric = Rubric.objects.get(edition=qc_2020, name="问题解决型课题成果评价表")
    formset = get_formset(staff_client, "awards:rubric_items", rubric.pk)
    data = formset_data(formset)
    data[f"items-{row_of(formset, code='feature')}-max_points"] = "12.5"
    new = extra_row(formset)
    data.update({f"items-{new}-code": "certified", f"items-{new}-name": "持证情况", f"items-{new}-max_points": "3.5"})
    data[f"items-{new}-position"] = "7"
    response = staff_client.post(reverse("awards:rubric_items", args=[rubric.pk]), data, follow=True)
    assert messages_of(response) == ["Items of “Assessment of problem-solving topics” saved."]
    assert '<strong data-testid="rubric-total">106</strong>' in response.content.decode()
    assert RubricItem.objects.get(rubric=rubric, code="feature").max_points == Decimal("12.5")
    entry = AuditEntry.objects.get(action="edition.rubric_items_changed")
    assert (entry.actor, entry.object_id, entry.changes) == (
        staff,
        str(qc_2020.pk),
        {"rows": [None, ["特点 (12.5)", "持证情况 (3.5)"]]},
    )


@pytest.mark.parametrize(
    ("code", "points", "errors"),
    [
        ("effect", "5", None),
        ("new_item", "0", {"max_points": ["Give the item more than 0 points."]}),
        ("new item", "5", {"code": ["Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."]}),
    ],
)
def test_rubric_items_checks_codes_and_points(qc_2020, staff_client, code, points, errors):
    rubric = Rubric.objects.get(edition=qc_2020, name="问题解决型课题成果评价表")
    formset = get_formset(staff_client, "awards:rubric_items", rubric.pk)
    data = formset_data(formset)
    new = extra_row(formset)
    data.update({f"items-{new}-code": code, f"items-{new}-name": "新项目", f"items-{new}-max_points": points})
    data[f"items-{new}-position"] = "9"
    response = staff_client.post(reverse("awards:rubric_items", args=[rubric.pk]), data)
    if errors is None:  # a repeated code
        assert response.context["formset"].non_form_errors() == [
            "Each code may be used only once: change the repeated one."
        ]
    else:
        assert response.context["formset"].forms[new].errors == errors
    assert RubricItem.objects.filter(rubric=rubric).count() == 6


def test_edition_categories_lists_each_category_before_its_subtypes(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_categories", qc_2020.pk)
    assert [form.instance.code for form in formset.forms if form.instance.pk] == [
        "problem_solving",
        "problem_solving_onsite",
        "problem_solving_tackling",
        "problem_solving_management",
        "problem_solving_service",
        "innovation",
    ]


def test_edition_categories_refuses_deleting_a_category_that_applications_use(staff_client):
    edition = open_edition()
    draft_application(edition=edition, category="innovation", complete=False)
    formset = get_formset(staff_client, "awards:edition_categories", edition.pk)
    data = formset_data(formset)
    data[f"categories-{row_of(formset, code='innovation')}-DELETE"] = "on"
    data[f"categories-{row_of(formset, code='problem_solving_service')}-name"] = "服务型（改）"
    response = staff_client.post(reverse("awards:edition_categories", args=[edition.pk]), data)
    assert response.status_code == 200
    innovation = Category.objects.get(edition=edition, code="innovation")
    assert [str(e) for e in response.context["formset"].non_form_errors()] == [
        f"“{innovation}” cannot be deleted: 1 application uses it. Keep it (you may rename it), "
        "or have that application moved to another category first."
    ]
    # Nothing of the submission was saved: the whole save is one transaction.
    assert Category.objects.filter(edition=edition, code="innovation").exists()
    assert Category.objects.get(edition=edition, code="problem_solving_service").name == "服务型"
    assert not AuditEntry.objects.filter(action="edition.categories_changed").exists()


def test_edition_schedule_audit_keeps_the_old_dates(qc_2020, staff_client):
    formset = get_formset(staff_client, "awards:edition_schedule", qc_2020.pk)
    data = formset_data(formset)
    data[f"schedule-{row_of(formset, kind=PhaseKind.APPLICATION)}-ends_at"] = "2020-07-13T22:00"
    staff_client.post(reverse("awards:edition_schedule", args=[qc_2020.pk]), data)
    entry = AuditEntry.objects.get(action="edition.schedule_changed")
    assert entry.changes["application"] == [
        "Online application 2020-06-28 09:00 – 2020-07-12 22:00",
        "Online application 2020-06-28 09:00 – 2020-07-13 22:00",
    ]
