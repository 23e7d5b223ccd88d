"""Deleting a category of an edition: refused with a message while applications use it, confirmed otherwise."""

import pytest
from django.urls import reverse

from awards.models import Category
from tests.factories import staff_user
from tests.factories.applications import draft_application
from tests.factories.awards import open_edition
from tests.helpers import client_for

from .formsets import formset_data, row_of

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def staff_client():
    return client_for(staff_user(email="staff@example.test", full_name="周秘书"))


def _delete_data(client, edition, code):
    url = reverse("awards:edition_categories", args=[edition.pk])
    formset = client.get(url, HTTP_ACCEPT_LANGUAGE="en").context["formset"]
    data = formset_data(formset)
    data[f"categories-{row_of(formset, code=code)}-DELETE"] = "on"
    return url, data


def test_deleting_a_category_used_by_applications_is_refused_with_a_message(staff_client):
    edition = open_edition()
    draft_application(edition=edition, category="innovation", complete=False)
    draft_application(edition=edition, category="innovation", complete=False)
    url, data = _delete_data(staff_client, edition, "innovation")
    response = staff_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    innovation = Category.objects.get(edition=edition, code="innovation")
    assert [str(e) for e in response.context["formset"].non_form_errors()] == [
        f"“{innovation}” cannot be deleted: 2 applications use it. Keep it (you may rename it), "
        "or have those applications moved to another category first."
    ]


def test_deleting_an_unused_category_asks_to_confirm_then_deletes(staff_client):
    edition = open_edition()
    url, data = _delete_data(staff_client, edition, "innovation")
    innovation = Category.objects.get(edition=edition, code="innovation")
    response = staff_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert Category.objects.filter(pk=innovation.pk).exists()
    html = response.content.decode()
    assert 'data-testid="confirm-delete"' in html
    assert f"Delete “{innovation}”? No application uses it" in html
    data["confirm_delete"] = "1"
    response = staff_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert not Category.objects.filter(pk=innovation.pk).exists()
    assert [str(m) for m in response.context["messages"]] == ["Categories saved."]
