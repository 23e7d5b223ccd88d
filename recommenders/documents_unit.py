"""The unit's 成果评分与推荐意见表 (scoring-and-recommendation form) as PDF, registered with the documents app.

The unit fills in its self-evaluation and opinion online, downloads this form with them printed in, has it signed
and stamped, scans it and uploads the scan (`services.unit_scan_upload`). The form is an official Chinese document,
so it is always rendered in Chinese. Its version is a hash of what it prints (scores, total, opinion and the
application's heading), so changing a score or the opinion builds a new file.
"""

import hashlib
import json

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from applications.selectors import applications_visible_to
from awards import scores as scoring
from awards.models import Phase
from documents import registry
from documents.pdf import render_pdf, verification_context

from .enums import EndorsementLevel
from .models import Endorsement, Evaluation
from .services import rubric_for

SCORING_OPINION_FORM = "scoring_opinion_form"
TEMPLATE = "recommenders/scoring_opinion_form_pdf.html"


def _load(pk) -> Application:
    return (
        Application.objects.select_related(
            "edition__programme", "category", "subtype", "group", "unit", "unit__recommender"
        )
        .prefetch_related(
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.filter(level=EndorsementLevel.UNIT).select_related("reviewer"),
                to_attr="unit_evaluations",
            ),
            Prefetch(
                "endorsements",
                queryset=Endorsement.objects.filter(level=EndorsementLevel.UNIT).select_related("decided_by"),
                to_attr="unit_endorsements",
            ),
            Prefetch("edition__phases", queryset=Phase.objects.order_by("starts_at")),
        )
        .get(pk=pk)
    )


def _source(application: Application) -> dict:
    """What the form prints that can change: one dict, hashed for the version."""
    evaluation = next(iter(application.unit_evaluations), None)
    endorsement = next(iter(application.unit_endorsements), None)
    return {
        "number": application.number or "",
        "title": application.title,
        "category": application.category_id,
        "subtype": application.subtype_id,
        "group": application.group.name if application.group_id else "",
        "unit": application.unit.name,
        "scores": evaluation.scores if evaluation else None,
        "total": str(evaluation.total) if evaluation else None,
        "rubric": evaluation.rubric_id if evaluation else None,
        "opinion": endorsement.opinion if endorsement else "",
    }


def scoring_form_version(application: Application) -> str:
    source = _source(_load(application.pk))
    return hashlib.sha256(json.dumps(source, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:24]


def form_context(application: Application) -> dict:
    """Everything the form prints, from an application loaded with `_load`."""
    evaluation = next(iter(application.unit_evaluations), None)
    endorsement = next(iter(application.unit_endorsements), None)
    rubric = evaluation.rubric if evaluation else rubric_for(application)
    scores = evaluation.scores if evaluation else {}
    items = list(rubric.items.all())
    rows = [
        {
            "position": index,
            "name": item.name,
            "description": item.description,
            "max_points": item.max_points,
            "score": scores.get(item.code),
        }
        for index, item in enumerate(items, start=1)
    ]
    return {
        "application": application,
        "edition": application.edition,
        "programme": application.edition.programme,
        "category": application.category,
        "subtype": application.subtype,
        "group": application.group,
        "unit": application.unit,
        "rubric": rubric,
        "rows": rows,
        "has_descriptions": any(row["description"] for row in rows),
        "max_total": scoring.total(item.max_points for item in items),
        "evaluation": evaluation,
        "total": evaluation.total if evaluation else None,
        "opinion": endorsement.opinion if endorsement else "",
        "printed_at": timezone.localtime(),
    }


def build_scoring_opinion_form(application: Application, document) -> bytes:
    loaded = _load(application.pk)
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(TEMPLATE, {**form_context(loaded), **verification_context(document)})


def scoring_form_filename(application: Application) -> str:
    return f"{application.number or application.pk}-成果评分与推荐意见表.pdf"


registry.register(
    SCORING_OPINION_FORM,
    label=_("Scoring and recommendation form"),
    model=Application,
    build=build_scoring_opinion_form,
    filename=scoring_form_filename,
    mime_type=registry.PDF,
    permission="recommenders.view_scoring_form",
    # The application's own scope (a unit sees a group's application only once it was submitted), then the form's
    # permission (not the group itself; the recommender once the application reached it).
    scope=applications_visible_to,
    version=scoring_form_version,
)
