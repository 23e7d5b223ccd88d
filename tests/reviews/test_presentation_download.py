"""The group's presentation file from the session page: staff and the session's judges (slots they score) download
it with a safe name; everyone else gets a 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews import presentation
from reviews.declaration import declaration_sign
from reviews.models_presentation import SessionSlot
from tests.factories import staff_user
from tests.factories.awards import open_edition
from tests.factories.reviews import pool_expert
from tests.factories.reviews_presentation import passed_application, presentation_round, presentation_session

from .test_presentation_services import MINIMAL_PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    edition = open_edition()
    apps = [passed_application(edition) for _ in range(2)]
    judge = pool_expert(edition.programme)
    conflicted = pool_expert(edition.programme, employer=apps[0].unit)
    session = presentation_session(presentation_round(edition), apps, judges=[judge, conflicted])
    slots = [SessionSlot.objects.get(application=a) for a in apps]
    presentation.slot_file_upload(
        actor=apps[0].group.leader, slot=slots[0], uploaded_file=SimpleUploadedFile('讲稿"\r\n.pdf', MINIMAL_PDF)
    )
    for expert in (judge, conflicted):
        declaration_sign(actor=expert.user, round=session.round)
    return session, slots, judge, conflicted


def _url(slot):
    return reverse("reviews:presentation_slot_file", args=[slot.pk])


def test_staff_download_with_a_safe_name_and_the_session_page_links_it(client, world):
    session, (slot, empty), _judge, _conflicted = world
    client.force_login(staff_user())

    page = client.get(reverse("reviews:presentation_session", args=[session.pk])).content.decode()
    assert page.count('data-testid="slot-file"') == 1 and _url(slot) in page

    response = client.get(_url(slot))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition
    assert slot.application.number in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    # nothing uploaded: not found
    assert client.get(_url(empty)).status_code == 404


def test_judge_of_the_slot_downloads_a_conflicted_judge_does_not(client, world):
    session, (slot, _empty), judge, conflicted = world
    client.force_login(judge.user)
    assert client.get(_url(slot)).status_code == 200
    sheet = reverse("reviews:presentation_judge_slot", args=[session.pk, slot.pk])
    assert _url(slot) in client.get(sheet).content.decode()
    client.force_login(conflicted.user)  # employed by the slot's unit: the slot is blank for them
    assert client.get(_url(slot)).status_code == 404


def test_other_experts_and_the_group_get_404(client, world):
    session, (slot, _empty), _judge, _conflicted = world
    client.force_login(pool_expert(session.round.edition.programme).user)
    assert client.get(_url(slot)).status_code == 404
    client.force_login(slot.application.group.leader)
    assert client.get(_url(slot)).status_code == 404
    client.logout()
    assert client.get(_url(slot)).status_code == 302
