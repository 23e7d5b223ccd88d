"""A generated document is exactly as visible as its owner's page: a unit cannot have the scoring form of a group's
unsubmitted draft (the application page answers it 404, so the document does too)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Unit
from documents import registry
from documents.models import Document
from documents.selectors import document_for
from tests.documents.authz import stored_document
from tests.factories import UnitFactory, staff_user
from tests.factories.recommenders import contact_of, draft_application, qc_edition, submitted_application

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

SCORING_OPINION_FORM = "scoring_opinion_form"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def edition():
    return qc_edition(group_registered_before_window=False)


def test_unit_cannot_request_the_scoring_form_of_a_groups_draft(edition):
    draft = draft_application(edition=edition)
    unit = _client(contact_of(draft.unit))

    response = unit.post(reverse("documents:request", args=[SCORING_OPINION_FORM, draft.pk]))

    assert response.status_code == 404
    assert document_for(SCORING_OPINION_FORM, draft) is None
    assert unit.get(reverse("applications:detail", args=[draft.pk])).status_code == 404


def test_unit_cannot_follow_or_download_a_scoring_form_of_a_draft_that_exists(edition):
    draft = draft_application(edition=edition)
    document = stored_document(SCORING_OPINION_FORM, draft).document
    unit = _client(contact_of(draft.unit))

    assert unit.get(reverse("documents:download", args=[document.pk])).status_code == 404
    assert unit.get(reverse("documents:status", args=[document.pk])).status_code == 404
    assert _client(staff_user()).get(reverse("documents:download", args=[document.pk])).status_code == 200


def test_unit_may_request_the_scoring_form_once_the_application_was_submitted(
    edition, django_capture_on_commit_callbacks
):
    application = submitted_application(edition=edition)
    unit = _client(contact_of(application.unit))

    with django_capture_on_commit_callbacks(execute=False):
        response = unit.post(reverse("documents:request", args=[SCORING_OPINION_FORM, application.pk]))

    assert response.status_code == 302
    assert Document.objects.filter(kind=SCORING_OPINION_FORM).count() == 1


def test_the_group_cannot_have_its_units_scoring_form(edition):
    application = submitted_application(edition=edition)
    document = stored_document(SCORING_OPINION_FORM, application).document
    leader = _client(application.group.leader)

    assert leader.get(reverse("documents:download", args=[document.pk])).status_code == 404


def test_unit_cannot_request_the_application_form_of_a_groups_draft(edition):
    draft = draft_application(edition=edition)
    unit = _client(contact_of(draft.unit))

    response = unit.post(reverse("documents:request", args=["application_form", draft.pk]))

    assert response.status_code == 404
    assert not Document.objects.exists()


def test_every_kind_of_the_project_names_its_pages_scope():
    kinds = [entry for entry in registry.kinds() if not entry.kind.startswith("tests.")]

    assert {entry.kind for entry in kinds} >= {
        "application_form",
        "scoring_opinion_form",
        "recommendation_table_xlsx",
        "recommendation_table_pdf",
        "review_summary_xlsx",
        "review_summary_pdf",
        "activity_statistics_xlsx",
    }
    assert [entry.kind for entry in kinds if entry.scope is None] == []


def test_a_kind_needs_both_its_scope_and_its_permission():
    unit = UnitFactory()
    contact = contact_of(unit)
    options = {
        "label": "Unit card",
        "model": "accounts.Unit",
        "build": lambda unit, document: b"%PDF-1.4\n%%EOF\n",
        "filename": lambda unit: "card.pdf",
        "mime_type": registry.PDF,
        "permission": "accounts.view_unit",
    }
    with registry.registered("tests.scoped_nowhere", scope=lambda user: Unit.objects.none(), **options) as nowhere:
        assert nowhere.permits(contact, unit) is False
    with registry.registered("tests.scoped_all", scope=lambda user: Unit.objects.all(), **options) as everywhere:
        assert everywhere.permits(contact, unit) is True
        assert everywhere.permits(contact_of(UnitFactory()), unit) is False  # in scope, but no permission
