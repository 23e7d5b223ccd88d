"""Awarded and award-confirmed applications for the books and shared cases of notices.

edition, apps = awarded_edition([("problem_solving", 95), ("innovation", 70)], complete=True)
confirm(apps[0])                  # awarded → award_confirmed through the transition
"""

from applications.models import Application
from applications.services import application_transition
from reviews import levels
from reviews.enums import ReviewStatus
from tests.factories.accounts import staff_user
from tests.factories.applications import draft_application
from tests.factories.recommenders import qc_edition
from tests.factories.reviews_levels import closed_round, level_scheme, result

__all__ = ["awarded_edition", "confirm", "LEVELS"]

LEVELS = [("一等奖", "90", None, None), ("二等奖", "60", None, None)]


def _admitted(edition, category, *, complete, title):
    application = draft_application(edition=edition, category=category, complete=complete, title=title)
    Application.objects.filter(pk=application.pk).update(
        status=ReviewStatus.ADMITTED, number=f"T{edition.year}-{application.pk:05d}"
    )
    return Application.objects.get(pk=application.pk)


def awarded_edition(entries, *, complete=False, edition=None):
    """An edition whose applications (one per (category, score)) are released: score ≥ 60 awarded."""
    edition = edition or qc_edition()
    doc = closed_round(edition, name="材料文审")
    apps = []
    for index, (category, score) in enumerate(entries):
        application = _admitted(edition, category, complete=complete, title=f"课题{index + 1}：降低不良率")
        result(doc, application, score)
        apps.append(application)
    scheme = level_scheme(edition, {doc: 100}, levels=LEVELS)
    assert levels.scheme_release(actor=staff_user(), scheme=scheme) is True
    return edition, [Application.objects.get(pk=a.pk) for a in apps]


def confirm(application, actor=None):
    return application_transition(
        application=application, action="confirm_award", actor=actor or staff_user()
    ).application
