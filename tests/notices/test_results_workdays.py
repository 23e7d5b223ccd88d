"""The publicity window in Chinese working days, checked against a hand count across National Day 2026 (Oct 1–7
holidays; Saturday Oct 10 an adjusted working day), and the startup check of the calendar's data."""

import datetime

import pytest

from core.exceptions import BusinessRuleError
from notices import checks, workdays

pytestmark = pytest.mark.unit
SH = workdays.SHANGHAI


def test_seven_working_days_across_national_day_match_the_hand_count():
    # Start Tue Sep 29 09:30. Hand count: Sep 30 (1), [Oct 1–7 holiday], Oct 8 (2), Oct 9 (3), Sat Oct 10 adjusted
    # working day (4), [Sun Oct 11], Oct 12 (5), Oct 13 (6), Oct 14 (7) → Wed Oct 14 09:30.
    start = datetime.datetime(2026, 9, 29, 9, 30, tzinfo=SH)
    assert workdays.window_end(start, 7) == datetime.datetime(2026, 10, 14, 9, 30, tzinfo=SH)


def test_start_on_a_holiday_counts_from_the_next_working_day_and_keeps_the_minute():
    start = datetime.datetime(2026, 10, 1, 15, 47, 31, tzinfo=SH)
    # Oct 8 (1), 9 (2), Sat 10 (3), 12 (4), 13 (5) → Oct 13 15:47.
    assert workdays.window_end(start, 5) == datetime.datetime(2026, 10, 13, 15, 47, tzinfo=SH)


def test_the_end_is_the_same_beijing_time_whatever_the_zone_of_the_start():
    start = datetime.datetime(2026, 9, 29, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Shanghai
    assert workdays.window_end(start, 1) == datetime.datetime(2026, 9, 30, 9, 30, tzinfo=SH)


def test_a_year_without_data_is_refused():
    with pytest.raises(BusinessRuleError):
        workdays.window_end(datetime.datetime(2026, 12, 30, 9, 0, tzinfo=SH), 7)  # runs into 2027


def test_calendar_check():
    assert checks.calendar_has_data(now=datetime.datetime(2026, 6, 1, tzinfo=SH)) == []
    december = checks.calendar_has_data(now=datetime.datetime(2026, 12, 3, tzinfo=SH))
    assert december == []  # next year's data is missing (2027), but that is no problem yet
    assert [m.id for m in checks.calendar_has_data(now=datetime.datetime(2027, 1, 2, tzinfo=SH))] == ["notices.E001"]
