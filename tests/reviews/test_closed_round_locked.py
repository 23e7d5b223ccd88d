"""Once a round closes, the database refuses every write that would change a score: ORM save, queryset update,
delete, raw SQL, and the admin's save (the same ORM path), and (reviews.0008) any new result row or assignment in
the round. Only the audited correction (`sheet_correct`) passes; closing writes its results before the state moves."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from reviews import scoring
from reviews.enums import Aggregation, RoundState
from reviews.models import RoundResult, ScoreSheet
from reviews.results import round_results_snapshot
from reviews.rounds import round_close
from tests.factories import staff_user
from tests.factories.recommenders import qc_edition, submitted_application
from tests.factories.reviews import assigned, pool_expert, reopen_round, review_round, scored, stored_result

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def closed():
    edition = qc_edition()
    round_ = review_round(edition, aggregation=Aggregation.MEAN)
    application = submitted_application(edition=edition)
    sheets = [
        scored(assigned(round_, application, pool_expert(edition.programme, full_name=f"专家{i}")), total)
        for i, total in enumerate((80, 90))
    ]
    round_close(actor=staff_user(), round=round_)
    return round_, sheets


def _refused(write):
    with pytest.raises(IntegrityError, match="read-only"), transaction.atomic():
        write()


def test_every_path_that_changes_a_closed_rounds_score_is_refused(closed):
    round_, (sheet, other) = closed

    def orm_save():
        sheet.total = Decimal("99.0")
        sheet.save()

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE reviews_scoresheet SET total = 1 WHERE id = %s", [sheet.pk])

    def raw_sql_result(statement):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(statement, [round_.pk])

        return run

    def bulk_update():
        sheet.total = Decimal("1.0")
        ScoreSheet.objects.bulk_update([sheet], ["total"])

    _refused(orm_save)
    _refused(lambda: ScoreSheet.objects.filter(pk=other.pk).update(scores={"x": "1"}))
    _refused(lambda: ScoreSheet.objects.filter(pk=other.pk).delete())
    _refused(raw_sql)
    _refused(bulk_update)
    _refused(raw_sql_result("UPDATE reviews_roundresult SET score = 1 WHERE round_id = %s"))
    _refused(raw_sql_result("DELETE FROM reviews_roundresult WHERE round_id = %s"))
    _refused(lambda: RoundResult.objects.filter(round=round_).update(score=Decimal("1.00")))
    _refused(lambda: RoundResult.objects.filter(round=round_).delete())
    _refused(lambda: scored(assigned(round_, other.assignment.application, pool_expert(round_.edition.programme)), 10))
    # Reopening the round first (raw SQL or the ORM) is refused too: no way round the sheets' trigger.
    _refused(raw_sql_result("UPDATE reviews_reviewround SET state = 'open' WHERE id = %s"))
    _refused(lambda: type(round_).objects.filter(pk=round_.pk).update(state=RoundState.DISCUSSION))

    assert sorted(ScoreSheet.objects.filter(assignment__round=round_).values_list("total", flat=True)) == [80, 90]
    assert RoundResult.objects.get(round=round_).score == Decimal("85.00")


def test_a_touch_that_changes_no_score_passes_and_an_open_round_is_free(closed):
    round_, (sheet, _other) = closed
    ScoreSheet.objects.filter(pk=sheet.pk).update(revision=sheet.revision)  # no score column changes

    reopen_round(round_)
    ScoreSheet.objects.filter(pk=sheet.pk).update(total=Decimal("70.0"))
    assert ScoreSheet.objects.get(pk=sheet.pk).total == Decimal("70.0")


def test_the_audited_correction_passes_and_leaves_no_permission_behind(closed):
    round_, (sheet, other) = closed
    items = {item.code: "0" for item in scoring.rubric_items(sheet.rubric)}
    scoring.sheet_correct(actor=staff_user(), sheet=sheet, scores=items, reason="专家复核后更正")
    assert ScoreSheet.objects.get(pk=sheet.pk).total == Decimal("0")

    # The permission was local to the correction's transaction.
    _refused(lambda: ScoreSheet.objects.filter(pk=other.pk).update(total=Decimal("1.0")))


# --- reviews.0008: a closed round takes no new row ------------------------------------------------------------------


def test_no_result_row_goes_into_a_closed_round_by_any_path(closed):
    round_, (sheet, _other) = closed
    application = sheet.assignment.application
    newcomer = submitted_application(edition=round_.edition)
    open_round = review_round(round_.edition, name="复审")
    elsewhere = RoundResult.objects.create(round=open_round, application=application, score=Decimal("70.00"))

    def raw_insert():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO reviews_roundresult (round_id, application_id, score, sheet_count, flags)"
                " VALUES (%s, %s, 99, 3, '[]')",
                [round_.pk, newcomer.pk],
            )

    _refused(raw_insert)
    _refused(lambda: RoundResult.objects.create(round=round_, application=newcomer, score=Decimal("99.00")))
    _refused(lambda: RoundResult.objects.bulk_create([RoundResult(round=round_, application=newcomer)]))
    # Nor moved in from an open round.
    _refused(lambda: RoundResult.objects.filter(pk=elsewhere.pk).update(round=round_))

    assert list(RoundResult.objects.filter(round=round_).values_list("application_id", "score")) == [
        (application.pk, Decimal("85.00"))
    ]
    assert RoundResult.objects.get(pk=elsewhere.pk).round_id == open_round.pk


def test_no_assignment_goes_into_a_closed_round_and_its_own_ones_may_still_be_touched(closed):
    round_, (sheet, _other) = closed
    expert = pool_expert(round_.edition.programme, full_name="新专家")
    open_round = review_round(round_.edition, name="复审")
    elsewhere = assigned(open_round, sheet.assignment.application, expert)

    def raw_insert():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO reviews_assignment (round_id, application_id, expert_id, source, state, reason, code,"
                " created_at, updated_at) VALUES (%s, %s, %s, 'solver', 'accepted', '', '', now(), now())",
                [round_.pk, sheet.assignment.application_id, expert.pk],
            )

    _refused(raw_insert)
    _refused(lambda: assigned(round_, sheet.assignment.application, expert))
    _refused(lambda: type(elsewhere).objects.filter(pk=elsewhere.pk).update(round=round_))
    _refused(lambda: type(elsewhere).objects.filter(pk=sheet.assignment.pk).update(round=open_round))

    # A write that leaves an assignment in its round passes (the sheets' and results' triggers guard the scores).
    sheet.assignment.code = "D-0099"
    sheet.assignment.save()
    assert type(elsewhere).objects.filter(round=round_).count() == 2


def test_closing_writes_its_results_before_the_state_moves_so_an_earlier_snapshot_is_replaced():
    """Closing used to move the state first: replacing an earlier snapshot was then a delete in a closed round,
    refused. Results first, then the state: the closing's own rows go in, and only those."""
    edition = qc_edition()
    round_ = review_round(edition, aggregation=Aggregation.MEAN)
    application = submitted_application(edition=edition)
    sheet = scored(assigned(round_, application, pool_expert(edition.programme, full_name="专家")), 60)
    round_results_snapshot(round=round_)  # an earlier snapshot, e.g. a preview while the round was open
    ScoreSheet.objects.filter(pk=sheet.pk).update(total=Decimal("75.0"))

    round_close(actor=staff_user(), round=round_)
    round_.refresh_from_db()
    assert round_.state == RoundState.CLOSED
    assert list(RoundResult.objects.filter(round=round_).values_list("application_id", "score")) == [
        (application.pk, Decimal("75.00"))
    ]


def test_a_draft_round_is_not_closed_and_leaves_no_results():
    from core.exceptions import BusinessRuleError

    edition = qc_edition()
    round_ = review_round(edition, state=RoundState.DRAFT)
    scored(assigned(round_, submitted_application(edition=edition), pool_expert(edition.programme)), 80)
    with pytest.raises(BusinessRuleError):
        round_close(actor=staff_user(), round=round_)
    assert not RoundResult.objects.filter(round=round_).exists()


def test_the_test_helpers_reopen_a_round_and_store_a_result_in_a_closed_one(closed):
    round_, (sheet, _other) = closed
    newcomer = submitted_application(edition=round_.edition)

    row = stored_result(round_, newcomer, score=Decimal("70.00"))
    round_.refresh_from_db()
    assert round_.state == RoundState.CLOSED and row.round_id == round_.pk
    _refused(lambda: RoundResult.objects.filter(pk=row.pk).update(score=Decimal("1.00")))

    reopen_round(round_, RoundState.DISCUSSION)
    RoundResult.objects.filter(pk=row.pk).delete()
    assert RoundResult.objects.filter(round=round_).count() == 1


def test_a_closed_rounds_presentation_session_takes_no_new_judge_nor_presentation():
    from core.exceptions import BusinessRuleError
    from reviews.presentation import session_judges_set, slot_move
    from tests.factories.reviews import quick_admitted
    from tests.factories.reviews_presentation import presentation_round, presentation_session

    edition = qc_edition()
    round_ = presentation_round(edition)
    first, second = quick_admitted(edition), quick_admitted(edition)
    judge = pool_expert(edition.programme, full_name="评委")
    session = presentation_session(round_, [first], judges=[judge])
    other = presentation_session(round_, [second], name="第二场")
    round_close(actor=staff_user(), round=round_)  # the sessions themselves were never closed

    newcomer = pool_expert(edition.programme, full_name="新评委")
    with pytest.raises(BusinessRuleError, match="round is closed"):
        session_judges_set(actor=staff_user(), session=session, experts=[judge, newcomer])
    with pytest.raises(BusinessRuleError, match="round is closed"):
        slot_move(actor=staff_user(), slot=other.slots.get(), session=session)
    assert list(round_.assignments.values_list("expert_id", flat=True)) == [judge.pk]


@pytest.mark.django_db(transaction=True)
def test_a_result_racing_the_closing_waits_for_it_and_is_then_refused():
    """The result trigger reads the round `FOR KEY SHARE`: an insert started while the closing holds the round's
    lock waits, then sees the round closed (a plain read would see "open" and let the row in)."""
    import threading
    import time

    from django.db import connections

    edition = qc_edition()
    round_ = review_round(edition, aggregation=Aggregation.MEAN)
    scored(assigned(round_, submitted_application(edition=edition), pool_expert(edition.programme)), 80)
    newcomer = submitted_application(edition=edition)
    staff = staff_user()
    closing_done, commit, outcome = threading.Event(), threading.Event(), {}

    def close():
        try:
            with transaction.atomic():
                round_close(actor=staff, round=round_)
                closing_done.set()
                commit.wait(30)
        finally:
            connections.close_all()

    def insert():
        closing_done.wait(30)
        try:
            with transaction.atomic():
                RoundResult.objects.create(round=round_, application=newcomer, score=Decimal("99.00"))
        except IntegrityError as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close), threading.Thread(target=insert)]
    for thread in threads:
        thread.start()
    closing_done.wait(30)
    waited = False
    for _ in range(100):  # until the insert waits on the closing's lock
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            waited = cursor.fetchone()[0] > 0
        if waited:
            break
        time.sleep(0.05)
    commit.set()
    for thread in threads:
        thread.join(30)

    assert waited
    assert "read-only" in str(outcome.get("error"))
    assert not RoundResult.objects.filter(round=round_, application=newcomer).exists()
    assert RoundResult.objects.filter(round=round_).count() == 1


def test_refreshing_conflicts_of_a_closed_round_is_refused_with_a_message_and_recuses_nothing(client):
    """A conflict found after the close (an expert now works at the applying unit) used to recuse the closed
    round's assignment: the database refused the move and the page answered 500."""
    from django.urls import reverse

    from core.exceptions import BusinessRuleError
    from reviews.conflicts import conflicts_refresh
    from reviews.enums import AssignmentState
    from reviews.models import Assignment, Conflict, PoolEntry
    from tests.factories.reviews import quick_admitted

    edition = qc_edition()
    round_ = review_round(edition, aggregation=Aggregation.MEAN)
    application = quick_admitted(edition)
    expert = pool_expert(edition.programme, full_name="后来调入的专家")
    scored(assigned(round_, application, expert), 85)
    round_close(actor=staff_user(), round=round_)
    PoolEntry.objects.filter(programme=edition.programme, expert=expert).update(employer=application.unit)
    before = list(Assignment.objects.filter(round=round_).values_list("pk", "state"))

    with pytest.raises(BusinessRuleError, match="round is closed"):
        conflicts_refresh(round=round_)
    client.force_login(staff_user())
    response = client.post(reverse("reviews:round_conflicts", args=[round_.pk]), follow=True)
    assert response.status_code == 200
    assert [m.message for m in response.context["messages"]] == ["The round is closed."]
    assert not Conflict.objects.filter(round=round_).exists()
    assert list(Assignment.objects.filter(round=round_).values_list("pk", "state")) == before
    # The same pair in an open round is found and recused: the refusal is the closed round's, not a blind spot.
    reopen_round(round_)
    assert conflicts_refresh(round=round_) == 1
    assert set(Assignment.objects.filter(round=round_).values_list("state", flat=True)) == {AssignmentState.RECUSED}
