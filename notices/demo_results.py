"""Demo data for publication (runs after the levels seeder), through the real services: last year's QC edition,
whose award levels the reviews demo released, went through its publicity (公示) in the autumn with one objection
that staff investigated and dismissed, and was finalised; its awards are confirmed (结果公布). The QC programme has
a certificate template (with a drawn seal) and last year's certificates are built, verifiable on the public page.

Idempotent: an edition with a publicity is left as it is; certificates already built are kept.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from awards.models import Edition
from core.exceptions import BusinessRuleError
from recommenders import demo as recommenders_demo
from reviews.workflow_levels import LevelStatus

from . import certificates, results
from .models_results import ResultsPublicity

STAFF_EMAIL = "staff@demo.saq.test"
OBJECTOR = {"real_name": "李明", "mobile": "13812345678", "email": "liming@example.com"}
OBJECTION_REASON = "该成果的现状调查数据与本单位往年公开数据不一致，请核实。"
ANSWER = "经核查，现状调查数据来源于该单位2024年度质量月报，与公开数据口径不同，数据真实有效，异议不成立。"
NOTE = "已调取原始月报并与单位质量部门电话核实。"
CERTIFICATE = {
    "title": "荣誉证书",
    "body": (
        "{group}（{unit}）：\n你组完成的课题《{topic}》荣获{edition}{level}。\n"
        "小组成员：{members}\n推荐单位：{recommender}\n特发此证，以资鼓励。"
    ),
    "signer": "上海市质量协会",
}


def _seal_png() -> bytes:
    """A red seal drawn on the fly (a ring and a star; the real seal is uploaded by staff)."""
    import io
    import math

    from PIL import Image, ImageDraw

    size, red = 240, (200, 16, 46, 255)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=12)
    centre, outer, inner = size / 2, 48, 20
    points = [
        (
            centre + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
            centre - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(points, fill=red)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _certificates(edition, staff) -> int:
    """The programme's template (once) and the edition's certificates, built here rather than by a worker."""
    if certificates.template_for(edition) is None:
        certificates.certificate_template_save(
            actor=staff, owner=edition.programme, data=CERTIFICATE, images={"seal": (_seal_png(), "seal.png")}
        )
    if certificates.running_batch(edition) is None and not certificates.certified_applications(edition).exists():
        return 0
    batch = certificates.running_batch(edition) or certificates.certificate_batch_start(
        actor=staff, edition=edition, queue=False
    )
    lanes = certificates.batch_lanes()
    for lane in range(lanes):
        while certificates.certificate_batch_chunk_run(batch_id=batch.pk, lane=lane, lanes=lanes):
            pass
    batch.refresh_from_db()
    return batch.done


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
    if not _publish(edition, staff, stdout):
        return []
    built = _certificates(edition, staff)
    stdout.write(f"  {edition.year} certificates built: {built}\n")
    return []


def _publish(edition, staff, stdout) -> bool:
    starts = (timezone.now() - datetime.timedelta(days=40)).replace(hour=9, minute=0)
    try:
        publicity = results.publicity_publish(actor=staff, edition=edition, starts_at=starts)
    except BusinessRuleError as error:  # no released levels, or no calendar data for that year
        stdout.write(f"  skipped the publicity: {error.message}\n")
        return False
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
    return True
