import datetime
import io

import pytest
import time_machine

from awards import demo, services
from awards.enums import ApplicantKind, PhaseKind
from awards.models import Category, Edition, Phase, Programme, Question
from awards.selectors import EditionStatus, editions_with_status
from core.models import AuditEntry
from tests.factories import staff_user

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

NOW = services.local_datetime(2026, 5, 10, 15, 30)


def seed():
    return demo.seed(stdout=io.StringIO())


def snapshot():
    return {
        "programmes": list(Programme.objects.values_list("code", "name", "kind", "applicant_kind").order_by("code")),
        "editions": list(Edition.objects.values_list("programme__code", "year", "title").order_by("pk")),
        "phases": list(Phase.objects.values_list("edition_id", "kind", "starts_at", "ends_at").order_by("pk")),
        "categories": Category.objects.count(),
        "questions": Question.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def seeded():
    with time_machine.travel(NOW, tick=False):
        assert seed() == []
    return snapshot()


def test_demo_seed_creates_the_four_programmes(seeded):
    assert [(code, name, who) for code, name, _kind, who in seeded["programmes"]] == [
        ("IQ", "产业质量攻关", ApplicantKind.CONSORTIUM),
        ("QB", "工业企业质量标杆", ApplicantKind.UNIT),
        ("QC", "上海市质量管理小组活动成果", ApplicantKind.GROUP),
        ("TA", "上海市质量协会质量技术奖", ApplicantKind.UNIT),
    ]


def test_demo_seed_gives_each_programme_a_closed_past_edition_and_an_open_current_one(seeded):
    with time_machine.travel(NOW, tick=False):
        statuses = {(e.programme.code, e.year): e.status for e in editions_with_status()}
    assert statuses == {
        (code, year): status
        for code in ("IQ", "QB", "QC", "TA")
        for year, status in ((2025, EditionStatus.CLOSED), (2026, EditionStatus.OPEN))
    }
    current = Edition.objects.get(programme__code="QC", year=2026)
    assert current.copied_from == Edition.objects.get(programme__code="QC", year=2025)
    assert current.title == "2026年上海市质量管理小组活动成果"


def test_demo_seed_opens_the_window_30_days_ago_until_20_days_ahead_at_2200_beijing(seeded):
    for edition in Edition.objects.filter(year=2026):
        application = edition.phases.get(kind=PhaseKind.APPLICATION)
        assert application.starts_at == services.local_datetime(2026, 4, 10, 9, 0)
        assert application.ends_at == services.local_datetime(2026, 5, 30, 22, 0)
        assert application.ends_at == datetime.datetime(2026, 5, 30, 14, 0, tzinfo=datetime.UTC)


def test_demo_seed_keeps_the_later_phases_in_order_after_the_window(seeded):
    phases = list(Phase.objects.filter(edition__programme__code="QC", edition__year=2026).order_by("starts_at", "id"))
    assert [p.kind for p in phases] == [
        PhaseKind.APPLICATION,
        PhaseKind.UNIT_ENDORSEMENT,
        PhaseKind.RECOMMENDATION,
        PhaseKind.FORMAL_REVIEW,
        PhaseKind.DOCUMENT_REVIEW,
        PhaseKind.PRESENTATION,
        PhaseKind.PUBLIC_NOTICE,
        PhaseKind.RESULTS,
    ]
    by_kind = {p.kind: p for p in phases}
    # The default spacing: endorsement closes 1 day 19 hours after the window, formal review 3 days after that.
    assert by_kind[PhaseKind.UNIT_ENDORSEMENT].ends_at == services.local_datetime(2026, 6, 1, 17, 0)
    assert by_kind[PhaseKind.FORMAL_REVIEW].starts_at == services.local_datetime(2026, 6, 4, 17, 0)
    assert by_kind[PhaseKind.FORMAL_REVIEW].ends_at == services.local_datetime(2026, 6, 7, 17, 0)
    assert all(p.ends_at > p.starts_at for p in phases)
    later = [p for p in phases if p.kind not in (PhaseKind.UNIT_ENDORSEMENT, PhaseKind.RECOMMENDATION)][1:]
    assert all(p.starts_at >= by_kind[PhaseKind.APPLICATION].ends_at for p in later)


def test_demo_seed_twice_changes_nothing(seeded):
    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        seed()
    assert snapshot() == seeded


def test_demo_seed_reopens_a_window_that_has_closed_since(seeded):
    later = NOW + datetime.timedelta(days=40)
    with time_machine.travel(later, tick=False):
        seed()
        assert {e.status for e in editions_with_status().filter(year=2026)} == {EditionStatus.OPEN}
    application = Phase.objects.get(edition__programme__code="QC", edition__year=2026, kind=PhaseKind.APPLICATION)
    assert application.ends_at == services.local_datetime(2026, 7, 9, 22, 0)
    assert Edition.objects.count() == 8


def test_demo_seed_records_the_demo_staff_user_as_actor():
    staff = staff_user(email="staff@demo.saq.test")
    with time_machine.travel(NOW, tick=False):
        seed()
    assert set(AuditEntry.objects.filter(action__startswith="edition.").values_list("actor", "action")) == {
        (staff.pk, "edition.created"),
        (staff.pk, "edition.copied"),
    }


def test_demo_seed_without_the_staff_user_records_no_actor(seeded):
    assert set(AuditEntry.objects.filter(action__startswith="edition.").values_list("actor", flat=True)) == {None}
