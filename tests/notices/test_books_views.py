"""The staff pages of books: the edition page (compendium draft or final, package candidates), the package job."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from documents.models import Document
from notices import compendium
from notices.models_books import NationalPackage
from tests.factories.accounts import staff_user
from tests.factories.notices_books import awarded_edition
from tests.helpers import client_for


@pytest.fixture
def staff_client(db):
    return client_for(staff_user())


@pytest.mark.parametrize("rows", [1, 3])
def test_edition_page_queries_and_candidates(staff_client, django_assert_max_num_queries, rows):
    edition, apps = awarded_edition([("problem_solving", 95)] * rows + [("problem_solving", 10)])
    with django_assert_max_num_queries(16):
        response = staff_client.get(reverse("notices:books_edition", args=[edition.pk]))
    text = response.content.decode()
    assert text.count('name="applications"') == rows
    assert 'data-testid="compendium-build"' in text


@pytest.mark.parametrize("rows", [1, 3])
def test_books_index_queries(staff_client, django_assert_max_num_queries, rows):
    from tests.factories.recommenders import qc_edition

    for _ in range(rows):
        qc_edition()
    with django_assert_max_num_queries(10):
        response = staff_client.get(reverse("notices:books_index"))
    assert response.content.decode().count('data-testid="books-edition-row"') == rows


def test_compendium_request_is_a_draft_until_finalised(staff_client, django_capture_on_commit_callbacks):
    edition, (a,) = awarded_edition([("problem_solving", 95)])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("notices:books_compendium", args=[edition.pk]))
    assert Document.objects.get(owner_id=str(edition.pk)).kind == compendium.COMPENDIUM_DRAFT
    from notices import results
    from tests.factories import staff_user
    from tests.notices.results_world import published

    publicity = published(edition, started_ago=datetime.timedelta(days=30))
    assert results.edition_finalise(actor=staff_user(), publicity=publicity) == 1  # confirms a
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("notices:books_compendium", args=[edition.pk]))
    assert Document.objects.filter(kind=compendium.COMPENDIUM, owner_id=str(edition.pk), status="ready").exists()


def test_package_job_from_the_page(staff_client, django_capture_on_commit_callbacks):
    edition, (a, b) = awarded_edition([("problem_solving", 95), ("problem_solving", 80)], complete=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("notices:books_package", args=[edition.pk]), {"applications": [a.pk]})
    package = NationalPackage.objects.get()
    assert response.url == reverse("notices:books_package_status", args=[package.pk])
    assert list(package.applications.all()) == [a]
    status = staff_client.get(response.url)
    assert 'data-status="ready"' in status.content.decode()
    download = staff_client.get(reverse("notices:books_package_download", args=[package.pk]))
    outer = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert outer.namelist() == [f"{a.number}{a.unit.name}.zip"]


def test_package_refuses_an_empty_choice(staff_client):
    edition, _apps = awarded_edition([("problem_solving", 95)])
    staff_client.post(reverse("notices:books_package", args=[edition.pk]), {})
    assert not NationalPackage.objects.exists()
