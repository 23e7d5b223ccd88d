"""Every read of notifications that a view or a service needs, scoped to the user where it is theirs."""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from applications.enums import Action
from awards.models import Programme

from .defaults import Wording, default_for
from .models import LanguagePreference, MailTemplate, PortalMessage


def languages_of(user_ids: list[int]) -> dict[int, str]:
    return dict(LanguagePreference.objects.filter(user_id__in=user_ids).values_list("user_id", "language"))


def language_of(user) -> str | None:
    return LanguagePreference.objects.filter(user=user).values_list("language", flat=True).first()


def wording_for(*, programme_id: int, event: str) -> Wording:
    """The programme's own wording of a notice, or the default one."""
    template = MailTemplate.objects.filter(programme_id=programme_id, event=event).first()
    if template is None:
        return default_for(event)
    return Wording(template.subject_zh, template.body_zh, template.subject_en, template.body_en)


# --- Inbox ------------------------------------------------------------------------------------------------------


def inbox(user):
    """The user's portal messages, newest first (one query per page, whatever the number of rows)."""
    return PortalMessage.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    return PortalMessage.objects.filter(recipient=user, read_at__isnull=True).count()


def message_for(user, pk: int) -> PortalMessage:
    """One of the user's messages; anybody else's is not found (its existence is not their business)."""
    return get_object_or_404(PortalMessage, pk=pk, recipient=user)


# --- Mail templates (staff) -------------------------------------------------------------------------------------


def programme_for_templates(pk: int) -> Programme:
    return get_object_or_404(Programme, pk=pk)


@dataclass(frozen=True)
class NoticeRow:
    event: str
    label: str
    wording: Wording
    template: MailTemplate | None

    @property
    def is_custom(self) -> bool:
        return self.template is not None


def notice_rows(programme: Programme) -> list[NoticeRow]:
    """One row per move that sends a notice, with the programme's own wording where it has one (one query)."""
    own = {template.event: template for template in MailTemplate.objects.filter(programme=programme)}
    rows = []
    for action in Action:
        template = own.get(action.value)
        wording = (
            Wording(template.subject_zh, template.body_zh, template.subject_en, template.body_en)
            if template
            else default_for(action.value)
        )
        rows.append(NoticeRow(event=action.value, label=action.label, wording=wording, template=template))
    return rows


def event_or_404(event: str) -> str:
    if event not in Action.values:
        raise Http404
    return event
