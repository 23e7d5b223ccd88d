"""Factories of the notices app: `NoticeFactory` (a draft) and `published_notice` (visible, or scheduled)."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from notices.enums import NoticeState
from notices.models import Notice


class NoticeFactory(DjangoModelFactory):
    class Meta:
        model = Notice

    title = factory.Sequence(lambda n: f"关于开展质量活动的通知{n}")
    body = "<p>各有关单位：</p>"
    state = NoticeState.DRAFT


def published_notice(*, minutes_ago: int = 60, **fields) -> Notice:
    """A published notice, visible since `minutes_ago` minutes (negative: scheduled in the future)."""
    at = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=minutes_ago)
    return NoticeFactory(state=NoticeState.PUBLISHED, publish_at=at, **fields)
