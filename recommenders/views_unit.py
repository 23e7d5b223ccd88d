"""单位通道: the unit's queue of its groups' applications, the review page (self-evaluation, opinion, stamped
scan, endorse or return) and the stamped scan's download.

Every view fetches within the user's scope first (a unit or application outside the user's units is a 404),
then checks the object permission (`recommenders.view_unit_queue` to look, `recommenders.unit_act` to act).
The services decide the rest (deadline, completeness, quota) and their messages are shown as they are.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Unit
from applications.enums import Action, Status, repeats, status_sets
from applications.models import Application
from applications.selectors import answer_rows, applications_visible_to
from awards.enums import PhaseKind
from core import roles
from core.exceptions import BusinessRuleError
from core.files import stored_file_response
from core.pagecache import cached_page
from core.views import paginate
from documents import registry

from . import selectors, services
from .documents_unit import SCORING_OPINION_FORM
from .enums import EndorsementLevel
from .forms_unit import (
    ENDORSED_STATUSES,
    PASSED_ON,
    WAITING,
    WAITING_STATUSES,
    QueueFilterForm,
    ReturnForm,
    ScanUploadForm,
    SelfEvaluationForm,
)

QUEUE_PAGE_SIZE = 25


# --- Scoped fetches ---------------------------------------------------------------------------------------------


def _unit_for(request, unit_pk) -> Unit:
    """The unit, if it is one of the user's (staff: any); then the queue permission on it."""
    unit = get_object_or_404(selectors.queue_units_of(request.user), pk=unit_pk)
    if not request.user.has_perm("recommenders.view_unit_queue", unit):
        raise PermissionDenied
    return unit


def _application_for(request, pk) -> Application:
    application = get_object_or_404(selectors.unit_applications_for(request.user), pk=pk)
    if not request.user.has_perm("recommenders.view_unit_queue", application.unit):
        raise PermissionDenied
    return application


def _may_act(request, application) -> bool:
    return request.user.has_perm("recommenders.unit_act", application)


# --- Queue ------------------------------------------------------------------------------------------------------


def _deadline(edition):
    phase = edition.phase(PhaseKind.UNIT_ENDORSEMENT)
    return phase.ends_at if phase else None


@login_required
@require_GET
@cached_page
def unit_queue(request, unit_pk):
    unit = _unit_for(request, unit_pk)
    editions = selectors.unit_queue_editions(unit)
    form = QueueFilterForm(request.GET or None, editions=editions)
    chosen = form.filters()
    status = chosen["status"]
    groups = {WAITING: WAITING_STATUSES, PASSED_ON: ENDORSED_STATUSES}
    queryset = selectors.unit_queue(unit, edition=chosen["edition"], status="" if status in groups else status)
    if status in groups:
        queryset = queryset.filter(status__in=groups[status])
    if chosen["category"]:
        queryset = queryset.filter(category__code=chosen["category"])
    # Work first: what waits for the unit, then the rest; newest edition first within each.
    queryset = queryset.order_by(
        Case(When(status__in=WAITING_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()),
        "-edition__year",
        "number",
    )
    page = paginate(request, queryset, per_page=QUEUE_PAGE_SIZE)
    now = timezone.now()
    countdowns = {}  # one per edition: the rows of an edition share its deadline
    for application in page:
        application.unit_deadline = _deadline(application.edition)
        application.unit_deadline_passed = application.unit_deadline is not None and application.unit_deadline <= now
        application.waits_for_unit = application.status in WAITING_STATUSES
        if application.edition_id not in countdowns:
            countdowns[application.edition_id] = render_to_string(
                "applications/_countdown.html",
                {"deadline": application.unit_deadline, "passed": application.unit_deadline_passed},
            )
        application.unit_countdown = countdowns[application.edition_id]
    deadlines = []
    for edition in editions:
        deadline = _deadline(edition)
        if deadline is not None:
            deadlines.append({"edition": edition, "deadline": deadline, "passed": deadline <= now})
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "unit": unit,
        "form": form,
        "page": page,
        "deadlines": deadlines,
        "filter_query": query.urlencode(),
        "filtered": any(chosen.values()),
    }
    return render(request, "recommenders/unit_queue.html", context)


# --- Review page ------------------------------------------------------------------------------------------------


def _scoring_form_context(application, evaluation, state) -> dict:
    """The scoring form's document: shown when it reflects the saved self-evaluation, else the (re)build button.
    `state`: services.scoring_form_state(application)."""
    entry = registry.get(SCORING_OPINION_FORM)
    document = state["document"]
    stale = False
    if document is not None and not document.in_progress:
        if not document.is_ready or document.source_version != state["version"]:
            stale = document.is_ready
            document = None if document.is_ready else document
    return {
        "kind": SCORING_OPINION_FORM,
        "object_id": application.pk,
        "kind_label": entry.label,
        "document": document,
        "stale": stale,
        "current": state["form_current"],
        "button_label": _("Build the form (PDF) with the saved scores"),
        "available": evaluation is not None,
    }


def _scan_state(endorsement, state) -> str:
    """ "missing": no scan yet; "current": the scan of the form with the saved scores and opinion; "stale": the
    scores or the opinion changed after the scan was uploaded."""
    if endorsement is None or not endorsement.scan_sha256:
        return "missing"
    return "current" if services.scan_is_current(endorsement, state["version"]) else "stale"


QUOTA_TEXTS = {
    selectors.QUOTA_UNIT_ENDORSEMENTS: gettext_lazy("Endorsements per unit in this edition: at most %(quota)s."),
    selectors.QUOTA_PER_UNIT: gettext_lazy("Recommendations per unit: at most %(quota)s."),
    selectors.QUOTA_PER_UNIT_CATEGORY: gettext_lazy("Recommendations per unit in each category: at most %(quota)s."),
}


def _quota_rows(application) -> list[dict]:
    """The quotas that bind the unit, with "n of N used", counted by selectors.quota_usage (what the services
    count to enforce them)."""
    rows = []
    for use in selectors.quota_usage(application, kinds=tuple(QUOTA_TEXTS)):
        rows.append(
            {
                "kind": use.kind,
                "rule": QUOTA_TEXTS[use.kind] % {"quota": use.quota},
                "used": use.used,
                "quota": use.quota,
                "full": use.full,
                "category": application.category.name if use.kind == selectors.QUOTA_PER_UNIT_CATEGORY else "",
            }
        )
    return rows


def _review_context(request, application, *, evaluation_form=None, return_form=None, evaluation_error="") -> dict:
    evaluation = next(iter(application.evaluations.all()), None)
    endorsement = next((e for e in application.endorsements.all() if e.level == EndorsementLevel.UNIT), None)
    can_act = _may_act(request, application)
    rubric = evaluation.rubric if evaluation else None
    rubric_error = ""
    if rubric is None:
        try:
            rubric = services.rubric_for(application)
        except BusinessRuleError as error:
            rubric_error = str(error)
    if evaluation_form is None and rubric is not None:
        evaluation_form = SelfEvaluationForm(
            rubric=rubric, evaluation=evaluation, opinion=endorsement.opinion if endorsement else ""
        )
    deadline = _deadline(application.edition)
    now = timezone.now()
    unit = application.unit
    form_state = services.scoring_form_state(application)
    events = list(application.events.all())
    return {
        "application": application,
        "unit": unit,
        "edition": application.edition,
        "can_act": can_act,
        "waiting": application.status in WAITING_STATUSES,
        "evaluation": evaluation,
        "endorsement": endorsement,
        "rubric": rubric,
        "rubric_error": rubric_error,
        "evaluation_form": evaluation_form,
        "evaluation_error": evaluation_error,
        "scan_form": ScanUploadForm(),
        "return_form": return_form or ReturnForm(),
        "problems": services.unit_endorsement_problems(application, form_state=form_state) if can_act else [],
        "scan_state": _scan_state(endorsement, form_state),
        "form_current": form_state["form_current"],
        "answers": answer_rows(application),
        "attachments": list(application.attachments.all()),
        "events": events,
        "deadline": deadline,
        "deadline_passed": deadline is not None and deadline <= now,
        "quotas": _quota_rows(application),
        "direct": unit.applies_directly and unit.direct_confirmed,
        "scoring_form": _scoring_form_context(application, evaluation, form_state),
        "may_view_scoring_form": request.user.has_perm("recommenders.view_scoring_form", application),
    }


def _render_review(request, application, status=200, **kwargs):
    return render(
        request, "recommenders/unit_application.html", _review_context(request, application, **kwargs), status=status
    )


@login_required
@require_GET
def unit_application(request, pk):
    return _render_review(request, _application_for(request, pk))


def _to_review(application):
    return redirect("recommenders:unit_application", pk=application.pk)


@login_required
@require_POST
def unit_evaluation_save(request, pk):
    """Save the self-evaluation and opinion; a refused save shows the page again with everything typed."""
    application = _application_for(request, pk)
    if not _may_act(request, application):
        raise PermissionDenied
    evaluation = next(iter(application.evaluations.all()), None)
    try:
        rubric = evaluation.rubric if evaluation else services.rubric_for(application)
    except BusinessRuleError as error:
        messages.error(request, str(error))
        return _to_review(application)
    form = SelfEvaluationForm(request.POST, rubric=rubric)
    if not form.is_valid():
        return _render_review(request, application, evaluation_form=form, status=400)
    try:
        saved = services.self_evaluation_save(
            actor=request.user, application=application, scores=form.scores(), opinion=form.cleaned_data["opinion"]
        )
    except BusinessRuleError as error:
        return _render_review(request, application, evaluation_form=form, evaluation_error=str(error), status=400)
    messages.success(
        request,
        _("Self-evaluation saved: %(total)s of %(max)s points.") % {"total": saved.total, "max": rubric.total_points},
    )
    return redirect(f"{_to_review(application).url}#self-evaluation")


@login_required
@require_POST
def unit_scan_upload(request, pk):
    application = _application_for(request, pk)
    if not _may_act(request, application):
        raise PermissionDenied
    form = ScanUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the scanned file to upload."))
        return _to_review(application)
    try:
        services.unit_scan_upload(actor=request.user, application=application, uploaded_file=form.cleaned_data["scan"])
    except BusinessRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Stamped scan uploaded."))
    return redirect(f"{_to_review(application).url}#scan")


@login_required
@require_GET
def unit_scan_download(request, pk):
    """The stamped scan, for the unit, its recommending organisation (once the application reached it) and staff."""
    application = get_object_or_404(applications_visible_to(request.user), pk=pk)
    if not request.user.has_perm("recommenders.view_scoring_form", application):
        raise PermissionDenied
    endorsement = selectors.unit_endorsement_of(application)
    if endorsement is None or not endorsement.scan_sha256:
        raise Http404
    return stored_file_response(
        endorsement.scan, filename=endorsement.scan_name or "scan", content_type=endorsement.scan_mime
    )


def _already(request, application, repeated: bool, message) -> bool:
    """A repeated decision (a double click, a second tab): the unit's own contact is told, nothing changes."""
    if repeated and application.unit_id in roles.unit_ids(request.user):
        messages.info(request, message)
        return True
    return False


@login_required
@require_POST
def unit_endorse(request, pk):
    application = _application_for(request, pk)
    if not _may_act(request, application):
        # Passed on already: endorsed, and maybe decided above since (a stale second tab).
        passed_on = application.status in status_sets().passed_on_by_unit
        if _already(request, application, passed_on, _("The unit has already endorsed this application.")):
            return _to_review(application)
        raise PermissionDenied
    try:
        result = services.unit_endorse(actor=request.user, application=application)
    except BusinessRuleError as error:
        messages.error(request, str(error))
        return _to_review(application)
    if result.status == Status.RECOMMENDED:
        messages.success(request, _("Endorsed: the application goes directly to the association."))
    else:
        messages.success(
            request,
            _("Endorsed: the application is now with %(recommender)s.")
            % {"recommender": application.unit.recommender or _("the recommending organisation")},
        )
    return _to_review(application)


@login_required
@require_POST
def unit_return(request, pk):
    application = _application_for(request, pk)
    if not _may_act(request, application):
        repeated = repeats(application.status, Action.UNIT_RETURN)
        if _already(request, application, repeated, _("The unit has already returned this application.")):
            return _to_review(application)
        raise PermissionDenied
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render_review(request, application, return_form=form, status=400)
    try:
        services.unit_return(actor=request.user, application=application, reason=form.cleaned_data["reason"])
    except BusinessRuleError as error:
        messages.error(request, str(error))
        return _to_review(application)
    messages.success(request, _("Returned to the applicant with your reason."))
    return _to_review(application)
