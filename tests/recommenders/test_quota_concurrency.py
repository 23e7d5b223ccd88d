"""Twenty concurrent "recommend" requests against a quota of two per unit: exactly two pass, eighteen are told why.

On PostgreSQL with real transactions (`transaction=True`): each thread has its own connection, so the row lock
that `recommender_decide` takes on the recommender really serialises them (inside one TestCase transaction, or on
SQLite, the test could pass without the lock doing anything).
"""

import pytest
from django.db import connection

from applications.enums import Status
from applications.models import Application
from recommenders import services
from tests.battery.concurrency import run_at_once
from tests.factories import RecommenderFactory, UnitFactory, recommender_member
from tests.factories.recommenders import endorsed_application, qc_edition, ranked

pytestmark = [pytest.mark.integration]

THREADS = 20
QUOTA_MESSAGE = "上海华瑞精密机械有限公司 already has 2 recommended application(s); at most 2 per unit."


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_recommendations_accept_exactly_the_quota():
    assert connection.vendor == "postgresql"
    # Quota of 2 per unit; the per-category quota is off so only the per-unit rule decides.
    edition = qc_edition(recommend_per_unit=2, recommend_per_unit_category=None)
    recommender = RecommenderFactory(name="浦东新区市场监督管理局")
    unit = UnitFactory(recommender=recommender, name="上海华瑞精密机械有限公司")
    member = recommender_member(recommender)
    applications = [
        endorsed_application(edition=edition, unit=unit, title=f"并发推荐课题{i:02d}") for i in range(THREADS)
    ]
    ranked(member, applications[0], *applications)  # recommending needs the category's complete ranking
    outcomes = [
        (application.pk, outcome.code, outcome.message)
        for application, outcome in zip(
            applications,
            run_at_once(
                [
                    lambda a=a: services.recommender_decide(
                        actor=member, application=a, recommender=recommender, recommend=True, opinion="同意推荐。"
                    )
                    for a in applications
                ]
            ),
            strict=True,
        )
    ]

    assert len(outcomes) == THREADS
    accepted = [pk for pk, code, _message in outcomes if code == "ok"]
    refused = [(code, message) for _pk, code, message in outcomes if code != "ok"]
    assert len(accepted) == 2
    assert refused == [("quota", QUOTA_MESSAGE)] * 18
    statuses = dict(Application.objects.filter(edition=edition).values_list("pk", "status"))
    assert sorted(pk for pk, status in statuses.items() if status == Status.RECOMMENDED) == sorted(accepted)
    assert sum(status == Status.ENDORSED for status in statuses.values()) == 18
