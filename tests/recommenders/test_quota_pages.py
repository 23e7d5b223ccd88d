"""The unit's endorsement quota and the recommender's recommendation quotas: the pages' "n of N" and the
services' refusals count with the same functions (recommenders.selectors), so they agree at the boundary."""

import re

import pytest
from django.urls import reverse

from core.exceptions import BusinessRuleError
from recommenders import selectors, services
from tests.factories import RecommenderFactory, UnitFactory, recommender_member
from tests.factories.recommenders import (
    contact_of,
    endorsed_application,
    qc_edition,
    ranked,
    ready_to_endorse,
    submitted_application,
)
from tests.helpers import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def unit_page_quotas(client, application) -> dict:
    """{kind: (used, quota)} of the quotas the unit's review page shows."""
    page = client.get(reverse("recommenders:unit_application", args=[application.pk])).content.decode()
    return {
        kind: (int(used), int(quota))
        for kind, used, quota in re.findall(
            r'data-testid="unit-quota" data-kind="([a-z_]+)" data-used="(\d+)" data-quota="(\d+)"', page
        )
    }


def queue_badges(client, recommender) -> dict:
    """The queue's quota badges: {"total": "n/N", unit pk: "n/N"}."""
    page = client.get(reverse("recommenders:recommender_queue", args=[recommender.pk])).content.decode()
    badges = {"total": re.search(r'data-testid="quota-total">[^<]*: ([\d/]+)</span>', page).group(1)}
    for unit_pk, used in re.findall(r'data-testid="quota-unit" data-unit="(\d+)">[^<]*: ([\d/]+)</span>', page):
        badges[int(unit_pk)] = used
    return badges


def test_unit_endorsement_quota_page_and_refusal_agree_at_the_boundary():
    edition = qc_edition(unit_quota=1)
    unit = UnitFactory(recommender=RecommenderFactory())
    contact = contact_of(unit)
    client = client_for(contact)
    first, second = (
        ready_to_endorse(submitted_application(edition=edition, unit=unit, title=title), contact)
        for title in ("课题一", "课题二")
    )

    assert unit_page_quotas(client, first)["unit_endorsements"] == (0, 1)
    services.unit_endorse(actor=contact, application=first)
    assert unit_page_quotas(client, second)["unit_endorsements"] == (1, 1)

    with pytest.raises(BusinessRuleError) as error:
        services.unit_endorse(actor=contact, application=second)
    assert (error.value.code, error.value.message) == (
        "quota",
        "Your unit has already endorsed 1 application(s); this edition allows 1 per unit.",
    )
    assert selectors.unit_endorsements_used(edition, unit.pk) == 1


@pytest.fixture
def recommending():
    """A recommender with one unit and a deciding member; two endorsed applications of one category."""
    recommender = RecommenderFactory(name="浦东新区市场监督管理局")
    unit = UnitFactory(recommender=recommender, name="上海华瑞精密机械有限公司")
    return {"recommender": recommender, "unit": unit, "member": recommender_member(recommender)}


QUOTAS = {
    # quota field set to 1 (the others lifted) → what the page shows at the boundary, and the refusal
    "recommender_total_quota": (
        "total",
        "Your organisation has already recommended 1 application(s), its quota for this edition.",
    ),
    "recommend_per_unit": (
        "unit",
        "上海华瑞精密机械有限公司 already has 1 recommended application(s); at most 1 per unit.",
    ),
    "recommend_per_unit_category": (
        "unit_category",
        "上海华瑞精密机械有限公司 already has 1 recommended application(s) of the type “问题解决型”; "
        "at most 1 per unit and type.",
    ),
}


@pytest.mark.parametrize("field", list(QUOTAS))
def test_recommendation_quota_page_and_refusal_agree_at_the_boundary(recommending, field):
    lifted = {"recommender_total_quota": None, "recommend_per_unit": None, "recommend_per_unit_category": None}
    edition = qc_edition(**(lifted | {field: 1}))
    recommender, unit, member = recommending["recommender"], recommending["unit"], recommending["member"]
    first = endorsed_application(edition=edition, unit=unit, title="课题一")
    second = endorsed_application(edition=edition, unit=unit, title="课题二")
    ranked(member, first, second)
    waiting = submitted_application(edition=edition, unit=unit, title="课题三")  # at the unit: its page shows quotas
    client = client_for(member)
    contact_client = client_for(contact_of(unit))
    shown, refusal = QUOTAS[field]

    def page_figure():
        if shown == "total":
            return queue_badges(client, recommender)["total"]
        if shown == "unit":
            return queue_badges(client, recommender)[unit.pk]
        used, quota = unit_page_quotas(contact_client, waiting)["per_unit_category"]
        return f"{used}/{quota}"

    assert page_figure() == "0/1"
    services.recommender_decide(
        actor=member, application=first, recommender=recommender, recommend=True, opinion="同意"
    )
    assert page_figure() == "1/1"

    with pytest.raises(BusinessRuleError) as error:
        services.recommender_decide(
            actor=member, application=second, recommender=recommender, recommend=True, opinion="同意"
        )
    assert (error.value.code, error.value.message) == ("quota", refusal)
