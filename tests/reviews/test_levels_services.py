"""评定 writes: level changes with a reason, the committee vote, the release (transitions, mails, idempotency,
all-or-nothing) and what it refuses."""

from decimal import Decimal

import pytest

from applications import signals
from applications.models import Application
from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from reviews import levels
from reviews.enums import ReviewStatus
from reviews.models_levels import CommitteeVote, LevelDecision
from reviews.workflow_levels import LevelStatus
from tests.factories.accounts import staff_user
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import admitted_application, quick_admitted, reopen_round
from tests.factories.reviews_levels import closed_round, level_scheme, result

LEVELS = [("标杆级", None, None, 1), ("优秀级", "80", None, None), ("推进级", None, None, None)]


@pytest.fixture
def world(db):
    edition = qc_edition()
    doc = closed_round(edition, name="材料文审")
    apps = [quick_admitted(edition) for _ in range(3)]
    for app, score in zip(apps, (95, 85, 70), strict=True):
        result(doc, app, score)
    scheme = level_scheme(edition, {doc: 100}, levels=LEVELS)
    return scheme, doc, apps


def _levels(scheme):
    return {r.application_id: (str(r.level) if r.level else None) for r in levels.combined_table(scheme).rows}


def test_level_change_needs_a_reason(world):
    scheme, _doc, (a, _b, _c) = world
    with pytest.raises(BusinessRuleError) as refused:
        levels.level_change(actor=staff_user(), scheme=scheme, application=a, level=None, reason="  ")
    assert refused.value.code == "no_reason"
    assert not LevelDecision.objects.exists()


def test_level_change_is_staged_and_audited_with_before_and_after(world):
    scheme, _doc, (a, b, c) = world
    staff = staff_user()
    assert _levels(scheme) == {a.pk: "标杆级", b.pk: "优秀级", c.pk: "推进级"}
    push = scheme.levels.get(name="推进级")
    levels.level_change(actor=staff, scheme=scheme, application=b, level=push, reason="材料真实性存疑")
    assert _levels(scheme)[b.pk] == "推进级"
    row = next(r for r in levels.combined_table(scheme).rows if r.application_id == b.pk)
    assert str(row.proposed) == "优秀级" and row.changed and row.reason == "材料真实性存疑"
    entry = AuditEntry.objects.get(action="levels.level_changed")
    assert entry.changes == {"level": ["优秀级", "推进级"]} and entry.note == "材料真实性存疑"
    # staged: the application itself has not moved
    assert Application.objects.get(pk=b.pk).status == ReviewStatus.ADMITTED
    # choosing the proposal again clears the change
    levels.level_change(
        actor=staff, scheme=scheme, application=b, level=scheme.levels.get(name="优秀级"), reason="复核"
    )
    assert not LevelDecision.objects.exists() and _levels(scheme)[b.pk] == "优秀级"


def test_repeating_the_same_level_change_is_a_no_op(world):
    # Regression (race battery): a double click applied the change twice, two audit entries "推进级 → 推进级".
    scheme, _doc, (_a, b, _c) = world
    staff = staff_user()
    push = scheme.levels.get(name="推进级")
    first = levels.level_change(actor=staff, scheme=scheme, application=b, level=push, reason="材料真实性存疑")
    decision = LevelDecision.objects.get(application=b)

    again = levels.level_change(actor=staff, scheme=scheme, application=b, level=push, reason="材料真实性存疑")

    assert (first, again) == (True, False)
    assert LevelDecision.objects.get(application=b).updated_at == decision.updated_at
    entries = AuditEntry.objects.filter(action="levels.level_changed")
    assert [e.changes for e in entries] == [{"level": ["优秀级", "推进级"]}]
    # choosing the proposed level when it is already the level: nothing to record either
    assert (
        levels.level_change(
            actor=staff, scheme=scheme, application=_a, level=scheme.levels.get(name="标杆级"), reason="复核"
        )
        is False
    )
    assert entries.count() == 1


def _committee(scheme, size):
    members = [staff_user() for _ in range(size)]
    scheme.vote_required = True
    scheme.save()
    scheme.committee.set(members)
    return members


@pytest.mark.parametrize(("yes", "approved"), [(6, True), (5, False)])
def test_two_thirds_of_nine(world, yes, approved):
    scheme, _doc, _apps = world
    members = _committee(scheme, 9)
    for i, member in enumerate(members):
        levels.vote_cast(actor=member, scheme=scheme, approve=i < yes)
    tally = levels.vote_tally(scheme)
    assert (tally.members, tally.yes, tally.no, tally.needed, tally.approved) == (9, yes, 9 - yes, 6, approved)
    assert (levels.release_blockers(scheme) == []) is approved


def test_a_member_votes_once(world):
    scheme, _doc, _apps = world
    (member, *_rest) = _committee(scheme, 3)
    _vote, cast = levels.vote_cast(actor=member, scheme=scheme, approve=True)
    again, cast_again = levels.vote_cast(actor=member, scheme=scheme, approve=False)
    assert cast and not cast_again and again.approve is True
    assert CommitteeVote.objects.filter(member=member).count() == 1
    assert AuditEntry.objects.filter(action="levels.vote_cast").count() == 1


def test_only_members_vote(world):
    scheme, _doc, _apps = world
    _committee(scheme, 3)
    with pytest.raises(BusinessRuleError) as refused:
        levels.vote_cast(actor=staff_user(), scheme=scheme, approve=True)
    assert refused.value.code == "not_member"


def test_levels_frozen_once_voting_began(world):
    scheme, _doc, (a, _b, _c) = world
    (member, *_rest) = _committee(scheme, 3)
    levels.vote_cast(actor=member, scheme=scheme, approve=True)
    with pytest.raises(BusinessRuleError) as refused:
        levels.level_change(actor=staff_user(), scheme=scheme, application=a, level=None, reason="x")
    assert refused.value.code == "voting"


def test_release_refused_while_a_counted_round_is_open(world):
    scheme, doc, _apps = world
    reopen_round(doc)
    with pytest.raises(BusinessRuleError) as refused:
        levels.scheme_release(actor=staff_user(), scheme=scheme)
    assert refused.value.code == "not_releasable"
    assert not Application.objects.exclude(status=ReviewStatus.ADMITTED).exists()


def test_release_refused_before_the_vote_approves(world):
    scheme, _doc, _apps = world
    members = _committee(scheme, 3)
    levels.vote_cast(actor=members[0], scheme=scheme, approve=True)
    with pytest.raises(BusinessRuleError):
        levels.scheme_release(actor=staff_user(), scheme=scheme)
    levels.vote_cast(actor=members[1], scheme=scheme, approve=True)
    assert levels.scheme_release(actor=staff_user(), scheme=scheme) is True


def test_release_moves_every_application_and_mails_once(db, mailoutbox, django_capture_on_commit_callbacks):
    edition = qc_edition()
    doc = closed_round(edition)
    winner = admitted_application(edition=edition)  # the whole chain: group, unit and recommender people
    loser = admitted_application(edition=edition)
    no_result = quick_admitted(edition)
    result(doc, winner, 90)
    result(doc, loser, 40)
    scheme = level_scheme(edition, {doc: 100}, levels=[("一等奖", "60", None, None)])
    staff = staff_user()
    with django_capture_on_commit_callbacks(execute=True):
        assert levels.scheme_release(actor=staff, scheme=scheme) is True
    statuses = dict(Application.objects.filter(edition=edition).values_list("pk", "status"))
    assert statuses == {
        winner.pk: LevelStatus.AWARDED,
        loser.pk: LevelStatus.NOT_AWARDED,
        no_result.pk: LevelStatus.NOT_AWARDED,
    }
    decision = LevelDecision.objects.get(application=winner)
    assert decision.released and str(decision.level) == "一等奖"
    assert LevelDecision.objects.get(application=loser).level is None
    scheme.refresh_from_db()
    assert scheme.is_released and scheme.released_by == staff
    winner_mail = [m for m in mailoutbox if winner.title in m.body and "一等奖" in m.body]
    people = {winner.group.leader.email, *winner.unit.memberships.values_list("user__email", flat=True)}
    people |= set(winner.unit.recommender.memberships.values_list("user__email", flat=True))
    assert len(winner_mail) == 1 and set(winner_mail[0].to) == people - {""}
    sent = len(mailoutbox)
    # idempotent: a second release changes and sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert levels.scheme_release(actor=staff, scheme=scheme) is False
    assert len(mailoutbox) == sent
    assert AuditEntry.objects.filter(action="levels.released").count() == 1
    with pytest.raises(BusinessRuleError):
        levels.level_change(actor=staff, scheme=scheme, application=winner, level=None, reason="晚了")


def test_release_is_all_or_nothing(world, mailoutbox, django_capture_on_commit_callbacks):
    scheme, _doc, (a, b, c) = world

    def veto_last(sender, application, **kwargs):
        if application.pk == c.pk:
            raise signals.TransitionVetoed("no")

    signals.transition_requested.connect(veto_last)
    try:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(signals.TransitionVetoed):
            levels.scheme_release(actor=staff_user(), scheme=scheme)
    finally:
        signals.transition_requested.disconnect(veto_last)
    assert set(Application.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("status", flat=True)) == {
        ReviewStatus.ADMITTED
    }
    assert not LevelDecision.objects.exists() and mailoutbox == []
    scheme.refresh_from_db()
    assert not scheme.is_released


def test_scheme_ensure_defaults_by_programme(db):
    edition = qc_edition()
    only = closed_round(edition)
    scheme = levels.scheme_ensure(actor=staff_user(), edition=edition)
    assert [lv.name for lv in scheme.levels.all()] == ["标杆级", "优秀级", "推进级"]
    assert [(sr.round_id, sr.weight) for sr in scheme.rounds.all()] == [(only.pk, 100)]
    assert levels.scheme_ensure(actor=staff_user(), edition=edition) == scheme


def test_scheme_save_checks_weights_and_records_changes(world):
    scheme, doc, _apps = world
    pres = closed_round(scheme.edition, name="发表赛")
    staff = staff_user()
    common = {"actor": staff, "scheme": scheme, "vote_required": False, "threshold": (2, 3), "members": []}
    with pytest.raises(BusinessRuleError) as refused:
        levels.scheme_save(weights={doc.pk: 40, pres.pk: 50}, tie_break=[], **common)
    assert refused.value.code == "weights"
    levels.scheme_save(weights={doc.pk: 40, pres.pk: 60}, tie_break=[pres.pk, doc.pk], **common)
    scheme.refresh_from_db()
    assert {sr.round_id: sr.weight for sr in scheme.rounds.all()} == {doc.pk: 40, pres.pk: 60}
    assert scheme.tie_break == [pres.pk, doc.pk]
    entry = AuditEntry.objects.filter(action="levels.scheme_saved").latest("pk")
    assert entry.changes["weights"] == [{str(doc.pk): 100}, {str(doc.pk): 40, str(pres.pk): 60}]
    assert entry.changes["tie_break"] == [[], [pres.pk, doc.pk]]


def test_award_levels_save_replaces_in_order(world):
    scheme, _doc, (a, _b, _c) = world
    first, second, third = scheme.levels.all()
    rows = [
        {
            "id": second.pk,
            "name": "优秀级",
            "name_en": "",
            "min_score": Decimal("70"),
            "max_share": None,
            "max_count": None,
        },
        {
            "id": first.pk,
            "name": "标杆级",
            "name_en": "",
            "min_score": None,
            "max_share": Decimal("5"),
            "max_count": None,
        },
        {"id": third.pk, "delete": True},
    ]
    levels.award_levels_save(actor=staff_user(), scheme=scheme, rows=rows)
    assert [(lv.name, lv.min_score, lv.max_share) for lv in scheme.levels.all()] == [
        ("优秀级", Decimal("70.00"), None),
        ("标杆级", None, Decimal("5.00")),
    ]
