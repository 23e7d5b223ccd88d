"""Demo notices from the association's real notices (excerpts kept in demo_notices.json, taken from the seed
documents): published through the services, the QC notice pinned, the last one scheduled three days ahead.

Idempotent: a notice is found by its title and left as it is."""

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.html import escape

from awards.models import Programme

from .models import Notice
from .services import notice_create, notice_publish

STAFF_EMAIL = "staff@demo.saq.test"
DATA = Path(__file__).with_name("demo_notices.json")
PINNED = "QC"


def _body(paragraphs) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in paragraphs)


def seed(*, stdout):
    actor = get_user_model().objects.filter(email=STAFF_EMAIL).first()
    entries = json.loads(DATA.read_text(encoding="utf-8"))
    now = timezone.now()
    for index, entry in enumerate(entries):
        if Notice.objects.filter(title=entry["title"]).exists():
            continue
        notice = notice_create(
            actor=actor,
            title=entry["title"],
            body=_body(entry["paragraphs"]),
            programme=Programme.objects.filter(code=entry["programme"]).first(),
            pinned=entry["programme"] == PINNED,
        )
        scheduled = index == len(entries) - 1
        when = now + datetime.timedelta(days=3) if scheduled else now - datetime.timedelta(days=10 * (index + 1))
        notice_publish(actor=actor, notice=notice, publish_at=when)
    stdout.write(f"  notices: {Notice.objects.count()} ({len(entries) - 1} published, 1 scheduled in the demo set)")
    return []
