"""The applications demo seeder: the demo group's draft and submitted entry, real files, idempotent."""

import io

import pytest
from django.urls import reverse

from accounts import demo as accounts_demo
from applications import demo
from applications.enums import Status
from applications.models import Application, ApplicationEvent, Attachment
from applications.services import application_problems
from awards import demo as awards_demo
from core.files import sniff_content_type

from .conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def seeded():
    out = io.StringIO()
    accounts_demo.seed(stdout=out)
    awards_demo.seed(stdout=out)
    return demo.seed(stdout=out)


def _snapshot():
    return {
        model.__name__: sorted(model.objects.values_list(), key=repr)
        for model in (Application, ApplicationEvent, Attachment)
    }


def _demo_applications():
    return Application.objects.filter(group__leader__email=demo.LEADER_EMAIL).select_related("edition")


def test_demo_group_has_a_submitted_and_a_draft_in_the_open_qc_edition(seeded):
    year = Application.objects.get(title=demo.SUBMITTED_TITLE).edition.year
    current = {a.title: a for a in _demo_applications() if a.edition.year == year}

    submitted, draft = current[demo.SUBMITTED_TITLE], current[demo.DRAFT_TITLE]
    assert (submitted.status, submitted.number) == (Status.SUBMITTED, f"QC-{year}-0001")
    assert (draft.status, draft.number) == (Status.DRAFT, None)
    assert list(submitted.events.values_list("action", flat=True)) == ["create", "submit"]
    assert [(a.original_name, a.mime_type) for a in submitted.attachments.order_by("requirement__position")] == [
        (f"{demo.SUBMITTED_TITLE}-成果报告.pdf", "application/pdf"),
        ("申报表盖章扫描件.png", "image/png"),
    ]
    for attachment in submitted.attachments.all():
        assert sniff_content_type(attachment.file.read()) == attachment.mime_type
    assert submitted.similar_topics == [
        {"number": f"QC-{year - 1}-0001", "title": demo.PAST_TITLE, "year": year - 1, "similarity": 0.97}
    ]
    assert len(submitted.group.members.all()) == 6
    assert all(p.startswith(("Answer", "Upload")) for p in application_problems(draft))  # can be completed
    others = Application.objects.filter(edition__year=year, status=Status.SUBMITTED).values_list("number", flat=True)
    assert sorted(others) == [f"QC-{year}-{n:04d}" for n in range(1, len(demo.OTHER_TITLES) + 2)]
    page = client_for(submitted.group.leader).get(reverse("accounts:group_dashboard", args=[submitted.group_id]))
    assert submitted.number in page.content.decode() and demo.DRAFT_TITLE in page.content.decode()
    assert seeded == [
        ("group@demo.saq.test", f"申报 QC-{year}-0001（已提交）和一份草稿 / one submitted application and a draft")
    ]


def test_demo_seed_twice_changes_nothing(seeded):
    before = _snapshot()
    assert demo.seed(stdout=io.StringIO()) == seeded
    assert _snapshot() == before
