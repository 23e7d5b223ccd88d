"""Formal-review outcomes mail the group, its unit's contact and its recommender (through notifications), with the
outcome and the reason, in each person's language; the correction notice names the items and the deadline in
Beijing time."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Membership, User
from notifications.models import LanguagePreference, PortalMessage
from reviews import formal
from reviews.enums import FormalOutcome
from tests.factories import UnitFactory, UserFactory, recommender_member, staff_user
from tests.factories.recommenders import contact_of
from tests.factories.reviews import recommended_application

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

REASON = "成果报告缺少效果检查数据。"


@pytest.fixture
def people():
    application = recommended_application()
    member = UserFactory(email="member@group.test")
    Membership.objects.create(user=member, role=Role.GROUP, group=application.group)
    contact = contact_of(application.unit, email="contact@unit.test")
    decider = recommender_member(application.unit.recommender, email="decider@rec.test")
    outsider = contact_of(UnitFactory(recommender=application.unit.recommender), email="outsider@unit.test")
    return application, {
        "leader": application.group.leader,
        "member": member,
        "contact": contact,
        "decider": decider,
        "outsider": outsider,
    }


def _decide(application, capture, **kwargs):
    staff = User.objects.filter(email="staff@saq.test").first() or staff_user(email="staff@saq.test")
    mail.outbox.clear()
    with capture(execute=True):
        formal.formal_review_decide(actor=staff, application=application, **kwargs)
    return {m.to[0]: m for m in mail.outbox}


@pytest.mark.parametrize(
    ("outcome", "subject"),
    [
        (FormalOutcome.ADMIT, "Formal review: admitted to review"),
        (FormalOutcome.NOT_ADMIT, "Formal review: not admitted"),
        (FormalOutcome.DEFER, "Formal review: deferred to next year"),
        (FormalOutcome.REJECT, "Formal review: rejected"),
    ],
)
def test_each_outcome_mails_group_unit_and_recommender_with_the_reason(
    people, outcome, subject, django_capture_on_commit_callbacks
):
    application, who = people
    sent = _decide(application, django_capture_on_commit_callbacks, outcome=outcome, reason=REASON)

    for name in ("leader", "member", "contact", "decider"):
        message = sent[who[name].email]
        assert message.subject.startswith(subject), (name, message.subject)
        assert application.number in message.subject
        assert REASON in message.body
    assert who["outsider"].email not in sent
    assert "staff@saq.test" not in sent
    # One portal message per person, so a repeated decision (a second click) mails nobody again.
    assert PortalMessage.objects.filter(application=application, recipient=who["leader"]).count() == 1
    again = _decide(application, django_capture_on_commit_callbacks, outcome=outcome, reason=REASON)
    assert again == {}


def test_correction_notice_lists_items_and_deadline_in_beijing_time_in_each_language(
    people, django_capture_on_commit_callbacks
):
    application, who = people
    LanguagePreference.objects.create(user=who["contact"], language="zh-hans")
    LanguagePreference.objects.create(user=who["member"], language="en")
    next_year = timezone.now().year + 1
    deadline = datetime.datetime(next_year, 6, 30, 9, 0, tzinfo=datetime.UTC)  # 17:00 in Shanghai
    sent = _decide(
        application,
        django_capture_on_commit_callbacks,
        outcome=FormalOutcome.CORRECT,
        reason=REASON,
        correction_items=["attachments", "limits"],
        correction_deadline=deadline,
    )

    chinese = sent[who["contact"].email]
    assert chinese.subject.startswith("形式审查：请完善后参评")
    assert "- 附件齐全、清晰可读\n- 字数、页数符合要求" in chinese.body
    assert f"{next_year}-06-30 17:00（北京时间）" in chinese.body
    assert REASON in chinese.body
    english = sent[who["member"].email]
    assert english.subject.startswith("Formal review: correct and resubmit")
    assert "- Attachments complete and legible\n- Word and page limits respected" in english.body
    assert f"by {next_year}-06-30 17:00 (Beijing time)" in english.body
    assert {who[n].email for n in ("leader", "member", "contact", "decider")} <= set(sent)
