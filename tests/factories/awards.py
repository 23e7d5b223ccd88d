"""Factories for awards: programmes and editions configured like the real ones.

An edition is made by `awards.services.edition_create`, so it carries the default categories (with sub-types),
rubrics, questions, attachment requirements and the seed-001 calendar of its year. `window=` moves the schedule
relative to now (`timezone.now()`, so time-machine's `travel` applies):

- "open": the application window opened 10 days ago at 09:00 and closes in 10 days at 22:00 (Beijing);
- "closed": the window closed yesterday at 22:00; the later phases (review, results) still run;
- "past": every phase is over (the window closed 200 days ago);
- "upcoming": the window opens in 10 days at 09:00;
- None: the default calendar of `year` (28 June 09:00 – 12 July 22:00 for the application).
"""

import datetime

import factory
from django.utils import timezone

from awards import services
from awards.demo import schedule_around_application
from awards.enums import ApplicantKind, ProgrammeKind
from awards.models import Edition, Programme

APPLICANT_KIND = {
    ProgrammeKind.QC_ACHIEVEMENT: ApplicantKind.GROUP,
    ProgrammeKind.TECHNOLOGY_AWARD: ApplicantKind.UNIT,
    ProgrammeKind.BENCHMARK: ApplicantKind.UNIT,
    ProgrammeKind.TACKLING: ApplicantKind.CONSORTIUM,
}
NAMES = {
    ProgrammeKind.QC_ACHIEVEMENT: "上海市质量管理小组活动成果",
    ProgrammeKind.TECHNOLOGY_AWARD: "上海市质量协会质量技术奖",
    ProgrammeKind.BENCHMARK: "工业企业质量标杆",
    ProgrammeKind.TACKLING: "产业质量攻关",
}

# (days from today the window opens, days from today it closes), in Beijing dates; opens 09:00, closes 22:00.
WINDOWS = {"open": (-10, 10), "closed": (-20, -1), "past": (-214, -200), "upcoming": (10, 24)}


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    kind = ProgrammeKind.QC_ACHIEVEMENT
    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.LazyAttributeSequence(lambda o, n: f"{NAMES[o.kind]}{n}")
    applicant_kind = factory.LazyAttribute(lambda o: APPLICANT_KIND[o.kind])
    is_active = True


def _local(day: datetime.date, hour: int) -> datetime.datetime:
    return services.local_datetime(day.year, day.month, day.day, hour, 0)


def set_window(edition: Edition, window: str) -> Edition:
    """Move the edition's schedule so that its application window is `window` (see the module docstring)."""
    opens_in, closes_in = WINDOWS[window]
    today = timezone.localdate()
    schedule_around_application(
        edition,
        starts_at=_local(today + datetime.timedelta(days=opens_in), 9),
        ends_at=_local(today + datetime.timedelta(days=closes_in), 22),
    )
    return edition


class EditionFactory(factory.Factory):
    """`EditionFactory(programme=..., year=..., window="open")`; built through `services.edition_create`."""

    class Meta:
        model = Edition

    programme = factory.SubFactory(ProgrammeFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = ""
    window = None
    actor = None

    @classmethod
    def _create(cls, model_class, *, programme, year, title, window, actor):
        edition = services.edition_create(actor=actor, programme=programme, year=year, title=title)
        if window:
            set_window(edition, window)
        return Edition.objects.get(pk=edition.pk)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("Editions are created through services.edition_create; use create().")


def _programme(kind, programme):
    return programme or ProgrammeFactory(kind=kind)


def open_edition(kind: str = ProgrammeKind.QC_ACHIEVEMENT, *, programme=None, **kwargs) -> Edition:
    """An edition of a new programme of `kind` whose application window is open now."""
    return EditionFactory(programme=_programme(kind, programme), window="open", **kwargs)


def closed_edition(kind: str = ProgrammeKind.QC_ACHIEVEMENT, *, programme=None, **kwargs) -> Edition:
    """An edition whose application window closed yesterday (its review phases still run)."""
    return EditionFactory(programme=_programme(kind, programme), window="closed", **kwargs)


def past_edition(kind: str = ProgrammeKind.QC_ACHIEVEMENT, *, programme=None, **kwargs) -> Edition:
    """An edition whose every phase is over."""
    return EditionFactory(programme=_programme(kind, programme), window="past", **kwargs)
