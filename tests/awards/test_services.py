import datetime
from decimal import Decimal

import pytest

from awards import services
from awards.enums import PhaseKind, ProgrammeKind, QuestionKind
from awards.models import AttachmentRequirement, Category, Edition, Phase, Question, Rubric, RubricItem
from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from tests.factories.awards import EditionFactory, ProgrammeFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

UTC = datetime.UTC


def test_edition_create_builds_the_two_qc_topic_types(qc_2020):
    top = Category.objects.filter(edition=qc_2020, parent__isnull=True).order_by("position")
    assert [(c.code, c.name) for c in top] == [("problem_solving", "问题解决型"), ("innovation", "创新型")]


def test_edition_create_hangs_four_subtypes_under_problem_solving(qc_2020):
    parent = Category.objects.get(edition=qc_2020, code="problem_solving")
    assert [c.name for c in parent.subtypes.order_by("position")] == ["现场型", "攻关型", "管理型", "服务型"]
    assert {c.rubric.name for c in parent.subtypes.all()} == {"问题解决型课题成果评价表"}
    assert Category.objects.get(edition=qc_2020, code="innovation").subtypes.count() == 0


def test_edition_create_builds_rubrics_totalling_100(qc_2020):
    rubrics = {r.name: r for r in Rubric.objects.filter(edition=qc_2020).prefetch_related("items")}
    assert sorted(rubrics) == ["创新型课题成果评价表", "问题解决型课题成果评价表"]
    assert rubrics["问题解决型课题成果评价表"].total_points == Decimal("100")
    assert rubrics["创新型课题成果评价表"].total_points == Decimal("100")
    assert [int(i.max_points) for i in rubrics["问题解决型课题成果评价表"].items.all()] == [15, 30, 20, 20, 5, 10]
    assert [int(i.max_points) for i in rubrics["创新型课题成果评价表"].items.all()] == [20, 30, 20, 15, 5, 10]


def test_edition_create_opens_the_application_28_june_0900_to_12_july_2200_beijing(qc_2020):
    phase = Phase.objects.get(edition=qc_2020, kind=PhaseKind.APPLICATION)
    assert phase.starts_at == datetime.datetime(2020, 6, 28, 1, 0, tzinfo=UTC)
    assert phase.ends_at == datetime.datetime(2020, 7, 12, 14, 0, tzinfo=UTC)
    assert phase.ends_at == services.local_datetime(2020, 7, 12, 22, 0)


def test_edition_create_builds_eight_phases_in_order(qc_2020):
    assert list(Phase.objects.filter(edition=qc_2020).order_by("starts_at", "id").values_list("kind", flat=True)) == [
        PhaseKind.APPLICATION,
        PhaseKind.UNIT_ENDORSEMENT,
        PhaseKind.RECOMMENDATION,
        PhaseKind.FORMAL_REVIEW,
        PhaseKind.DOCUMENT_REVIEW,
        PhaseKind.PRESENTATION,
        PhaseKind.PUBLIC_NOTICE,
        PhaseKind.RESULTS,
    ]


def test_edition_create_adds_the_base_and_the_qc_questions(qc_2020):
    questions = list(Question.objects.filter(edition=qc_2020))
    assert [q.code for q in questions if q.is_base] == [
        "contact_name",
        "contact_phone",
        "summary",
        "main_results",
        "direct_benefit",
    ]
    assert [q.code for q in questions if not q.is_base] == [
        "topic_reason",
        "activity_start",
        "activity_end",
        "target_kind",
        "members",
    ]
    target = next(q for q in questions if q.code == "target_kind")
    assert (target.kind, target.choices) == (QuestionKind.CHOICE, ["指令性目标", "自定目标"])


def test_edition_create_requires_the_report_as_pdf(qc_2020):
    report = AttachmentRequirement.objects.get(edition=qc_2020, code="report")
    assert (report.required, report.allowed_types, report.max_size_mb) == (True, ["application/pdf"], 20)


def test_edition_create_titles_and_audits_the_edition(qc_2020, staff):
    edition = services.edition_create(actor=staff, programme=qc_2020.programme, year=2021)
    assert edition.title == "2021年上海市质量管理小组活动成果"
    entry = AuditEntry.objects.get(action="edition.created", object_id=str(edition.pk))
    assert entry.actor == staff
    assert entry.changes == {"programme": [None, qc_2020.programme.pk], "year": [None, 2021]}


def test_edition_create_refuses_a_second_edition_for_the_same_year(qc_2020):
    with pytest.raises(BusinessRuleError) as error:
        services.edition_create(actor=None, programme=qc_2020.programme, year=2020)
    assert str(error.value) == "This programme already has an edition for 2020."
    assert Edition.objects.filter(programme=qc_2020.programme).count() == 1


def test_edition_create_uses_the_five_fields_for_the_technology_award():
    edition = EditionFactory(programme=ProgrammeFactory(kind=ProgrammeKind.TECHNOLOGY_AWARD), year=2024)
    assert list(Category.objects.filter(edition=edition).values_list("name", flat=True)) == [
        "制造",
        "非营利性服务",
        "市场服务",
        "建造",
        "中小企业",
    ]
    assert Rubric.objects.filter(edition=edition).count() == 1


# --- edition_copy --------------------------------------------------------------------------------------------------


def test_edition_copy_moves_dates_by_whole_years_keeping_the_wall_clock(qc_2020):
    copy = services.edition_copy(actor=None, source=qc_2020, year=2026)
    phase = Phase.objects.get(edition=copy, kind=PhaseKind.APPLICATION)
    assert phase.starts_at == services.local_datetime(2026, 6, 28, 9, 0)
    assert phase.ends_at == services.local_datetime(2026, 7, 12, 22, 0)
    assert phase.ends_at == datetime.datetime(2026, 7, 12, 14, 0, tzinfo=UTC)
    old = {p.kind: p for p in Phase.objects.filter(edition=qc_2020)}
    for new in Phase.objects.filter(edition=copy):
        local_old = old[new.kind].ends_at.astimezone(services.local_datetime(2020, 1, 1).tzinfo)
        local_new = new.ends_at.astimezone(local_old.tzinfo)
        assert (local_new.year, local_new.month, local_new.day, local_new.hour, local_new.minute) == (
            2026,
            local_old.month,
            local_old.day,
            local_old.hour,
            local_old.minute,
        )


def test_edition_copy_keeps_staff_changed_times(qc_2020):
    Phase.objects.filter(edition=qc_2020, kind=PhaseKind.APPLICATION).update(
        ends_at=services.local_datetime(2020, 7, 13, 23, 30)
    )
    copy = services.edition_copy(actor=None, source=qc_2020, year=2021)
    assert Phase.objects.get(edition=copy, kind=PhaseKind.APPLICATION).ends_at == services.local_datetime(
        2021, 7, 13, 23, 30
    )


def test_edition_copy_moves_29_february_to_28_february(qc_2020):
    Phase.objects.filter(edition=qc_2020, kind=PhaseKind.RESULTS).update(
        starts_at=services.local_datetime(2020, 2, 29, 9, 0)
    )
    copy = services.edition_copy(actor=None, source=qc_2020, year=2021)
    assert Phase.objects.get(edition=copy, kind=PhaseKind.RESULTS).starts_at == services.local_datetime(
        2021, 2, 28, 9, 0
    )


def test_edition_copy_copies_rules_and_quotas(qc_2020):
    services.edition_update(
        actor=None, edition=qc_2020, data={"max_members": 12, "unit_quota": 4, "notice": "旧通知 2020"}
    )
    copy = services.edition_copy(actor=None, source=qc_2020, year=2021)
    assert (copy.max_members, copy.unit_quota, copy.recommend_per_unit, copy.notice) == (12, 4, 2, "旧通知 2020")
    assert copy.title == "2021年上海市质量管理小组活动成果"
    assert copy.copied_from == qc_2020


def test_edition_copy_copies_questions_and_attachments(qc_2020):
    Question.objects.create(
        edition=qc_2020, code="extra", label="补充说明", kind=QuestionKind.CHOICE, choices=["甲", "乙"], position=9
    )
    AttachmentRequirement.objects.filter(edition=qc_2020, code="report").update(max_size_mb=30)
    copy = services.edition_copy(actor=None, source=qc_2020, year=2021)

    def questions(edition):
        return list(Question.objects.filter(edition=edition).values_list("code", "label", "kind", "choices", "is_base"))

    def attachments(edition):
        rows = AttachmentRequirement.objects.filter(edition=edition)
        return list(rows.values_list("code", "name", "required", "allowed_types", "max_size_mb"))

    assert questions(copy) == questions(qc_2020)
    assert len(questions(copy)) == 11
    assert attachments(copy) == attachments(qc_2020)
    assert AttachmentRequirement.objects.get(edition=copy, code="report").max_size_mb == 30


def test_edition_copy_copies_rubrics_with_their_items(qc_2020):
    copy = services.edition_copy(actor=None, source=qc_2020, year=2021)

    def rubrics(edition):
        return {
            r.name: [(i.code, i.name, i.max_points) for i in r.items.all()]
            for r in Rubric.objects.filter(edition=edition).prefetch_related("items")
        }

    assert rubrics(copy) == rubrics(qc_2020)
    assert RubricItem.objects.filter(rubric__edition=copy).count() == 12


def test_edition_copy_copies_categories_with_their_parents_and_rubrics(qc_2020):
    copy = services.edition_copy(actor=None, source=qc_2020, year=2021)
    categories = Category.objects.filter(edition=copy).select_related("parent", "rubric")
    assert sorted((c.code, c.parent.code if c.parent else None, c.rubric.name) for c in categories) == [
        ("innovation", None, "创新型课题成果评价表"),
        ("problem_solving", None, "问题解决型课题成果评价表"),
        ("problem_solving_management", "problem_solving", "问题解决型课题成果评价表"),
        ("problem_solving_onsite", "problem_solving", "问题解决型课题成果评价表"),
        ("problem_solving_service", "problem_solving", "问题解决型课题成果评价表"),
        ("problem_solving_tackling", "problem_solving", "问题解决型课题成果评价表"),
    ]
    # Parents and rubrics are the copy's own rows, not last year's.
    assert {c.parent.edition_id for c in categories if c.parent} == {copy.pk}
    assert {c.rubric.edition_id for c in categories} == {copy.pk}


def test_edition_copy_refuses_a_year_that_already_has_an_edition(qc_2020):
    services.edition_copy(actor=None, source=qc_2020, year=2021)
    with pytest.raises(BusinessRuleError) as error:
        services.edition_copy(actor=None, source=qc_2020, year=2021)
    assert str(error.value) == "This programme already has an edition for 2021."
    assert Edition.objects.filter(programme=qc_2020.programme, year=2021).count() == 1


def test_edition_copy_is_audited_with_its_source(qc_2020, staff):
    copy = services.edition_copy(actor=staff, source=qc_2020, year=2021)
    entry = AuditEntry.objects.get(action="edition.copied", object_id=str(copy.pk))
    assert (entry.actor, entry.changes) == (staff, {"copied_from": [None, qc_2020.pk], "year": [None, 2021]})
