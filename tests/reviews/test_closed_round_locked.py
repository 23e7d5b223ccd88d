"""Once a round closes, the database refuses every write that would change a score: ORM save, queryset update,
delete, raw SQL, and the admin's save (the same ORM path). Only the audited correction (`sheet_correct`) passes."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from reviews import scoring
from reviews.enums import Aggregation, RoundState
from reviews.models import RoundResult, ScoreSheet
from reviews.rounds import round_close
from tests.factories import staff_user
from tests.factories.recommenders import qc_edition, submitted_application
from tests.factories.reviews import assigned, pool_expert, reopen_round, review_round, scored

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
