"""Startup check: the holiday calendar must know the current year before a publicity window can be counted in
working days (an Error otherwise). In December a missing next year is reported as Info, not Warning: deployments run
`check --deploy --fail-level WARNING`, and the State Council publishes next year's holidays only in November or
December, so a Warning would fail every deploy for weeks while nothing is wrong yet."""

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
    elif today.month == 12 and not workdays.has_data(today.year + 1):
        problems.append(
            checks.Info(
                f"chinese_calendar has no holiday data for {today.year + 1} yet.",
                hint="Upgrade the pinned chinesecalendar package once next year's holidays are published.",
                id="notices.I001",
            )
        )
    return problems
