"""Every write of notifications: the notices a move of an application sends, mail templates, the inbox.

A move never fails because of a notice: the transition only registers a robust after-commit callback; the
messages are written after the move committed by a Celery task (`mail.transition_notices`), and each mail is its
own Celery task on the `mail` queue, which retries with backoff.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from applications.enums import TRANSITIONS, Action, status_label
from applications.models import Application, ApplicationEvent
from awards.enums import PhaseKind
from core.audit import audit_record, created, diff, snapshot
from core.exceptions import BusinessRuleError

from . import links, selectors
from .defaults import Wording, added_notice, is_notified
from .enums import Language, Party
from .models import LanguagePreference, MailTemplate, PortalMessage
from .placeholders import fill, one_line, unknown_placeholders
from .recipients import Recipient, holder_of, parties_for, recipients

logger = logging.getLogger("saq.notifications")

# The phase whose end is the deadline of each holder (the applicant's may be extended per application).
DEADLINE_PHASE = {
    Party.APPLICANT: PhaseKind.APPLICATION,
    Party.UNIT: PhaseKind.UNIT_ENDORSEMENT,
    Party.RECOMMENDER: PhaseKind.RECOMMENDATION,
}


# --- Notices of a move ------------------------------------------------------------------------------------------


def on_application_transition(sender, *, application: Application, action: str, event=None, **kwargs) -> None:
    """Receiver of `applications.signals.transition_committed`: the move has committed; its notices are written by
    a task (`mail.transition_notices`), so the request that made the move (a submission at the deadline) does not
    wait for recipients, templates and messages. When the task cannot be queued they are written here."""
    if not is_notified(action):
        return
    from .tasks import write_transition_notices

    event_pk = getattr(event, "pk", None)
    try:
        write_transition_notices.delay(application_pk=application.pk, action=action, event_pk=event_pk)
    except Exception:  # the broker is down: write them now rather than lose them
        logger.exception("notices of %s on application %s could not be queued", action, application.pk)
        notify_safely(application_pk=application.pk, action=action, event_pk=event_pk)


def notify_safely(*, application_pk: int, action: str, event_pk: int | None = None) -> None:
    try:
        transition_notify(application_pk=application_pk, action=action, event_pk=event_pk)
    except Exception:  # a notice must never undo or fail a move that committed
        logger.exception("notices of %s on application %s failed", action, application_pk)


def transition_notify(*, application_pk: int, action: str, event_pk: int | None = None) -> list[PortalMessage]:
    """Write the portal messages of the move `event_pk` (or of the latest `action` on the application) and queue
    one mail per message.

    Idempotent: one message per timeline entry and person (a database constraint), so running it twice for the
    same move sends nothing more. Returns the messages created now.
    """
    application = (
        Application.objects.select_related("edition__programme", "group__leader", "unit__recommender")
        .filter(pk=application_pk)
        .first()
    )
    events = ApplicationEvent.objects.filter(application_id=application_pk, action=action)
    if event_pk is not None:  # a queued task names its move: a later move of the same kind has its own task
        events = events.filter(pk=event_pk)
    event = events.order_by("-pk").first()
    if application is None or event is None:
        return []
    people = recipients(application, parties_for(event.from_status, event.to_status), holder=holder_of(event.to_status))
    languages = selectors.languages_of([person.user.pk for person in people])
    wording = selectors.wording_for(programme_id=application.edition.programme_id, event=action)
    made = []
    with transaction.atomic():
        for person in people:
            language = languages.get(person.user.pk, default_language())
            subject, body, path = _compose(application, event, person, wording, language)
            try:
                with transaction.atomic():
                    message = PortalMessage.objects.create(
                        recipient=person.user,
                        application=application,
                        application_event=event,
                        event=action,
                        language=language,
                        subject=subject,
                        body=body,
                        link=path,
                    )
            except IntegrityError:
                continue  # told about this move already
            made.append(message)
            transaction.on_commit(_mail_after_commit(message.pk), robust=True)
    return made


def _mail_after_commit(message_pk: int):
    def queue_mail():
        from .tasks import send_portal_message_mail

        try:
            send_portal_message_mail.delay(message_id=message_pk)
        except Exception:  # the broker is down, or an eager send gave up after its retries: the move stands
            logger.exception("mail of portal message %s could not be queued or sent", message_pk)

    return queue_mail


def default_language() -> str:
    return Language.EN if settings.LANGUAGE_CODE == Language.EN else Language.ZH


def _deadline(application: Application, party: Party | None) -> str:
    phase_kind = DEADLINE_PHASE.get(party)
    phase = application.edition.phase(phase_kind) if phase_kind else None
    ends = phase.ends_at if phase else None
    if party == Party.APPLICANT and application.deadline_extended_until:
        ends = max(filter(None, [ends, application.deadline_extended_until]))
    return f"{timezone.localtime(ends):%Y-%m-%d %H:%M}" if ends else "—"


def values_for(application: Application, event: ApplicationEvent, person: Recipient, language: str) -> dict:
    """The placeholder values of one notice, in the recipient's language."""
    path = links.path_for(person.party, application.pk)
    with override(language):
        status = str(status_label(event.to_status))
    recommender = application.unit.recommender
    values = {
        "application_number": application.number or "—",
        "title": application.title,
        "edition": application.edition.title,
        "applicant": application.group.name if application.group_id else application.unit.name,
        "group": application.group.name if application.group_id else "—",
        "unit": application.unit.name,
        "recommender": recommender.name if recommender else "—",
        "status": status,
        "reason": event.note.strip() or "—",
        "link": links.absolute(path),
        "deadline": _deadline(application, holder_of(event.to_status)),
        "recipient": person.user.full_name or person.user.email,
    }
    notice = added_notice(event.action)
    if notice is not None and notice.values is not None:
        with override(language):
            values.update({name: str(value) for name, value in notice.values(application, event).items()})
    return values


def render(wording: Wording, language: str, values: dict) -> tuple[str, str]:
    """(subject, body) of a wording in one language with the values filled in: plain text, subject on one line."""
    if language == Language.EN:
        subject, body = wording.subject_en, wording.body_en
    else:
        subject, body = wording.subject_zh, wording.body_zh
    return one_line(fill(subject, values))[:200], fill(body, values)


def _compose(application, event, person, wording, language) -> tuple[str, str, str]:
    values = values_for(application, event, person, language)
    subject, body = render(wording, language, values)
    return subject, body, links.path_for(person.party, application.pk)


def preview(*, wording: Wording, event: str, language: str) -> tuple[str, str]:
    """(subject, body) of a wording filled in with sample data, as a recipient in `language` would read it."""
    with override(language):
        status = str(status_label(TRANSITIONS[event][1]))
    english = language == Language.EN
    values = {
        "application_number": "QC-2026-0001",
        "title": "降低焊接返工率",
        "edition": "2026年上海市质量管理小组活动成果",
        "applicant": "精益求精QC小组",
        "group": "精益求精QC小组",
        "unit": "上海示例制造有限公司",
        "recommender": "浦东新区市场监督管理局",
        "status": status,
        "reason": "Please add the baseline survey data." if english else "请补充现状调查数据。",
        "link": links.absolute(links.path_for(Party.APPLICANT, 1)),
        "deadline": "2026-06-30 17:00",
        "recipient": "Zhang San" if english else "张三",
    }
    return render(wording, language, values)


def portal_message_mail(*, message_id: int) -> bool:
    """Mail a portal message to its recipient once. Returns False when there is nothing (more) to send.

    Marks the message mailed under a row lock after the send, so a retried or repeated task sends no second mail
    once one went out. A failing send raises for the task to retry.
    """
    with transaction.atomic():
        message = (
            PortalMessage.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.mailed_at is not None or not message.recipient.email:
            return False
        body = message.body
        send_mail(one_line(message.subject), body, settings.DEFAULT_FROM_EMAIL, [message.recipient.email])
        message.mailed_at = timezone.now()
        message.save(update_fields=["mailed_at"])
    return True


# --- Mail templates ---------------------------------------------------------------------------------------------

TEMPLATE_FIELDS = ["subject_zh", "body_zh", "subject_en", "body_en"]


def check_placeholders(data: dict) -> None:
    unknown = unknown_placeholders(*(data.get(name, "") for name in TEMPLATE_FIELDS))
    if unknown:
        raise BusinessRuleError(
            _("Unknown placeholders: %(names)s. Use only the placeholders listed beside the form.")
            % {"names": "、".join(f"{{{name}}}" for name in unknown)},
            code="unknown_placeholder",
        )


@transaction.atomic
def mail_template_save(*, actor, programme, event: str, data: dict) -> MailTemplate:
    """Create or change a programme's wording of one notice; refuses unknown placeholders. Audited."""
    if event not in Action.values:
        raise BusinessRuleError(_("There is no such notice."))
    check_placeholders(data)
    template = MailTemplate.objects.select_for_update().filter(programme=programme, event=event).first()
    is_new = template is None
    if is_new:
        template = MailTemplate(programme=programme, event=event)
    before = snapshot(template, TEMPLATE_FIELDS)
    for name in TEMPLATE_FIELDS:
        setattr(template, name, data[name])
    template.updated_by = actor
    template.full_clean()
    template.save()
    audit_record(
        actor=actor,
        obj=template,
        action="notifications.template_saved",
        changes=created(template, TEMPLATE_FIELDS) if is_new else diff(before, template),
    )
    return template


@transaction.atomic
def mail_template_reset(*, actor, programme, event: str) -> bool:
    """Drop a programme's own wording of a notice: the default applies again. Returns whether one existed."""
    template = MailTemplate.objects.select_for_update().filter(programme=programme, event=event).first()
    if template is None:
        return False
    audit_record(actor=actor, obj=programme, action="notifications.template_reset", note=template.get_event_display())
    template.delete()
    return True


# --- Inbox ------------------------------------------------------------------------------------------------------


def message_mark_read(*, user, message: PortalMessage) -> PortalMessage:
    if message.recipient_id != user.pk:
        raise BusinessRuleError(_("This message is not yours."))
    if message.read_at is None:
        message.read_at = timezone.now()
        PortalMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
    return message


def messages_mark_all_read(*, user) -> int:
    return PortalMessage.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def language_preference_set(*, user, language: str) -> LanguagePreference:
    if language not in Language.values:
        raise BusinessRuleError(_("Choose Chinese or English."))
    preference, _created = LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})
    return preference
