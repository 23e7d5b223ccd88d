"""On-site rounds, visits, photos, panels and submitted sheets for the on-site and panel tests.

round_ = onsite_round(edition)                     # open now, every category with the on-site rubric
visit = site_visit(round_, application, [expert])  # its panel's assignments accepted
sheet = submitted(assignment, Decimal("0.8"))      # every item at 80 % of its maximum, with findings
"""

import datetime
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from reviews.enums import AssignmentSource, AssignmentState, RoundKind, SheetState
from reviews.models import Assignment, Panel, RoundRubric, ScoreSheet, SiteVisit, VisitPhoto
from reviews.onsite import onsite_rubric_items
from reviews.scoring import rubric_items

from .reviews import review_round


def onsite_round(edition, **fields):
    round_ = review_round(edition, kind=RoundKind.ONSITE, **{"name": f"{edition.year} 现场评审", **fields})
    for category in edition.categories.all():
        RoundRubric.objects.update_or_create(
            round=round_, category=category, version=1, defaults={"items": onsite_rubric_items(), "is_current": True}
        )
    return round_


def site_visit(round_, application, experts, *, state=AssignmentState.ACCEPTED, **fields) -> SiteVisit:
    values = {
        "starts_at": timezone.now() + datetime.timedelta(days=3),
        "address": "上海市浦东新区张江路 88 号",
        **fields,
    }
    visit = SiteVisit.objects.create(round=round_, application=application, **values)
    code = f"R{round_.pk}-{application.pk:04d}"
    for expert in experts:
        Assignment.objects.create(
            round=round_, application=application, expert=expert, source=AssignmentSource.VISIT, state=state, code=code
        )
    return visit


def submitted(assignment, share=Decimal("0.8"), *, comment="合议前意见") -> ScoreSheet:
    """A submitted sheet on the round's current rubric: each item at `share` of its maximum, with a finding."""
    rubric = RoundRubric.objects.get(round=assignment.round, category=assignment.application.category, is_current=True)
    items = rubric_items(rubric)
    scores = {item.code: str((item.max_points * share).quantize(Decimal("0.5"))) for item in items}
    total = sum((Decimal(v) for v in scores.values()), Decimal("0"))
    return ScoreSheet.objects.create(
        assignment=assignment,
        rubric=rubric,
        scores=scores,
        comments={item.code: f"发现：{item.name}" for item in items},
        comment=comment,
        total=total,
        state=SheetState.SUBMITTED,
        submitted_at=timezone.now(),
    )


def png_bytes(size=(640, 480), color=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def visit_photo(visit, *, user=None) -> VisitPhoto:
    photo = VisitPhoto(visit=visit, content_type="image/png", caption="现场记录", uploaded_by=user)
    photo.image.save("p.png", ContentFile(png_bytes()), save=False)
    photo.thumbnail.save("p-thumb.jpg", ContentFile(png_bytes((48, 36))), save=False)
    photo.save()
    return photo


def panel_of(round_, category, leader=None) -> Panel:
    panel, _ = Panel.objects.get_or_create(round=round_, category=category)
    if leader is not None:
        panel.leader = leader
        panel.save()
    return panel
