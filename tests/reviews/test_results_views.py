"""The staff results page and the summary requests: staff see the table per category with flags, the unit's and
the recommender's scores and names or codes; experts and units get neither the page nor the summary."""

from decimal import Decimal

import pytest
from django.urls import reverse

from documents.models import Document
from reviews.documents import ROUND_SUMMARY_PDF, ROUND_SUMMARY_XLSX
from reviews.enums import Aggregation
from tests.documents.authz import stored_document
from tests.factories import staff_user
from tests.factories.recommenders import contact_of, qc_edition, self_evaluated, submitted_application
from tests.factories.reviews import assigned, pool_expert, review_round, scored
from tests.helpers import client_for

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def world():
    edition = qc_edition()
    round_ = review_round(edition, aggregation=Aggregation.MEAN, outlier_points=Decimal("15"), blind=True)
    experts = [pool_expert(edition.programme, full_name=name) for name in ("王慧敏", "刘振华", "张建国")]
    application = submitted_application(edition=edition, title="降低数控车床加工件尺寸超差率")
    for expert, total in zip(experts, (80, 82, 60), strict=True):
        scored(assigned(round_, application, expert), total)
    self_evaluated(application, contact_of(application.unit))
    return round_, application, experts


def test_staff_see_results_per_category_with_codes_then_names(world):
    round_, application, experts = world
    staff = client_for(staff_user())
    url = reverse("reviews:results_round", args=[round_.pk])

    page = staff.get(url).content.decode()

    assert "降低数控车床加工件尺寸超差率" in page
    assert "74.00" in page and "9.93" in page
    assert 'data-testid="flag-outlier"' in page
    assert 'data-expert="E03"' in page and "张建国" not in page  # blind: codes by default
    assert 'data-testid="self-total"' in page
    assert "—" not in page.split('data-testid="self-total">')[1].split("<")[0]  # the unit's self-evaluation shows
    assert "张建国" in staff.get(url, {"experts": "names"}).content.decode()


def test_staff_request_the_summary_with_names(world, django_capture_on_commit_callbacks):
    round_, _application, _experts = world
    staff = client_for(staff_user())

    with django_capture_on_commit_callbacks(execute=False):
        response = staff.post(
            reverse("reviews:results_summary", args=[round_.pk]), {"format": "pdf", "experts": "names"}
        )

    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.summary_shows_names is True
    assert Document.objects.filter(kind=ROUND_SUMMARY_PDF, owner_id=str(round_.pk)).exists()


@pytest.mark.parametrize("who", ["expert", "unit"])
def test_experts_and_units_get_neither_page_nor_summary(world, who):
    round_, application, experts = world
    user = experts[0].user if who == "expert" else contact_of(application.unit)
    client = client_for(user)
    document = stored_document(ROUND_SUMMARY_XLSX, round_).document

    assert client.get(reverse("reviews:results_round", args=[round_.pk])).status_code == 403
    summary = client.post(reverse("reviews:results_summary", args=[round_.pk]), {"format": "xlsx"})
    assert summary.status_code == 403
    assert client.post(reverse("documents:request", args=[ROUND_SUMMARY_XLSX, round_.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    assert Document.objects.filter(kind=ROUND_SUMMARY_PDF).count() == 0
    round_.refresh_from_db()
    assert round_.summary_shows_names is False


def test_a_closed_rounds_marks_lead_staff_to_the_sheet_correction(world):
    from reviews.models import ScoreSheet
    from reviews.rounds import round_close

    round_, application, _experts = world
    staff = client_for(staff_user())
    url = reverse("reviews:results_round", args=[round_.pk])
    assert 'data-testid="correct-sheet"' not in staff.get(url).content.decode()  # open: the experts still score

    round_close(actor=staff_user(), round=round_)
    page = staff.get(url).content.decode()

    sheets = ScoreSheet.objects.filter(assignment__round=round_, assignment__application=application)
    links = [reverse("reviews:staff_sheet_correct", args=[sheet.pk]) for sheet in sheets]
    assert len(links) == 3 and all(f'href="{link}"' in page for link in links)
    assert staff.get(links[0]).status_code == 200
