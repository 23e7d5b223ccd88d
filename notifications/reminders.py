"""Deadline reminders, sent by Celery beat (CELERY_BEAT_SCHEDULE "notifications.send_reminders", hourly):

- a group (or the applying unit) with an unsubmitted draft, 3 days and again 1 day before the window closes;
- a unit with applications waiting for its endorsement, 3 days before the endorsement deadline;
- a recommending organisation with endorsed applications waiting for its decision, 3 days before its deadline.

Each reminder is recorded (`Reminder.key`, unique) in the transaction that queues its mail, so running the job
twice, or after a restart, sends nothing more; a reminder whose moment passed while nothing ran is still sent
while its deadline lies ahead.
"""

import datetime
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Membership
from applications.enums import Level, status_sets
from applications.models import Application
from awards.enums import PhaseKind
from awards.models import Phase
from core.mail import mail_after_commit

from .models import Reminder

DRAFT_STEPS = (("1d", datetime.timedelta(days=1)), ("3d", datetime.timedelta(days=3)))
DECISION_AHEAD = datetime.timedelta(days=3)


def _step(ends_at, now, steps=DRAFT_STEPS) -> str | None:
    """The closest reminder step the deadline is within ("1d" before "3d"), or None when it is further away."""
    left = ends_at - now
    if left <= datetime.timedelta(0):
        return None
    for name, ahead in steps:
        if left <= ahead:
            return name
    return None


def _emails(**organisation) -> list[str]:
    role, field, ids = organisation["role"], organisation["field"], organisation["ids"]
    return sorted(
        set(
            Membership.objects.filter(role=role, is_active=True, user__is_active=True, **{f"{field}__in": ids})
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _send_once(*, key: str, to: list[str], template: str, context: dict) -> bool:
    if not to:
        return False
    try:
        with transaction.atomic():
            Reminder.objects.create(key=key, recipients=len(to))
            mail_after_commit(to=to, template=template, context=context)
    except IntegrityError:
        return False  # sent before
    return True


def _phases_ending(kind: str, now, ahead) -> list[Phase]:
    return list(
        Phase.objects.filter(kind=kind, ends_at__gt=now, ends_at__lte=now + ahead).select_related("edition__programme")
    )


def send_due_reminders(*, now=None) -> list[str]:
    """Send every reminder that is due and was not sent yet; return their keys."""
    now = now or timezone.now()
    sent = []
    for phase in _phases_ending(PhaseKind.APPLICATION, now, DRAFT_STEPS[-1][1]):
        step = _step(phase.ends_at, now)
        drafts = Application.objects.filter(edition=phase.edition, status__in=status_sets().editable).select_related(
            "group", "unit"
        )
        for application in drafts:
            if application.group_id:
                to = _emails(role=Role.GROUP, field="group_id", ids=[application.group_id])
            else:
                to = _emails(role=Role.UNIT, field="unit_id", ids=[application.unit_id])
            key = f"draft:{application.pk}:{step}"
            context = {"application": application, "edition": phase.edition, "deadline": phase.ends_at}
            if _send_once(key=key, to=to, template="notifications/email/reminder_draft", context=context):
                sent.append(key)

    for kind, statuses, role, field, template in (
        (PhaseKind.UNIT_ENDORSEMENT, status_sets().unit_desk, Role.UNIT, "unit_id", "unit"),
        (
            PhaseKind.RECOMMENDATION,
            status_sets().held_by(Level.RECOMMENDER),
            Role.RECOMMENDER,
            "recommender_id",
            "recommender",
        ),
    ):
        for phase in _phases_ending(kind, now, DECISION_AHEAD):
            waiting = defaultdict(int)
            owner = "unit_id" if field == "unit_id" else "unit__recommender_id"
            for organisation_id in Application.objects.filter(edition=phase.edition, status__in=statuses).values_list(
                owner, flat=True
            ):
                waiting[organisation_id] += 1
            for organisation_id, count in sorted(waiting.items()):
                key = f"{template}:{phase.edition_id}:{organisation_id}:3d"
                to = _emails(role=role, field=field, ids=[organisation_id])
                context = {"edition": phase.edition, "deadline": phase.ends_at, "count": count}
                if _send_once(key=key, to=to, template=f"notifications/email/reminder_{template}", context=context):
                    sent.append(key)
    return sent
