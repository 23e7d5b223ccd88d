"""Windows counted in Chinese working days (法定工作日), from the `chinese_calendar` package (pinned; it carries the
State Council's holidays and adjusted working days, year by year: a year without data raises).

The rule (what the publicity notice states): a window of N working days that starts at a given minute ends at the
SAME Beijing clock time on the Nth working day AFTER the start's date; the start's own date never counts, whatever
the hour. Holidays and weekends are skipped, adjusted working days (调休上班, e.g. Saturday 10 October 2026) count.
Example: start Tue 2026-09-29 09:30, 7 working days → Sep 30 (1), Oct 8 (2), Oct 9 (3), Sat Oct 10 (4), Oct 12 (5),
Oct 13 (6), Oct 14 (7) → ends Wed 2026-10-14 09:30 (the National Day holiday Oct 1–7 is skipped).
"""

import datetime
from zoneinfo import ZoneInfo

import chinese_calendar
from django.utils.translation import gettext as _

from core.exceptions import BusinessRuleError

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_WORKING_DAYS = 7


def has_data(year: int) -> bool:
    """Whether the calendar knows the holidays of `year`."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as error:
        raise BusinessRuleError(
            _("The holiday calendar has no data for %(year)s; update the chinese-calendar package.")
            % {"year": day.year},
            code="no_calendar",
        ) from error


def window_end(starts_at: datetime.datetime, working_days: int = DEFAULT_WORKING_DAYS) -> datetime.datetime:
    """The end of a window of `working_days` working days starting at `starts_at` (aware), to the minute, in
    Beijing time (see the module docstring)."""
    if working_days < 1:
        raise BusinessRuleError(_("A window lasts at least one working day."), code="working_days")
    local = starts_at.astimezone(SHANGHAI).replace(second=0, microsecond=0)
    day = local.date()
    counted = 0
    while counted < working_days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.datetime.combine(day, local.timetz()).replace(tzinfo=SHANGHAI)
