import datetime

import pytest
import time_machine

from awards import services
from awards.enums import PhaseKind
from awards.models import Phase

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def application(qc_2020):
    return Phase.objects.get(edition=qc_2020, kind=PhaseKind.APPLICATION)


@pytest.mark.parametrize(
    ("beijing", "is_open"),
    [
        ((2020, 6, 28, 8, 59), False),
        ((2020, 6, 28, 9, 0), True),
        ((2020, 7, 12, 21, 59), True),
        ((2020, 7, 12, 22, 0), False),
        ((2020, 7, 13, 0, 1), False),
    ],
)
def test_phase_is_open_to_the_minute_in_beijing_time(application, beijing, is_open):
    with time_machine.travel(services.local_datetime(*beijing), tick=False):
        assert application.is_open() is is_open


def test_phase_is_open_compares_instants_not_utc_dates(application):
    # 21:59 in Beijing on 12 July is 13:59 UTC the same day; 22:00 Beijing is 14:00 UTC.
    assert application.is_open(datetime.datetime(2020, 7, 12, 13, 59, tzinfo=datetime.UTC)) is True
    assert application.is_open(datetime.datetime(2020, 7, 12, 14, 0, tzinfo=datetime.UTC)) is False


def test_phase_str_shows_beijing_time(application):
    assert str(application) == "Online application 2020-06-28 09:00 – 2020-07-12 22:00"
