"""The recommender channel (推荐通道): queue, application review and decision, ranking, hand-ins; and the staff
overview of hand-ins.

Thin views: fetch and authorise in one step (an organisation or application outside the user's reach is a 404),
validate the form, call one service, redirect; a `BusinessRuleError` is shown as the service worded it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Recommender
from applications.enums import Action, Status, status_sets
from applications.models import Application
from applications.rules import from_states
from applications.selectors import answer_rows
from awards import scores
from awards.enums import PhaseKind
from awards.models import Edition
from core.exceptions import BusinessRuleError
from core.files import stored_file_response
from core.pagecache import cached_page
from documents import registry
from documents.selectors import documents_for_owner

from . import rules as recommender_rules
from . import selectors, services
from .documents_recommender import REVIEWED_STATUSES, handin_document_kind
from .enums import HANDIN_UPLOAD_TYPES, EndorsementLevel, HandInKind
from .forms_recommender import (
    DecisionForm,
    HandInUploadForm,
    QueueFilterForm,
    ReturnForm,
    ScoreSheetForm,
    StatisticsForm,
)
from .models import Dossier
from .panels_joint import joint_card_context

# --- Fetch and authorise ----------------------------------------------------------------------------------------


def _recommender_for(user, pk) -> Recommender:
    """The organisation, if the user acts for it or is staff; otherwise a 404 (its existence is not revealed)."""
    recommender = selectors.recommender_by_pk(pk)
    if recommender is None or not user.has_perm("recommenders.view_recommender_queue", recommender):
        raise Http404
    return recommender


def _application_for(user, pk) -> Application:
    """An application that reached a recommender, for a member of that recommender or staff; otherwise 404."""
    try:
        application = selectors.application_with_chain(pk)
    except Application.DoesNotExist:
        raise Http404 from None
    if application.status not in status_sets().reached_recommender or application.unit.recommender_id is None:
        raise Http404
    if not user.has_perm("recommenders.view_recommender_scores", application):
        raise Http404
    return application


def _may_act(user, application) -> bool:
    return user.has_perm("recommenders.recommender_act", application)


def _default_edition(editions: list[Edition], recommender: Recommender) -> Edition | None:
    """The edition the queue opens on: of those whose recommendation phase is open now, the one with most of the
    organisation's applications; else the newest with any; else the newest."""
    counts = selectors.queue_counts_by_edition(recommender)
    now = timezone.now()
    open_now = [e for e in editions if (p := e.phase(PhaseKind.RECOMMENDATION)) is not None and p.is_open(now)]
    for candidates in (open_now, [e for e in editions if counts.get(e.pk)], editions):
        if candidates:
            return max(candidates, key=lambda e: (counts.get(e.pk, 0), -editions.index(e)))
    return None


def _deadline(edition: Edition | None) -> dict:
    phase = edition.phase(PhaseKind.RECOMMENDATION) if edition else None
    deadline = phase.ends_at if phase else None
    return {"deadline": deadline, "deadline_passed": deadline is not None and deadline <= timezone.now()}


# --- Queue ------------------------------------------------------------------------------------------------------


@require_GET
@login_required
@cached_page
def recommender_queue(request, recommender_pk):
    recommender = _recommender_for(request.user, recommender_pk)
    editions = selectors.queue_editions()
    data = request.GET.copy()
    by_pk = {e.pk: e for e in editions}
    try:
        edition = by_pk.get(int(data.get("edition", "")))
    except ValueError:
        edition = None
    edition = edition or _default_edition(editions, recommender)
    if edition is not None:
        data["edition"] = str(edition.pk)
    categories = selectors.top_categories(edition) if edition else []
    units = selectors.approved_units(recommender)
    form = QueueFilterForm(data, editions=editions, categories=categories, units=units)
    rows = []
    if edition is not None:
        rows = list(
            selectors.recommender_queue(
                recommender,
                edition=edition,
                category=form.chosen("category"),
                status=form.chosen("status") or "",
                unit=form.chosen("unit"),
            )
        )
    usage = selectors.recommendations_used(edition, recommender.pk)  # what services.quota_problem counts
    groups: dict[int, dict] = {}
    for application in rows:
        group = groups.setdefault(
            application.category_id, {"category": application.category, "rows": [], "recommended": 0}
        )
        group["rows"].append(application)
        group["recommended"] += application.status == Status.RECOMMENDED
        application.unit_used = usage.of_unit(application.unit_id)
    unit_usage = [
        {"unit": unit, "used": usage.of_unit(unit.pk)}
        for unit in units
        if usage.of_unit(unit.pk) or any(a.unit_id == unit.pk for a in rows)
    ]
    context = {
        "recommender": recommender,
        "edition": edition,
        "form": form,
        "groups": list(groups.values()),
        "row_count": len(rows),
        "unit_usage": unit_usage,
        "usage_total": usage.total,
        "is_member": recommender_rules.is_member_of(request.user, recommender),
        **_deadline(edition),
    }
    return render(request, "recommenders/recommender_queue.html", context)


# --- One application --------------------------------------------------------------------------------------------


def _application_context(
    request, application, *, score_form=None, decision_form=None, return_form=None, joint_form=None
) -> dict:
    user = request.user
    recommender = application.unit.recommender
    edition = application.edition
    try:
        rubric = services.rubric_for(application)
        items = list(rubric.items.all())
    except BusinessRuleError:
        rubric, items = None, []
    endorsements = {e.level: e for e in application.endorsements.all()}
    evaluations = list(application.evaluations.all())
    self_evaluation = next((e for e in evaluations if e.level == EndorsementLevel.UNIT), None)
    sheets = sorted(
        (e for e in evaluations if e.level == EndorsementLevel.RECOMMENDER and e.recommender_id == recommender.pk),
        key=lambda e: (e.reviewer.full_name, e.reviewer_id),
    )
    mine = next((e for e in sheets if e.reviewer_id == user.pk), None)
    is_open = services.recommendation_open(edition)
    may_act = _may_act(user, application) and is_open and recommender.is_active
    if score_form is None:
        score_form = ScoreSheetForm(
            rubric_items=items,
            initial_scores=mine.scores if mine else {},
            initial={"comment": mine.comment if mine else ""},
        )
    recommender_endorsement = endorsements.get(EndorsementLevel.RECOMMENDER)
    # Why the Recommend button is missing for a decider: the ranking or a quota (the service's own words).
    recommend_problem = ""
    if (
        may_act
        and application.status in from_states(Action.RECOMMEND)
        and user.has_perm("recommenders.recommender_decide", application)
    ):
        recommend_problem = services.ranking_problem(
            recommender=recommender, edition=edition, category=application.category
        ) or services.quota_problem(application=application, recommender=recommender)
    return {
        "application": application,
        "recommender": recommender,
        "edition": edition,
        "items": items,
        "rubric": rubric,
        "unit_endorsement": endorsements.get(EndorsementLevel.UNIT),
        "recommender_endorsement": recommender_endorsement,
        "self_evaluation": self_evaluation,
        "self_scores": [(item, (self_evaluation.scores or {}).get(item.code)) for item in items]
        if self_evaluation
        else [],
        "sheets": sheets,
        "sheet_rows": [(item, [(s.scores or {}).get(item.code) for s in sheets]) for item in items],
        "mean": scores.mean(e.total for e in sheets),
        "my_sheet": mine,
        "may_act": may_act,
        "recommend_problem": recommend_problem or "",
        "may_score": may_act and application.status in REVIEWED_STATUSES,
        "is_open": is_open,
        "score_form": score_form,
        "decision_form": decision_form
        or DecisionForm(initial={"opinion": getattr(recommender_endorsement, "opinion", "")}),
        "return_form": return_form or ReturnForm(),
        "attachments": [a for a in application.attachments.all() if a.is_current],
        "answers": answer_rows(application),
        "events": list(application.events.all()),
        **_deadline(edition),
        **joint_card_context(request, application, invite_form=joint_form),
    }


@require_GET
@login_required
def recommender_application(request, pk):
    application = _application_for(request.user, pk)
    return render(request, "recommenders/recommender_application.html", _application_context(request, application))


def _acting_on(request, pk) -> Application:
    application = _application_for(request.user, pk)
    if not _may_act(request.user, application):
        raise PermissionDenied
    return application


def _deciding_on(request, pk) -> Application:
    """Recommend, decline, reconsider and return: only a member who decides for the organisation."""
    application = _application_for(request.user, pk)
    if not request.user.has_perm("recommenders.recommender_decide", application):
        raise PermissionDenied
    return application


def _back_to(application) -> str:
    return reverse("recommenders:recommender_application", args=[application.pk])


@require_POST
@login_required
def recommender_score(request, pk):
    application = _acting_on(request, pk)
    context = _application_context(request, application)
    form = ScoreSheetForm(request.POST, rubric_items=context["items"])
    if form.is_valid():
        try:
            services.recommender_evaluation_save(
                actor=request.user,
                application=application,
                recommender=application.unit.recommender,
                scores=form.scores(),
                comment=form.cleaned_data["comment"].strip(),
            )
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your score sheet is saved."))
            return redirect(_back_to(application))
    context = _application_context(request, application, score_form=form)
    return render(request, "recommenders/recommender_application.html", context, status=200)


@require_POST
@login_required
def recommender_decide(request, pk):
    application = _deciding_on(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        # The page again, with the opinion as typed and what is missing (the confirmation, or the choice).
        if "decision" in form.errors:
            messages.error(request, _("Choose to recommend or not."))
        for error in form.errors.get("confirm", []):
            messages.error(request, error)
        context = _application_context(request, application, decision_form=form)
        return render(request, "recommenders/recommender_application.html", context, status=400)
    recommend = form.cleaned_data["decision"] == "recommend"
    try:
        services.recommender_decide(
            actor=request.user,
            application=application,
            recommender=application.unit.recommender,
            recommend=recommend,
            opinion=form.cleaned_data["opinion"],
        )
    except BusinessRuleError as error:
        # Shown on the same page with the opinion as typed (a quota refusal must not lose the text).
        messages.error(request, error.message)
        context = _application_context(request, application, decision_form=form)
        return render(request, "recommenders/recommender_application.html", context)
    messages.success(
        request, _("The application is recommended.") if recommend else _("The application is not recommended.")
    )
    return redirect(_back_to(application))


@require_POST
@login_required
def recommender_reconsider(request, pk):
    application = _deciding_on(request, pk)
    try:
        services.recommender_reconsider(
            actor=request.user, application=application, recommender=application.unit.recommender
        )
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The decision is withdrawn; the application waits for a decision again."))
    return redirect(_back_to(application))


@require_POST
@login_required
def recommender_return(request, pk):
    application = _deciding_on(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for returning the application."))
        return redirect(_back_to(application))
    try:
        services.recommender_return(
            actor=request.user,
            application=application,
            recommender=application.unit.recommender,
            reason=form.cleaned_data["reason"],
        )
    except BusinessRuleError as error:
        messages.error(request, error.message)
        return redirect(_back_to(application))
    messages.success(request, _("The application is returned to the unit."))
    return redirect("recommenders:recommender_queue", recommender_pk=application.unit.recommender_id)


# --- Ranking ----------------------------------------------------------------------------------------------------


def _ranks_from_post(post, applications: list[Application]) -> dict[int, str]:
    """The rank typed for each row, as typed (the service checks they are 1..n, each once); the JavaScript
    up/down buttons renumber the same inputs."""
    return {a.pk: post.get(f"rank_{a.pk}", "").strip() for a in applications}


@require_http_methods(["GET", "POST"])
@login_required
def recommender_rank(request, pk, edition_pk, category_pk):
    recommender = _recommender_for(request.user, pk)
    edition = selectors.edition_or_404(edition_pk)
    category = selectors.top_category_or_404(edition, category_pk)
    applications = list(
        selectors.recommender_queue(recommender, edition=edition, category=category).filter(
            status__in=REVIEWED_STATUSES
        )
    )
    may_rank = request.user.has_perm("recommenders.rank", recommender) and services.recommendation_open(edition)
    if request.method == "POST":
        if not request.user.has_perm("recommenders.rank", recommender):
            raise PermissionDenied
        typed = _ranks_from_post(request.POST, applications)
        try:
            services.recommender_rank(
                actor=request.user, recommender=recommender, edition=edition, category=category, ranks=typed
            )
        except BusinessRuleError as error:
            # Shown on the same page with every rank as typed, so nothing is lost.
            for application in applications:
                application.typed_rank = typed[application.pk]
            context = _rank_context(recommender, edition, category, applications, may_rank, error=error.message)
            return render(request, "recommenders/recommender_rank.html", context, status=400)
        messages.success(request, _("The ranking is saved."))
        return redirect(
            "recommenders:recommender_rank", pk=recommender.pk, edition_pk=edition.pk, category_pk=category.pk
        )
    context = _rank_context(recommender, edition, category, applications, may_rank)
    return render(request, "recommenders/recommender_rank.html", context)


def _rank_context(recommender, edition, category, applications, may_rank, *, error="") -> dict:
    for position, application in enumerate(applications, start=1):
        if not hasattr(application, "typed_rank"):
            # The saved rank; a row not ranked yet is offered its place in the list (saved only with the form).
            application.typed_rank = application.rank if application.rank is not None else position
    problem = "" if error else services.ranking_problem(recommender=recommender, edition=edition, category=category)
    return {
        "recommender": recommender,
        "edition": edition,
        "category": category,
        "applications": applications,
        "may_rank": may_rank,
        "rank_error": error,
        "ranking_problem": problem,
        **_deadline(edition),
    }


# --- Dossier and hand-ins ---------------------------------------------------------------------------------------


def _dossier_for(request, pk, edition_pk) -> tuple[Recommender, Edition, Dossier | None]:
    recommender = _recommender_for(request.user, pk)
    edition = selectors.edition_or_404(edition_pk)
    if recommender_rules.is_member_of(request.user, recommender):
        dossier = services.dossier_for(recommender=recommender, edition=edition)
    else:  # staff look, and do not create anything by looking
        dossier = selectors.dossier_of(recommender, edition)
    if dossier is not None:
        dossier.recommender, dossier.edition = recommender, edition
        if not request.user.has_perm("recommenders.view_dossier", dossier):
            raise Http404
    return recommender, edition, dossier


def _changing_dossier(request, pk, edition_pk) -> Dossier:
    _recommender, _edition, dossier = _dossier_for(request, pk, edition_pk)
    if dossier is None or not request.user.has_perm("recommenders.change_dossier", dossier):
        raise PermissionDenied
    return dossier


def _back_to_dossier(dossier) -> str:
    return reverse("recommenders:recommender_dossier", args=[dossier.recommender_id, dossier.edition_id])


HANDIN_ORDER = [
    HandInKind.RECOMMENDATION_TABLE,
    HandInKind.RECOMMENDATION_TABLE_PDF,
    HandInKind.REVIEW_SUMMARY,
    HandInKind.REVIEW_SUMMARY_PDF,
    HandInKind.RECOMMENDATION_LETTER,
    HandInKind.ACTIVITY_SUMMARY,
    HandInKind.ACTIVITY_STATISTICS,
]


def _handin_label(kind) -> str:
    """A generated item is named by its document (format included: "Recommendation table (Excel)")."""
    document_kind = handin_document_kind(kind)
    return registry.get(document_kind).label if document_kind else HandInKind(kind).label


def _dossier_context(request, recommender, edition, dossier, *, statistics_form=None, upload_form=None) -> dict:
    hand_ins = selectors.dossier_hand_ins(dossier) if dossier else {}
    documents = {}
    if dossier is not None:
        documents = {d.kind: d for d in documents_for_owner(dossier)}
    is_open = services.recommendation_open(edition)
    may_change = dossier is not None and request.user.has_perm("recommenders.change_dossier", dossier) and is_open
    generated = [
        {
            "kind": kind,
            "label": _handin_label(kind),
            "document_kind": handin_document_kind(kind),
            "document": documents.get(handin_document_kind(kind)),
            "hand_in": hand_ins.get(kind),
        }
        for kind in HANDIN_ORDER
        if handin_document_kind(kind)
    ]
    fields = edition.statistics_fields or []
    if statistics_form is None:
        statistics_form = StatisticsForm(fields=fields, initial=(dossier.statistics if dossier else {}))
    recommended = selectors.recommendations_used(edition, recommender.pk).total
    return {
        "recommender": recommender,
        "edition": edition,
        "dossier": dossier,
        "hand_ins": [(kind, _handin_label(kind), hand_ins.get(kind)) for kind in HANDIN_ORDER],
        "generated": generated,
        "statistics_form": statistics_form,
        "statistics_rows": [(f["label"], (dossier.statistics or {}).get(f["code"])) for f in fields] if dossier else [],
        "upload_form": upload_form or HandInUploadForm(),
        "upload_kinds": [(k, _handin_label(k)) for k in HANDIN_ORDER if k in HANDIN_UPLOAD_TYPES],
        "may_change": may_change,
        "is_open": is_open,
        "recommended_count": recommended,
        **_deadline(edition),
    }


@require_GET
@login_required
def recommender_dossier(request, pk, edition_pk):
    recommender, edition, dossier = _dossier_for(request, pk, edition_pk)
    return render(
        request, "recommenders/recommender_dossier.html", _dossier_context(request, recommender, edition, dossier)
    )


@require_POST
@login_required
def recommender_statistics(request, pk, edition_pk):
    dossier = _changing_dossier(request, pk, edition_pk)
    form = StatisticsForm(request.POST, fields=dossier.edition.statistics_fields or [])
    if form.is_valid():
        try:
            services.statistics_save(actor=request.user, dossier=dossier, data=form.raw())
        except BusinessRuleError as error:
            if error.code == "phase_closed":  # the form is no longer shown: say it where the page shows it
                messages.error(request, error.message)
                return redirect(_back_to_dossier(dossier))
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The activity statistics are saved."))
            return redirect(_back_to_dossier(dossier))
    context = _dossier_context(request, dossier.recommender, dossier.edition, dossier, statistics_form=form)
    return render(request, "recommenders/recommender_dossier.html", context)


@require_POST
@login_required
def recommender_handin_upload(request, pk, edition_pk):
    dossier = _changing_dossier(request, pk, edition_pk)
    form = HandInUploadForm(request.POST, request.FILES)
    if form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            services.hand_in(
                actor=request.user,
                dossier=dossier,
                kind=form.cleaned_data["kind"],
                data=uploaded.read(),
                file_name=uploaded.name or "file",
            )
        except BusinessRuleError as error:
            if error.code == "phase_closed":
                messages.error(request, error.message)
                return redirect(_back_to_dossier(dossier))
            form.add_error("file", error.message)
        else:
            messages.success(
                request, _("“%(kind)s” is handed in.") % {"kind": _handin_label(form.cleaned_data["kind"])}
            )
            return redirect(_back_to_dossier(dossier))
    context = _dossier_context(request, dossier.recommender, dossier.edition, dossier, upload_form=form)
    return render(request, "recommenders/recommender_dossier.html", context)


@require_POST
@login_required
def recommender_handin_generated(request, pk, edition_pk):
    """Hand in the portal's current table. A table built from the current rows is handed in at once; otherwise it
    is generated by a worker and handed in when ready, while the page shows it as being generated."""
    dossier = _changing_dossier(request, pk, edition_pk)
    kind = request.POST.get("kind", "")
    if handin_document_kind(kind) is None:
        raise Http404
    try:
        result = services.hand_in_generated_request(actor=request.user, dossier=dossier, kind=kind)
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        if result.hand_in is not None:
            messages.success(request, _("“%(kind)s” is handed in.") % {"kind": _handin_label(kind)})
        else:
            messages.info(
                request,
                _("“%(kind)s” is being generated; it is handed in as soon as it is ready.")
                % {"kind": _handin_label(kind)},
            )
    return redirect(_back_to_dossier(dossier))


@require_GET
@login_required
@never_cache
def recommender_handin_download(request, pk):
    hand_in = selectors.hand_in_or_404(pk)
    if not request.user.has_perm("recommenders.view_dossier", hand_in.dossier):
        raise Http404
    return stored_file_response(hand_in.file, filename=hand_in.file_name, content_type=hand_in.mime_type)


# --- Staff ------------------------------------------------------------------------------------------------------


@require_GET
@login_required
def staff_handins(request, edition_pk):
    if not request.user.has_perm("recommenders.view_handins_overview"):
        raise PermissionDenied
    edition = selectors.edition_or_404(edition_pk)
    recommenders = list(selectors.dossiers_overview(edition))
    rows = []
    complete = 0
    for recommender in recommenders:
        dossier = next(iter(recommender.dossiers.all()), None)
        hand_ins = {h.kind: h for h in dossier.hand_ins.all()} if dossier else {}
        cells = [hand_ins.get(kind) for kind in HANDIN_ORDER]
        done = all(cells)
        complete += done
        rows.append({"recommender": recommender, "dossier": dossier, "cells": cells, "done": done})
    context = {
        "edition": edition,
        "rows": rows,
        "kinds": [_handin_label(kind) for kind in HANDIN_ORDER],
        "complete": complete,
        "staff_section": "handins",
        **_deadline(edition),
    }
    return render(request, "recommenders/staff_handins.html", context)
