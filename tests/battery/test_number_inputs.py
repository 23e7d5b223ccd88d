"""Numbers typed as "NaN", "sNaN" or "Infinity" parse as Decimals; they must be refused as "not a number", never
raise (defects found by the form fuzzing: a score of "sNaN" and a statistics figure of "NaN" were server errors)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from awards.scores import ScoreField
from recommenders.models import Dossier
from tests.factories import RecommenderFactory, recommender_member
from tests.factories.recommenders import qc_edition
from tests.helpers import client_for

NOT_NUMBERS = ["NaN", "nan", "sNaN", "-sNaN", "Infinity", "-inf", "NaN123"]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_a_score_that_is_not_a_finite_number_is_refused(value):
    item = type("Item", (), {"code": "topic", "max_points": Decimal("15"), "localized": lambda self, f: "选题"})()
    form_field = ScoreField(item, step=Decimal("0.5"))

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        form_field.clean(value)

    assert refused.value.messages == ["“选题”: enter a number."]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity"])
def test_a_statistics_figure_that_is_not_a_finite_number_is_refused(value):
    edition = qc_edition()
    recommender = RecommenderFactory()
    member = recommender_member(recommender)
    fields = edition.statistics_fields
    data = {f["code"]: "10" for f in fields} | {fields[1]["code"]: value}

    response = client_for(member).post(
        reverse("recommenders:recommender_statistics", args=[recommender.pk, edition.pk]), data
    )

    assert response.status_code == 200
    assert f"“{fields[1]['label']}”: enter a number." in response.content.decode()
    assert not Dossier.objects.filter(recommender=recommender, edition=edition).exclude(statistics={}).exists()
