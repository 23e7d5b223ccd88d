"""Startup check: the holiday calendar must know the current year before a publicity window can be counted in
working days (an Error otherwise). Next year's data is not checked here: the State Council publishes the holidays
only in November or December, and any message (even Info) would show on every deploy's `check --deploy` while
nothing is wrong yet; publishing a window that would run into a year without data is refused with a message."""

from django.core import checks
from django.utils import timezone

from . import workdays


@checks.register()
def calendar_has_data(app_configs=None, now=None, **kwargs):
    today = (now or timezone.now()).astimezone(workdays.SHANGHAI).date()
    problems = []
    if not workdays.has_data(today.year):
        problems.append(
            checks.Error(
                f"chinese_calendar has no holiday data for {today.year}: publicity windows cannot be counted.",
                hint="Upgrade the pinned chinesecalendar package.",
                id="notices.E001",
            )
        )
    return problems
