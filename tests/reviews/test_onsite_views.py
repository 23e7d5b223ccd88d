"""On-site review pages: staff schedule visits (Beijing time, to the minute); the expert's dashboard lists their
visits; the visit page and its photos are for staff and the visit's panel only (a conflicted member loses it)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.conflicts import conflict_declare
from reviews.enums import AssignmentSource
from reviews.models import Assignment, SiteVisit
from tests.factories import staff_user
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import pool_expert, quick_admitted
from tests.factories.reviews_onsite import onsite_round, png_bytes, site_visit, visit_photo
from tests.helpers import client_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def world():
    edition = qc_edition()
    round_ = onsite_round(edition)
    application = quick_admitted(edition)
    member, other = (pool_expert(edition.programme, full_name=n) for n in ("王慧敏", "刘振华"))
    visit = site_visit(round_, application, [member], address="闵行区剑川路 100 号")
    return {
        "edition": edition,
        "round": round_,
        "application": application,
        "member": member,
        "other": other,
        "visit": visit,
    }


def test_staff_schedule_a_visit_in_beijing_time(world):
    application = quick_admitted(world["edition"])
    response = client_for(staff_user()).post(
        reverse("reviews:visit_list", args=[world["round"].pk]),
        {"application": application.pk, "starts_at": "2026-09-08T09:30", "address": "", "experts": [world["other"].pk]},
    )

    assert response.status_code == 302
    visit = SiteVisit.objects.get(application=application)
    assert visit.starts_at == datetime.datetime(2026, 9, 8, 1, 30, tzinfo=datetime.UTC)
    assert visit.address == application.unit.address
    assert Assignment.objects.get(application=application).source == AssignmentSource.VISIT


def test_expert_dashboard_lists_the_visit(world):
    page = client_for(world["member"].user).get(reverse("accounts:expert_dashboard")).content.decode()

    assert 'data-testid="expert-visits"' in page
    assert "闵行区剑川路 100 号" in page and "王慧敏" in page
    assert reverse("reviews:visit_detail", args=[world["visit"].pk]) in page
    other_page = client_for(world["other"].user).get(reverse("accounts:expert_dashboard")).content.decode()
    assert 'data-testid="expert-visits"' not in other_page


def test_visit_page_for_staff_and_panel_only(world):
    url = reverse("reviews:visit_detail", args=[world["visit"].pk])
    member_page = client_for(world["member"].user).get(url)
    assert member_page.status_code == 200
    body = member_page.content.decode()
    assert 'accept="image/*"' in body and 'capture="environment"' in body
    assert reverse("reviews:expert_assignment", args=[world["visit"].application.review_assignments.get().pk]) in body
    assert client_for(staff_user()).get(url).status_code == 200
    assert client_for(world["other"].user).get(url).status_code == 404


def test_conflicted_member_loses_the_visit_and_its_photos(world):
    photo = visit_photo(world["visit"])
    user = world["member"].user
    conflict_declare(
        actor=user,
        round=world["round"],
        expert=world["member"],
        application=world["application"],
        reason="曾在该单位任职",
    )
    client = client_for(user)

    assert client.get(reverse("reviews:visit_detail", args=[world["visit"].pk])).status_code == 404
    assert client.get(reverse("reviews:visit_photo", args=[world["visit"].pk, photo.pk, "thumb"])).status_code == 404


def test_member_uploads_a_photo_and_sees_the_thumbnail(world):
    client = client_for(world["member"].user)
    upload = SimpleUploadedFile("IMG_1.png", png_bytes(), content_type="image/png")

    response = client.post(
        reverse("reviews:visit_photo_upload", args=[world["visit"].pk]), {"photo": upload, "caption": "活动记录本"}
    )

    assert response.status_code == 302
    photo = world["visit"].photos.get()
    page = client.get(reverse("reviews:visit_detail", args=[world["visit"].pk])).content.decode()
    assert reverse("reviews:visit_photo", args=[world["visit"].pk, photo.pk, "thumb"]) in page
    thumb = client.get(reverse("reviews:visit_photo", args=[world["visit"].pk, photo.pk, "thumb"]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert b"".join(thumb.streaming_content)[:3] == b"\xff\xd8\xff"
    other = client_for(world["other"].user)
    assert other.get(reverse("reviews:visit_photo", args=[world["visit"].pk, photo.pk, "full"])).status_code == 404


def test_upload_of_a_non_image_is_refused_with_a_message(world):
    client = client_for(world["member"].user)
    upload = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")

    response = client.post(
        reverse("reviews:visit_photo_upload", args=[world["visit"].pk]), {"photo": upload}, follow=True
    )

    assert not world["visit"].photos.exists()
    assert "not an accepted type" in response.content.decode() or "不是" in response.content.decode()


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context), response.content.decode()


def test_visit_list_queries_same_at_one_and_three_visits(world):
    client = client_for(staff_user())
    url = reverse("reviews:visit_list", args=[world["round"].pk])
    one, page = _queries(client, url)
    assert page.count('data-testid="visit-row"') == 1
    for _ in range(2):
        site_visit(world["round"], quick_admitted(world["edition"]), [world["member"], world["other"]])

    three, page = _queries(client, url)

    assert page.count('data-testid="visit-row"') == 3
    assert three == one


def test_expert_dashboard_queries_same_at_one_and_three_visits(world):
    client = client_for(world["member"].user)
    url = reverse("accounts:expert_dashboard")
    one, page = _queries(client, url)
    assert page.count('data-testid="expert-visit"') == 1
    for _ in range(2):
        site_visit(world["round"], quick_admitted(world["edition"]), [world["member"], world["other"]])

    three, page = _queries(client, url)

    assert page.count('data-testid="expert-visit"') == 3
    assert three == one
