"""Twenty concurrent "recommend" requests against a quota of two per unit: exactly two pass, eighteen are told why.

On PostgreSQL with real transactions (`transaction=True`): each thread has its own connection, so the row lock
that `recommender_decide` takes on the recommender really serialises them (inside one TestCase transaction, or on
SQLite, the test could pass without the lock doing anything).
"""

import threading

import pytest
from django.db import connection, connections

from applications.enums import Status
from applications.models import Application
from core.exceptions import BusinessRuleError
from recommenders import services
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
    barrier = threading.Barrier(THREADS)
    outcomes: list[tuple[int, str, str]] = []
    lock = threading.Lock()

    def attempt(application):
        try:
            barrier.wait(timeout=30)
            try:
                services.recommender_decide(
                    actor=member, application=application, recommender=recommender, recommend=True, opinion="同意推荐。"
                )
                result = (application.pk, "recommended", "")
            except BusinessRuleError as error:
                result = (application.pk, error.code, error.message)
            except Exception as error:
                result = (application.pk, "crash", repr(error))
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=attempt, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(outcomes) == THREADS
    accepted = [pk for pk, code, _message in outcomes if code == "recommended"]
    refused = [(code, message) for _pk, code, message in outcomes if code != "recommended"]
    assert len(accepted) == 2
    assert refused == [("quota", QUOTA_MESSAGE)] * 18
    statuses = dict(Application.objects.filter(edition=edition).values_list("pk", "status"))
    assert sorted(pk for pk, status in statuses.items() if status == Status.RECOMMENDED) == sorted(accepted)
    assert sum(status == Status.ENDORSED for status in statuses.values()) == 18
