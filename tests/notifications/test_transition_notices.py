"""Each move of an application tells the people who hold or held it: one mail each and one portal message each,
with the programme's wording, in the recipient's language, after the move committed; a failing mail never fails
the move."""

import smtplib

import pytest
from django.core import mail

from accounts.enums import Role
from accounts.models import Membership, Unit
from applications.enums import Action, Status
from applications.services import application_submit, application_withdraw
from notifications import services as notification_services
from notifications.models import LanguagePreference, PortalMessage
from recommenders import services as recommender_services
from tests.factories import staff_user
from tests.factories.awards import ProgrammeFactory
from tests.factories.recommenders import contact_of, draft_application, ranked, ready_to_endorse

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

GROUP = {"leader", "member"}
UNIT = {"contact"}
RECOMMENDER = {"decider", "reviewer"}


def submitted(people):
    return application_submit(actor=people.leader, application=people.application)


def endorsed(people):
    application = submitted(people)
    ready_to_endorse(application, people.contact)
    return recommender_services.unit_endorse(actor=people.contact, application=application)


def endorsed_and_ranked(people):
    """Endorsed, and ranked by the recommender (ranks come before a recommendation)."""
    application = endorsed(people)
    ranked(people.decider, application)
    return application


# action: (bring the application to where the move starts, make the move, who is told)
MOVES = {
    Action.SUBMIT: (
        lambda p: p.application,
        lambda p, a: application_submit(actor=p.leader, application=a),
        GROUP | UNIT,
    ),
    Action.WITHDRAW: (submitted, lambda p, a: application_withdraw(actor=p.leader, application=a), GROUP | UNIT),
    Action.UNIT_RETURN: (
        submitted,
        lambda p, a: recommender_services.unit_return(actor=p.contact, application=a, reason="请补充现状调查数据。"),
        GROUP | UNIT,
    ),
    Action.UNIT_ENDORSE: (
        lambda p: ready_to_endorse(submitted(p), p.contact),
        lambda p, a: recommender_services.unit_endorse(actor=p.contact, application=a),
        GROUP | UNIT | RECOMMENDER,
    ),
    Action.RECOMMENDER_RETURN: (
        endorsed,
        lambda p, a: recommender_services.recommender_return(
            actor=p.decider, application=a, recommender=p.recommender, reason="自评分偏高，请复核。"
        ),
        GROUP | UNIT | RECOMMENDER,
    ),
    Action.RECOMMEND: (
        endorsed_and_ranked,
        lambda p, a: recommender_services.recommender_decide(
            actor=p.decider, application=a, recommender=p.recommender, recommend=True, opinion="同意推荐。"
        ),
        GROUP | UNIT | RECOMMENDER,
    ),
    Action.DECLINE: (
        endorsed,
        lambda p, a: recommender_services.recommender_decide(
            actor=p.decider, application=a, recommender=p.recommender, recommend=False, opinion="数据不足。"
        ),
        GROUP | UNIT | RECOMMENDER,
    ),
    Action.RECONSIDER: (
        lambda p: recommender_services.recommender_decide(
            actor=p.decider,
            application=endorsed_and_ranked(p),
            recommender=p.recommender,
            recommend=True,
            opinion="同意推荐。",
        ),
        lambda p, a: recommender_services.recommender_reconsider(
            actor=p.decider, application=a, recommender=p.recommender
        ),
        GROUP | UNIT | RECOMMENDER,
    ),
}

SUBJECTS = {
    Action.SUBMIT: "Application {number} submitted: {title}",
    Action.WITHDRAW: "Application withdrawn: {number} {title}",
    Action.UNIT_RETURN: "Application returned by the unit: {number} {title}",
    Action.UNIT_ENDORSE: "Endorsed by the unit: {number} {title}",
    Action.RECOMMENDER_RETURN: "Application returned by the recommending organisation: {number} {title}",
    Action.RECOMMEND: "Application recommended: {number} {title}",
    Action.DECLINE: "Application not recommended: {number} {title}",
    Action.RECONSIDER: "Recommendation decision reopened: {number} {title}",
}


def move(people, action, capture):
    prepare, make, _told = MOVES[action]
    application = prepare(people)
    mail.outbox.clear()
    with capture(execute=True):
        result = make(people, application)
    return result


def told(people, outbox) -> dict[str, list[str]]:
    """{person: [subjects of the mails they got]} by the fixture's names."""
    names = {getattr(people, name).email: name for name in ("leader", "member", "contact", "decider", "reviewer")}
    names[people.outsider.email] = "outsider"
    result: dict[str, list[str]] = {}
    for message in outbox:
        assert len(message.to) == 1, message.to
        result.setdefault(names.get(message.to[0], message.to[0]), []).append(message.subject)
    return result


@pytest.mark.parametrize("action", list(MOVES), ids=str)
def test_each_move_mails_each_holder_once_with_the_rendered_subject(people, action, django_capture_on_commit_callbacks):
    result = move(people, action, django_capture_on_commit_callbacks)

    subject = SUBJECTS[action].format(number=result.number, title=result.title)
    assert told(people, mail.outbox) == {name: [subject] for name in MOVES[action][2]}


@pytest.mark.parametrize("action", list(MOVES), ids=str)
def test_each_move_leaves_one_portal_message_per_holder_with_their_page(
    people, action, django_capture_on_commit_callbacks
):
    result = move(people, action, django_capture_on_commit_callbacks)

    messages = PortalMessage.objects.filter(application=result).select_related("recipient")
    pages = {
        "leader": f"/applications/{result.pk}/",
        "member": f"/applications/{result.pk}/",
        "contact": f"/recommenders/unit/application/{result.pk}/",
        "decider": f"/recommenders/recommender/application/{result.pk}/",
        "reviewer": f"/recommenders/recommender/application/{result.pk}/",
    }
    by_person = {
        name: [(m.event, m.link, m.mailed_at is not None) for m in messages if m.recipient == getattr(people, name)]
        for name in MOVES[action][2]
    }
    assert by_person == {name: [(action.value, pages[name], True)] for name in MOVES[action][2]}
    assert messages.count() == len(MOVES[action][2])
    assert not PortalMessage.objects.filter(recipient=people.outsider).exists()


def test_unit_is_told_the_recommenders_decision_with_the_opinion(people, django_capture_on_commit_callbacks):
    result = move(people, Action.DECLINE, django_capture_on_commit_callbacks)

    to_unit = next(m for m in mail.outbox if m.to == [people.contact.email])
    assert to_unit.subject == f"Application not recommended: {result.number} {result.title}"
    assert f"{people.recommender.name} has decided not to recommend the application “{result.title}”" in to_unit.body
    assert "Reason: 数据不足。" in to_unit.body
    assert f"http://127.0.0.1:8000/recommenders/unit/application/{result.pk}/" in to_unit.body


def test_return_tells_the_reason_and_the_link_from_the_portal_base_url(
    people, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = "https://saq.example.cn"
    result = move(people, Action.UNIT_RETURN, django_capture_on_commit_callbacks)

    to_leader = next(m for m in mail.outbox if m.to == [people.leader.email])
    assert "Reason: 请补充现状调查数据。" in to_leader.body
    assert f"\nhttps://saq.example.cn/applications/{result.pk}/\n" in to_leader.body
    assert to_leader.body.startswith(f"Dear {people.leader.full_name},\n")
    assert to_leader.content_subtype == "plain"


def test_submit_names_the_units_deadline(people, django_capture_on_commit_callbacks):
    from django.utils import timezone

    move(people, Action.SUBMIT, django_capture_on_commit_callbacks)

    deadline = timezone.localtime(people.application.edition.phase("unit_endorsement").ends_at)
    to_contact = next(m for m in mail.outbox if m.to == [people.contact.email])
    assert f"The unit endorses by: {deadline:%Y-%m-%d %H:%M} (Beijing time)" in to_contact.body
    assert "Status: Submitted, at the unit" in to_contact.body


def test_direct_endorsement_tells_the_group_and_the_unit(edition, django_capture_on_commit_callbacks):
    application = draft_application(edition=edition)
    Unit.objects.filter(pk=application.unit_id).update(
        recommender=None, is_member=True, applies_directly=True, direct_confirmed=True
    )
    contact = contact_of(application.unit, email="direct@unit.test")
    application = application_submit(actor=application.group.leader, application=application)
    ready_to_endorse(application, contact)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        result = recommender_services.unit_endorse(actor=contact, application=application)

    assert result.status == Status.RECOMMENDED
    subject = f"Endorsed and sent to the association: {result.number} {result.title}"
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [(application.group.leader.email, subject), ("direct@unit.test", subject)]
    )


def test_a_person_in_two_parties_is_told_once(people, django_capture_on_commit_callbacks):
    Membership.objects.create(user=people.leader, role=Role.UNIT, unit=people.application.unit)

    result = move(people, Action.SUBMIT, django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox].count([people.leader.email]) == 1
    message = PortalMessage.objects.get(recipient=people.leader)
    # The application is at the unit now: the leader, also its contact, gets the unit's page.
    assert message.link == f"/recommenders/unit/application/{result.pk}/"


def test_staff_wording_of_the_programme_is_used(people, django_capture_on_commit_callbacks):

    notification_services.mail_template_save(
        actor=staff_user(),
        programme=people.application.edition.programme,
        event=Action.SUBMIT,
        data={
            "subject_zh": "【{edition}】{application_number} 已提交",
            "body_zh": "{recipient}：{title}，{status}。",
            "subject_en": "[{unit}] {application_number} is in",
            "body_en": "{recipient}: {title} is {status}. {link}",
        },
    )

    result = move(people, Action.SUBMIT, django_capture_on_commit_callbacks)

    to_contact = next(m for m in mail.outbox if m.to == [people.contact.email])
    assert to_contact.subject == f"[{result.unit.name}] {result.number} is in"
    assert to_contact.body == (
        f"联系人丙: {result.title} is Submitted, at the unit. "
        f"http://127.0.0.1:8000/recommenders/unit/application/{result.pk}/"
    )


def test_another_programmes_wording_is_not_used(people, django_capture_on_commit_callbacks):

    notification_services.mail_template_save(
        actor=staff_user(),
        programme=ProgrammeFactory(),
        event=Action.SUBMIT,
        data={"subject_zh": "别的", "body_zh": "别的", "subject_en": "other", "body_en": "other"},
    )

    result = move(people, Action.SUBMIT, django_capture_on_commit_callbacks)

    assert {m.subject for m in mail.outbox} == {f"Application {result.number} submitted: {result.title}"}


def test_recipient_language_chooses_the_version(people, django_capture_on_commit_callbacks):
    LanguagePreference.objects.create(user=people.contact, language="zh-hans")

    result = move(people, Action.SUBMIT, django_capture_on_commit_callbacks)

    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[people.contact.email] == f"申报已提交：{result.number} {result.title}"
    assert subjects[people.leader.email] == f"Application {result.number} submitted: {result.title}"
    to_contact = next(m for m in mail.outbox if m.to == [people.contact.email])
    assert "当前状态：已提交，待单位推荐\n" in to_contact.body


@pytest.mark.zh
def test_chinese_by_default(people, django_capture_on_commit_callbacks):
    result = move(people, Action.UNIT_RETURN, django_capture_on_commit_callbacks)

    to_leader = next(m for m in mail.outbox if m.to == [people.leader.email])
    assert to_leader.subject == f"申报被单位退回修改：{result.number} {result.title}"
    assert "退回原因：请补充现状调查数据。" in to_leader.body


def test_a_failing_mail_does_not_fail_the_move(people, monkeypatch, django_capture_on_commit_callbacks):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("the mail server went away")

    monkeypatch.setattr(notification_services, "send_mail", refuse)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        result = application_submit(actor=people.leader, application=people.application)

    result.refresh_from_db()
    assert result.status == Status.SUBMITTED
    assert mail.outbox == []
    # The messages are in the inbox, waiting for the mail to be retried.
    assert PortalMessage.objects.filter(application=result, mailed_at__isnull=True).count() == 3


def test_a_failing_notice_does_not_fail_the_move(people, monkeypatch, django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise RuntimeError("recipient lookup broke")

    monkeypatch.setattr(notification_services, "recipients", broken)

    with django_capture_on_commit_callbacks(execute=True):
        result = application_submit(actor=people.leader, application=people.application)

    result.refresh_from_db()
    assert (result.status, PortalMessage.objects.count()) == (Status.SUBMITTED, 0)


def test_nothing_is_sent_before_the_move_commits(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_submit(actor=people.leader, application=people.application)

    assert (PortalMessage.objects.count(), len(mail.outbox)) == (0, 0)
    for callback in callbacks:
        callback()
    assert PortalMessage.objects.count() == 3


def test_notifying_a_move_twice_sends_nothing_more(people, django_capture_on_commit_callbacks):
    result = move(people, Action.SUBMIT, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        again = notification_services.transition_notify(application_pk=result.pk, action=Action.SUBMIT)

    assert (again, PortalMessage.objects.count(), len(mail.outbox)) == ([], 3, 3)


def test_mailing_a_message_twice_sends_one_mail(people, django_capture_on_commit_callbacks):
    from notifications.tasks import send_portal_message_mail

    move(people, Action.SUBMIT, django_capture_on_commit_callbacks)
    message = PortalMessage.objects.get(recipient=people.leader)
    mail.outbox.clear()

    send_portal_message_mail.delay(message_id=message.pk)

    assert mail.outbox == []


def test_mail_task_goes_to_the_mail_queue():
    from saq_portal.celery import app

    route = app.amqp.router.route({}, "mail.portal_message", args=(), kwargs={"message_id": 1})

    assert route["queue"].name == "mail"


def test_the_notices_of_a_move_are_one_task_on_the_mail_queue(people, monkeypatch, django_capture_on_commit_callbacks):
    """The request that makes the move queues the notices (a submission at the deadline does not write them)."""
    from celery import current_app

    from notifications.tasks import write_transition_notices

    queued = []
    monkeypatch.setattr(write_transition_notices, "delay", lambda **kwargs: queued.append(kwargs))

    with django_capture_on_commit_callbacks(execute=True):
        result = application_submit(actor=people.leader, application=people.application)

    event = result.events.get(action=Action.SUBMIT)
    assert queued == [{"application_pk": result.pk, "action": Action.SUBMIT, "event_pk": event.pk}]
    assert PortalMessage.objects.count() == 0
    route = current_app.amqp.router.route({}, "mail.transition_notices", args=(), kwargs=queued[0])
    assert route["queue"].name == "mail"
    write_transition_notices(**queued[0])  # what the worker does
    assert PortalMessage.objects.filter(application_event=event).count() == 3


def test_the_notices_are_written_in_the_request_when_the_broker_is_down(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from notifications.tasks import write_transition_notices

    def broker_down(**kwargs):
        raise OperationalError("Error 111 connecting to redis")

    monkeypatch.setattr(write_transition_notices, "delay", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        result = application_submit(actor=people.leader, application=people.application)

    result.refresh_from_db()
    assert result.status == Status.SUBMITTED
    assert PortalMessage.objects.filter(application=result).count() == 3


def test_a_queued_notice_task_writes_the_notices_of_its_own_move(people, django_capture_on_commit_callbacks):
    """A task that runs after a later move of the same kind still tells about the move that queued it."""
    from applications.models import ApplicationEvent

    result = move(people, Action.SUBMIT, django_capture_on_commit_callbacks)
    first = result.events.get(action=Action.SUBMIT)
    PortalMessage.objects.all().delete()
    later = ApplicationEvent.objects.create(
        application=result, action=Action.SUBMIT, from_status=Status.RETURNED_TO_GROUP, to_status=Status.SUBMITTED
    )

    with django_capture_on_commit_callbacks(execute=True):
        made = notification_services.transition_notify(
            application_pk=result.pk, action=Action.SUBMIT, event_pk=first.pk
        )

    assert len(made) == 3
    assert {m.application_event_id for m in made} == {first.pk} != {later.pk}
