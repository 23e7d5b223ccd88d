"""Reads for the notice pages. The public sees a notice only when it is published and its time has come."""

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from awards.models import Programme

from .enums import NoticeState
from .models import Notice, NoticeAttachment


def _visible(at=None) -> Q:
    return Q(state=NoticeState.PUBLISHED, publish_at__lte=at or timezone.now())


def public_notices(*, q: str = "", programme=None, at=None) -> QuerySet[Notice]:
    """Visible notices, pinned first then newest; `q` searches the title and the body's text."""
    qs = (
        Notice.objects.filter(_visible(at))
        .select_related("programme")
        .annotate(attachment_count=Count("attachments"))
        .order_by("-pinned", "-publish_at", "-pk")
    )
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs


def latest_notices(limit: int = 5, at=None) -> list[Notice]:
    return list(public_notices(at=at)[:limit])


def next_due(at=None):
    """When the next scheduled notice appears (None: none is scheduled): public fragments must not outlive it."""
    return Notice.objects.filter(state=NoticeState.PUBLISHED, publish_at__gt=at or timezone.now()).aggregate(
        due=Min("publish_at")
    )["due"]


def filter_programmes(at=None) -> QuerySet[Programme]:
    """Programmes with at least one visible notice, for the public filter."""
    return Programme.objects.filter(notices__in=Notice.objects.filter(_visible(at))).distinct().order_by("code")


def public_notice(pk, at=None) -> Notice:
    try:
        return (
            Notice.objects.filter(_visible(at)).select_related("programme").prefetch_related("attachments").get(pk=pk)
        )
    except Notice.DoesNotExist:
        raise Http404 from None


def attachment_for(user, pk) -> NoticeAttachment:
    """An attachment its notice lets `user` see: any visible notice's for everyone, every notice's for staff."""
    qs = NoticeAttachment.objects.select_related("notice")
    if not user.has_perm("notices.manage_notices"):
        qs = qs.filter(notice__in=Notice.objects.filter(_visible()))
    try:
        return qs.get(pk=pk)
    except NoticeAttachment.DoesNotExist:
        raise Http404 from None


def staff_notices() -> QuerySet[Notice]:
    return (
        Notice.objects.select_related("programme", "author")
        .annotate(attachment_count=Count("attachments"))
        .order_by("-pinned", "-updated_at", "-pk")
    )


def staff_notice(pk) -> Notice:
    try:
        return Notice.objects.select_related("programme", "author").prefetch_related("attachments").get(pk=pk)
    except Notice.DoesNotExist:
        raise Http404 from None


def staff_attachment(pk) -> NoticeAttachment:
    try:
        return NoticeAttachment.objects.select_related("notice").get(pk=pk)
    except NoticeAttachment.DoesNotExist:
        raise Http404 from None
