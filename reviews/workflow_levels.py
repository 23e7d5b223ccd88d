"""What 评定 adds to an application's life: the release moves an admitted application to awarded (its level on
`LevelDecision`) or not awarded. Registered from `ReviewsConfig.ready()` through `applications.workflow.extend`.

Both stay at the association level and open: the public notice (next step) moves them on. Applications that
other review steps move beyond "admitted" join by adding their statuses to `RELEASE_SOURCES`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.rules import is_staff_member
from applications.enums import Level
from applications.workflow import AddedAction, AddedStatus, extend

from .enums import ReviewStatus


class LevelStatus(models.TextChoices):
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")


class LevelAction(models.TextChoices):
    AWARD = "award", _("Award")
    NOT_AWARD = "not_award", _("Do not award")


# The statuses of an application the release decides on (in the combined table: the edition's candidates).
RELEASE_SOURCES = frozenset({ReviewStatus.ADMITTED})

STATUSES = [
    AddedStatus(LevelStatus.AWARDED, LevelStatus.AWARDED.label, Level.ASSOCIATION, order=60),
    AddedStatus(LevelStatus.NOT_AWARDED, LevelStatus.NOT_AWARDED.label, Level.ASSOCIATION, order=60),
]

ACTIONS = [
    AddedAction(
        LevelAction.AWARD, LevelAction.AWARD.label, RELEASE_SOURCES, LevelStatus.AWARDED, actor=is_staff_member
    ),
    AddedAction(
        LevelAction.NOT_AWARD,
        LevelAction.NOT_AWARD.label,
        RELEASE_SOURCES,
        LevelStatus.NOT_AWARDED,
        actor=is_staff_member,
    ),
]


def register() -> None:
    extend(statuses=STATUSES, actions=ACTIONS)
