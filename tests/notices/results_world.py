"""A released edition for the results tests: three applications with round results 95 / 85 / 70 and the QC levels
(标杆级 ≥ 90, 优秀级 ≥ 80): two awarded (标杆级, 优秀级), one not awarded."""

import datetime

from django.utils import timezone

from reviews import levels
from tests.factories import staff_user
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import admitted_application, quick_admitted
from tests.factories.reviews_levels import closed_round, level_scheme, result

LEVELS = [("标杆级", "90", None, None), ("优秀级", "80", None, None), ("推进级", "75", None, None)]


def released_edition(extra: int = 0):
    edition = qc_edition()
    doc = closed_round(edition, name="材料文审")
    best = admitted_application(edition=edition)
    good = quick_admitted(edition, unit=best.unit)
    refused = quick_admitted(edition, unit=best.unit)
    result(doc, best, 95)
    result(doc, good, 85)
    result(doc, refused, 70)
    for _i in range(extra):
        result(doc, quick_admitted(edition, unit=best.unit), 82)
    scheme = level_scheme(edition, {doc: 100}, levels=LEVELS)
    levels.scheme_release(actor=staff_user(), scheme=scheme)
    for application in (best, good, refused):
        application.refresh_from_db()
    return edition, scheme, best, good, refused


def published(edition, *, started_ago=datetime.timedelta(hours=1), working_days=7, show_scores=False):
    from notices import results

    publicity = results.publicity_publish(
        actor=staff_user(),
        edition=edition,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        working_days=working_days,
        show_scores=show_scores,
    )
    # Move the window so it started `started_ago` ago (publishing refuses a start in the past only for changes).
    from notices import workdays

    start = (timezone.now() - started_ago).replace(second=0, microsecond=0)
    publicity.starts_at, publicity.ends_at = start, workdays.window_end(start, working_days)
    publicity.save()
    return publicity


OBJECTOR = {
    "real_name": "张三",
    "mobile": "13812345678",
    "email": "zs@example.com",
    "reason": "数据造假",
    "consent": True,
}
