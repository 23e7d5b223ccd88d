import pytest
import time_machine

from awards import services
from awards.enums import PhaseKind
from awards.models import Phase
from awards.selectors import EditionStatus, editions_with_status, staff_editions
from tests.factories.awards import EditionFactory, closed_edition, open_edition, past_edition

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def status_of(edition, at=None):
    return editions_with_status(at).get(pk=edition.pk).status


@pytest.mark.parametrize(
    ("beijing", "status"),
    [
        ((2020, 6, 28, 8, 59), EditionStatus.UPCOMING),
        ((2020, 6, 28, 9, 0), EditionStatus.OPEN),
        ((2020, 7, 12, 21, 59), EditionStatus.OPEN),
        ((2020, 7, 12, 22, 0), EditionStatus.IN_REVIEW),
        ((2020, 12, 31, 16, 59), EditionStatus.IN_REVIEW),
        ((2020, 12, 31, 17, 0), EditionStatus.CLOSED),
    ],
)
def test_edition_status_follows_the_schedule_to_the_minute(qc_2020, beijing, status):
    assert status_of(qc_2020, services.local_datetime(*beijing)) == status


def test_edition_status_is_taken_at_now_by_default(qc_2020):
    with time_machine.travel(services.local_datetime(2020, 7, 1, 12, 0), tick=False):
        assert status_of(qc_2020) == EditionStatus.OPEN


def test_edition_status_without_phases_is_upcoming(qc_2020):
    Phase.objects.filter(edition=qc_2020).delete()
    assert status_of(qc_2020, services.local_datetime(2030, 1, 1)) == EditionStatus.UPCOMING


def test_edition_status_without_application_phase_uses_the_first_phase(qc_2020):
    Phase.objects.filter(edition=qc_2020, kind=PhaseKind.APPLICATION).delete()
    # The endorsement phase starts at the same moment the application would have.
    assert status_of(qc_2020, services.local_datetime(2020, 6, 28, 8, 59)) == EditionStatus.UPCOMING
    assert status_of(qc_2020, services.local_datetime(2020, 7, 1)) == EditionStatus.IN_REVIEW


def test_edition_status_annotates_the_application_window(qc_2020):
    edition = editions_with_status(services.local_datetime(2020, 7, 1)).get(pk=qc_2020.pk)
    assert edition.application_starts_at == services.local_datetime(2020, 6, 28, 9, 0)
    assert edition.application_ends_at == services.local_datetime(2020, 7, 12, 22, 0)
    assert edition.schedule_ends_at == services.local_datetime(2020, 12, 31, 17, 0)


def test_factory_windows_give_the_matching_status():
    editions = {
        "open": open_edition(),
        "closed": closed_edition(),
        "past": past_edition(),
        "upcoming": EditionFactory(window="upcoming"),
    }
    assert {name: status_of(e) for name, e in editions.items()} == {
        "open": EditionStatus.OPEN,
        "closed": EditionStatus.IN_REVIEW,
        "past": EditionStatus.CLOSED,
        "upcoming": EditionStatus.UPCOMING,
    }
    assert editions["open"].application_phase.is_open() is True
    assert editions["closed"].application_phase.is_open() is False


def test_staff_editions_filters_by_status():
    opened, closed = open_edition(), past_edition()
    assert list(staff_editions(status=EditionStatus.OPEN)) == [opened]
    assert list(staff_editions(status=EditionStatus.CLOSED)) == [closed]
    assert list(staff_editions(status=EditionStatus.IN_REVIEW)) == []
