"""Demo data for publication (runs after the levels seeder), through the real services: last year's QC edition,
whose award levels the reviews demo released, went through its publicity (公示) in the autumn with one objection
that staff investigated and dismissed, and was finalised; its awards are confirmed (结果公布).

Idempotent: an edition with a publicity is left as it is.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from awards.models import Edition
from core.exceptions import BusinessRuleError
from recommenders import demo as recommenders_demo
from reviews.workflow_levels import LevelStatus

from . import results
from .models_results import ResultsPublicity

STAFF_EMAIL = "staff@demo.saq.test"
OBJECTOR = {"real_name": "李明", "mobile": "13812345678", "email": "liming@example.com"}
OBJECTION_REASON = "该成果的现状调查数据与本单位往年公开数据不一致，请核实。"
ANSWER = "经核查，现状调查数据来源于该单位2024年度质量月报，与公开数据口径不同，数据真实有效，异议不成立。"
NOTE = "已调取原始月报并与单位质量部门电话核实。"


def _past_edition():
    current = recommenders_demo._open_qc_edition(timezone.now())
    if current is None:
        return None
    return Edition.objects.filter(programme=current.programme, year=current.year - 1).first()


def seed(*, stdout):
    staff = get_user_model().objects.filter(email=STAFF_EMAIL).first()
    edition = _past_edition()
    if staff is None or edition is None:
        stdout.write("  skipped: no earlier QC edition or the demo staff login is missing\n")
        return []
    if ResultsPublicity.objects.filter(edition=edition).exists():
        stdout.write(f"  {edition.year} publicity already seeded\n")
        return []
    starts = (timezone.now() - datetime.timedelta(days=40)).replace(hour=9, minute=0)
    try:
        publicity = results.publicity_publish(actor=staff, edition=edition, starts_at=starts)
    except BusinessRuleError as error:  # no released levels, or no calendar data for that year
        stdout.write(f"  skipped the publicity: {error.message}\n")
        return []
    awarded = edition.applications.filter(status=LevelStatus.AWARDED).order_by("pk").first()
    if awarded is not None:
        objection = results.objection_file(
            publicity=publicity,
            application_id=awarded.pk,
            reason=OBJECTION_REASON,
            consent=True,
            now=publicity.starts_at + datetime.timedelta(days=1),
            **OBJECTOR,
        )
        results.objection_assign(actor=staff, objection=objection, assignee=staff)
        results.objection_note_add(actor=staff, objection=objection, text=NOTE)
        results.objection_conclude(actor=staff, objection=objection, upheld=False, answer=ANSWER)
    confirmed = results.edition_finalise(actor=staff, publicity=publicity)
    stdout.write(
        f"  {edition.year} publicity {publicity.starts_at:%Y-%m-%d} – {publicity.ends_at:%Y-%m-%d}, "
        f"1 objection dismissed, finalised: {confirmed} awards confirmed\n"
    )
    return []
