"""A repeated decision (a double click, a second tab) is answered by the transition in one place: nothing moves,
no timeline entry, no notice, and the checks of a first decision (opinion, phase, ranking) are not asked again."""

import pytest
from django.core import mail

from applications.models import ApplicationEvent
from recommenders import services
from recommenders.enums import Decision, EndorsementLevel
from recommenders.models import Endorsement
from tests.factories import recommender_member
from tests.factories.recommenders import (
    close_unit_endorsement,
    contact_of,
    decided,
    endorsed_application,
    qc_edition,
    ready_to_endorse,
    submitted_application,
)

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def actions(application) -> list[str]:
    return list(
        ApplicationEvent.objects.filter(application=application).order_by("pk").values_list("action", flat=True)
    )


def test_unit_return_twice_keeps_the_first_return(django_capture_on_commit_callbacks):
    application = submitted_application(edition=qc_edition())
    contact, other = contact_of(application.unit), contact_of(application.unit)
    with django_capture_on_commit_callbacks(execute=True):
        services.unit_return(actor=contact, application=application, reason="请补充现状调查数据。")
    mails = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        again = services.unit_return(actor=other, application=application, reason="第二个标签页")

    endorsement = Endorsement.objects.get(application=application, level=EndorsementLevel.UNIT)
    assert (again.status, again.return_reason) == ("returned_to_group", "请补充现状调查数据。")
    assert (endorsement.decision, endorsement.decided_by) == (Decision.RETURNED, contact)
    assert actions(application) == ["create", "submit", "unit_return"]
    assert len(mail.outbox) == mails


def test_unit_endorse_repeated_after_the_phase_closed_is_still_a_no_op():
    edition = qc_edition()
    application = submitted_application(edition=edition)
    contact = contact_of(application.unit)
    ready_to_endorse(application, contact)
    services.unit_endorse(actor=contact, application=application)
    close_unit_endorsement(edition)

    again = services.unit_endorse(actor=contact, application=application)

    assert again.status == "endorsed"
    assert actions(application) == ["create", "submit", "unit_endorse"]


def test_recommend_repeated_without_opinion_is_a_no_op():
    application = endorsed_application(edition=qc_edition())
    member = recommender_member(application.unit.recommender)
    decided(application, member, opinion="经评审，同意推荐。")

    again = services.recommender_decide(
        actor=member, application=application, recommender=application.unit.recommender, recommend=True, opinion=""
    )

    endorsement = Endorsement.objects.get(application=application, level=EndorsementLevel.RECOMMENDER)
    assert (again.status, endorsement.opinion) == ("recommended", "经评审，同意推荐。")
    assert actions(application).count("recommend") == 1
