"""Formal review pages: the staff queue and the one page per application (materials beside the checklist and the
outcome), the checklist editor, and the group's "resubmit the correction" button.

Views check the permission, then call one service; a refusal (BusinessRuleError) is shown in its own words.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import selectors as application_selectors
from applications.enums import action_label
from applications.rules import is_applicant
from core.exceptions import BusinessRuleError

from . import formal
from .enums import OUTCOME_ACTION
from .forms_formal import CarryOverForm, ChecklistFormSet, ChecksForm, DecisionForm, QueueFilterForm


def _require_staff(request):
    if not request.user.has_perm("reviews.formal_review"):
        raise PermissionDenied


def _staff_application(request, pk):
    _require_staff(request)
    return application_selectors.application_for(request.user, pk)


@login_required
@require_GET
def formal_queue(request):
    _require_staff(request)
    editions = formal.formal_editions()
    chosen = next((e for e in editions if str(e.pk) == request.GET.get("edition", "")), None)
    edition = chosen or (editions[0] if editions else None)
    form = rows = None
    if edition is not None:
        form = QueueFilterForm(request.GET or None, edition=edition)
        data = form.cleaned_data if form.is_valid() else {}
        rows = formal.formal_queue(edition, category=data.get("category"), status=data.get("status", ""))
    context = {
        "editions": editions,
        "edition": edition,
        "form": form,
        "rows": rows,
        "waiting": formal.FORMAL_REVIEW_QUEUE,
        "staff_section": "formal_review",
    }
    return render(request, "reviews/formal_queue.html", context)


@login_required
@require_POST
def formal_bulk_admit(request):
    _require_staff(request)
    ids = [value for value in request.POST.getlist("applications") if value.isdigit()]
    if not ids:
        messages.error(request, _("Tick the applications to admit."))
    else:
        counts = formal.formal_review_bulk_admit(actor=request.user, applications=ids)
        messages.success(
            request,
            ngettext(
                "%(count)d application admitted to review.",
                "%(count)d applications admitted to review.",
                counts["admitted"],
            )
            % {"count": counts["admitted"]},
        )
        if counts["skipped"]:
            messages.warning(
                request,
                ngettext(
                    "%(count)d application was skipped: it is no longer waiting for formal review.",
                    "%(count)d applications were skipped: they are no longer waiting for formal review.",
                    counts["skipped"],
                )
                % {"count": counts["skipped"]},
            )
    return redirect(f"{reverse('reviews:formal_queue')}?edition={request.POST.get('edition', '')}")


@login_required
@require_http_methods(["GET", "POST"])
def formal_checklist(request, edition_pk):
    _require_staff(request)
    edition = formal.edition_by_pk(edition_pk)
    queryset = formal.checklist_items(edition)
    formset = ChecklistFormSet(request.POST if request.method == "POST" else None, queryset=queryset)
    if request.method == "POST" and formset.is_valid():
        try:
            changed = formal.checklist_save(actor=request.user, edition=edition, formset=formset)
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Checklist saved (%(count)d items changed).") % {"count": changed})
            return redirect("reviews:formal_checklist", edition_pk=edition.pk)
    context = {"edition": edition, "formset": formset, "staff_section": "formal_review"}
    return render(request, "reviews/formal_checklist.html", context)


def _page(request, application, *, checks_form=None, decision_form=None, status=200):
    # A refused POST re-renders this page: it must not create the edition's default checklist (it writes nothing).
    items = (
        formal.checklist_ensure(application.edition)
        if request.method == "GET"
        else formal.checklist_for_decision(application)
    )
    review = formal.formal_review_of(application)
    if checks_form is None:
        initial = {f"check_{code}": value for code, value in (review.checks if review else {}).items()}
        checks_form = ChecksForm(initial=initial, items=items)
    if decision_form is None:
        decision_form = DecisionForm(items=items)
    user = request.user
    outcomes = [
        {"value": outcome.value, "label": outcome.label, "action": action.value}
        for outcome, action in OUTCOME_ACTION.items()
        if user.has_perm(f"applications.{action.value}", application)
    ]
    next_edition = formal.next_edition(application)
    context = {
        "application": application,
        "review": review,
        "items": items,
        "labels": {item.code: item.localized("label") for item in items},
        "checks_form": checks_form,
        "decision_form": decision_form,
        "outcomes": outcomes,
        "chosen_outcome": decision_form["outcome"].value() if decision_form.is_bound else "",
        "chosen_items": decision_form["correction_items"].value() or [],
        "answers": application_selectors.answer_rows(application),
        "attachments": sorted(
            application_selectors.current_attachments(application).values(),
            key=lambda a: (a.requirement.position, a.pk),
        ),
        "endorsements": formal.endorsements_of(application),
        "events": formal.timeline_of(application),
        "next_edition": next_edition if user.has_perm("applications.carry_over", application) else None,
        "staff_section": "formal_review",
    }
    return render(request, "reviews/formal_application.html", context, status=status)


@login_required
@require_GET
def formal_application(request, pk):
    return _page(request, _staff_application(request, pk))


@login_required
@require_POST
def formal_checks(request, pk):
    application = _staff_application(request, pk)
    form = ChecksForm(request.POST, items=formal.checklist_for_decision(application))
    if form.is_valid():
        try:
            formal.formal_review_save_checks(actor=request.user, application=application, checks=form.checks())
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Checklist saved."))
    return redirect("reviews:formal_application", pk=application.pk)


@login_required
@require_POST
def formal_decide(request, pk):
    application = _staff_application(request, pk)
    form = DecisionForm(request.POST, items=formal.checklist_for_decision(application))
    if form.is_valid():
        data = form.cleaned_data
        try:
            formal.formal_review_decide(
                actor=request.user,
                application=application,
                outcome=data["outcome"],
                reason=data["reason"],
                correction_items=data["correction_items"],
                correction_deadline=data["correction_deadline"],
            )
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            action = OUTCOME_ACTION[data["outcome"]]
            messages.success(request, _("Done: %(action)s.") % {"action": action_label(action)})
            return redirect("reviews:formal_application", pk=application.pk)
    return _page(request, application, decision_form=form, status=400)


@login_required
@require_POST
def formal_carry_over(request, pk):
    application = _staff_application(request, pk)
    form = CarryOverForm(request.POST)
    wanted = form.cleaned_data.get("to_edition") if form.is_valid() else None
    target = formal.next_edition(application)
    if wanted:
        target = formal.edition_by_pk(wanted)
    if target is None:
        messages.error(request, _("The programme has no later edition to carry the application over to."))
        return redirect("reviews:formal_application", pk=application.pk)
    try:
        formal.formal_review_carry_over(actor=request.user, application=application, to_edition=target)
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Carried over to %(edition)s.") % {"edition": target.localized("title")})
    return redirect("reviews:formal_application", pk=application.pk)


@login_required
@require_POST
def correction_resubmit(request, pk):
    """The group hands its correction back (applicant side)."""
    application = application_selectors.application_for(request.user, pk)
    if not is_applicant(request.user, application):
        raise PermissionDenied
    # The service refuses in its own words (past the deadline, not returned for correction).
    try:
        formal.correction_resubmit(actor=request.user, application=application)
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Correction handed back to the association."))
    return redirect("applications:detail", pk=application.pk)
