"""What the publication of results adds to an application's life (registered from `NoticesConfig.ready()`).

After the release (reviews.workflow_levels) an application is awarded or not awarded and the edition's results go
to the public notice (公示). An objection that is upheld may withdraw an award; finalising the edition confirms
every award that is left; a confirmed award may later be revoked (fraud found). Certificates are issued for, and
verify as valid only while, an application is in `CERTIFIED_STATUSES`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.rules import is_staff_member
from applications.enums import Level
from applications.workflow import AddedAction, AddedStatus, extend
from reviews.checksum import register_standing
from reviews.workflow_levels import LevelStatus


class ResultStatus(models.TextChoices):
    AWARD_CONFIRMED = "award_confirmed", _("Award confirmed")
    AWARD_REVOKED = "award_revoked", _("Award revoked")


class ResultAction(models.TextChoices):
    WITHDRAW_AWARD = "withdraw_award", _("Withdraw the award (objection upheld)")
    CONFIRM_AWARD = "confirm_award", _("Confirm the award")
    REVOKE_AWARD = "revoke_award", _("Revoke the award")


# A certificate is valid while its application is here; a revoked award voids it.
CERTIFIED_STATUSES = frozenset({ResultStatus.AWARD_CONFIRMED})
# What the final results list shows (a revoked award stays on it, marked revoked with its reason).
FINAL_LIST_STATUSES = frozenset({ResultStatus.AWARD_CONFIRMED, ResultStatus.AWARD_REVOKED})

STATUSES = [
    AddedStatus(ResultStatus.AWARD_CONFIRMED, ResultStatus.AWARD_CONFIRMED.label, Level.CLOSED, order=70, closed=True),
    AddedStatus(ResultStatus.AWARD_REVOKED, ResultStatus.AWARD_REVOKED.label, Level.CLOSED, order=70, closed=True),
]

ACTIONS = [
    # Bulk-only moves: the objection's conclusion, the edition's finalisation and the revocation page call them.
    AddedAction(
        ResultAction.WITHDRAW_AWARD,
        ResultAction.WITHDRAW_AWARD.label,
        {LevelStatus.AWARDED},
        LevelStatus.NOT_AWARDED,
        actor=is_staff_member,
    ),
    AddedAction(
        ResultAction.CONFIRM_AWARD,
        ResultAction.CONFIRM_AWARD.label,
        {LevelStatus.AWARDED},
        ResultStatus.AWARD_CONFIRMED,
        actor=is_staff_member,
    ),
    AddedAction(
        ResultAction.REVOKE_AWARD,
        ResultAction.REVOKE_AWARD.label,
        {ResultStatus.AWARD_CONFIRMED},
        ResultStatus.AWARD_REVOKED,
        actor=is_staff_member,
    ),
]


def register() -> None:
    extend(statuses=STATUSES, actions=ACTIONS)
    # For the released results' checksum a confirmation decides nothing new (still awarded); a revocation does.
    register_standing({ResultStatus.AWARD_CONFIRMED: "awarded", ResultStatus.AWARD_REVOKED: "revoked"})
