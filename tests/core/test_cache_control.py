"""Pages with personal data are never cached: every response to a signed-in person says `private, no-store`."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils.cache import get_max_age

from core.private_pages import PrivatePagesMiddleware
from tests.factories import recommender_member, staff_user
from tests.factories.applications import submitted_application
from tests.factories.awards import open_edition
from tests.factories.recommenders import endorsed_application, qc_edition
from tests.helpers import client_for

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def submitted():
    return submitted_application(edition=open_edition())


def test_application_page_of_its_applicant(submitted):
    response = client_for(submitted.created_by).get(reverse("applications:detail", args=[submitted.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("name", ["accounts:staff_users", "accounts:staff_audit", "accounts:staff_dashboard"])
def test_staff_console_pages(name):
    response = client_for(staff_user()).get(reverse(name))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_unit_pages(submitted):
    from tests.factories import unit_contact

    contact = unit_contact(submitted.unit)
    client = client_for(contact)
    for url in (
        reverse("recommenders:unit_queue", args=[submitted.unit_id]),
        reverse("accounts:unit_dashboard", args=[submitted.unit_id]),
        reverse("applications:detail", args=[submitted.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_recommender_pages():
    application = endorsed_application(edition=qc_edition())
    recommender = application.unit.recommender
    client = client_for(recommender_member(recommender))
    for url in (
        reverse("recommenders:recommender_queue", args=[recommender.pk]),
        reverse("recommenders:recommender_application", args=[application.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_a_redirect_to_a_signed_in_person_is_private_too(submitted):
    response = client_for(submitted.created_by).get(reverse("accounts:dashboard"))

    assert response.status_code in (200, 302)
    assert {"private", "no-store"} <= directives(response)


def test_never_cache_downloads_keep_their_directives_and_are_private(submitted):
    from applications.models import Attachment

    attachment = Attachment.objects.filter(application=submitted, is_current=True).first()
    response = client_for(submitted.created_by).get(
        reverse("applications:attachment_download", args=[submitted.pk, attachment.pk])
    )

    assert response.status_code == 200
    assert directives(response) == {"max-age=0", "no-cache", "no-store", "must-revalidate", "private"}


def test_anonymous_public_document_check_is_left_alone(client):
    response = client.get(reverse("documents:verify", args=["00000000-0000-4000-8000-000000000000"]))

    assert response.status_code == 404
    assert not response.has_header("Cache-Control")


def test_anonymous_home_page_has_no_cache_control_at_all(client):
    assert not client.get(reverse("home")).has_header("Cache-Control")


def _run(view_response: HttpResponse, user) -> HttpResponse:
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return PrivatePagesMiddleware(lambda request: view_response)(request)


def test_an_explicit_public_cache_control_becomes_private_and_keeps_the_rest():
    view_response = HttpResponse("x")
    view_response["Cache-Control"] = "public, max-age=600"

    response = _run(view_response, staff_user())

    assert directives(response) == {"max-age=600", "private", "no-store"}
    assert get_max_age(response) == 600


def test_an_explicit_cache_control_for_an_anonymous_visitor_is_not_touched():
    view_response = HttpResponse("x")
    view_response["Cache-Control"] = "public, max-age=600"

    response = _run(view_response, AnonymousUser())

    assert response["Cache-Control"] == "public, max-age=600"
