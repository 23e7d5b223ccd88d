"""Staff pages of review rounds: list, create and edit, rubrics, conflicts, assignment, progress, open and close.

Thin views: permission (`reviews.manage_rounds`) → form → one service → redirect with a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from awards.selectors import edition_for_editing
from core.audit import audit_for
from core.exceptions import BusinessRuleError
from core.views import paginate

from . import assign, conflicts, rounds
from .enums import LIVE_ASSIGNMENT_STATES, PairRuleKind
from .forms_rounds import PairRuleForm, ReasonForm, RoundForm, formset_items, rubric_formset

manage_required = permission_required("reviews.manage_rounds", raise_exception=True)

STAFF_SECTION = "review_rounds"


def _render(request, template, context):
    return render(request, template, {"staff_section": STAFF_SECTION, **context})


@login_required
@manage_required
def round_index(request):
    return _render(request, "reviews/round_index.html", {"editions": rounds.editions_with_rounds()})


@login_required
@manage_required
def round_list(request, edition_pk):
    edition = edition_for_editing(edition_pk)
    return _render(
        request, "reviews/round_list.html", {"edition": edition, "rounds": rounds.rounds_of_edition(edition)}
    )


@login_required
@manage_required
def round_create(request, edition_pk):
    edition = edition_for_editing(edition_pk)
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        initial={"name": _("%(year)s document review") % {"year": edition.year}},
    )
    if request.method == "POST" and form.is_valid():
        try:
            round_ = rounds.round_create(actor=request.user, edition=edition, **form.cleaned_data)
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Round “%(round)s” created with the edition's rubrics.") % {"round": round_})
            return redirect("reviews:round_detail", pk=round_.pk)
    return _render(request, "reviews/round_form.html", {"edition": edition, "form": form, "round": None})


@login_required
@manage_required
def round_edit(request, pk):
    round_ = rounds.round_for_staff(pk)
    form = RoundForm(request.POST if request.method == "POST" else None, instance=round_)
    if request.method == "POST" and form.is_valid():
        try:
            rounds.round_change(actor=request.user, round=round_, data=form.cleaned_data)
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Round settings saved."))
            return redirect("reviews:round_detail", pk=round_.pk)
    round_.refresh_from_db()
    return _render(request, "reviews/round_form.html", {"edition": round_.edition, "form": form, "round": round_})


@login_required
@manage_required
def round_detail(request, pk):
    round_ = rounds.round_for_staff(pk)
    return _render(
        request,
        "reviews/round_detail.html",
        {
            "round": round_,
            "rubrics": rounds.current_rubrics(round_),
            "moves": {move: rounds.round_move_allowed(round_, move) for move in rounds.ROUND_MOVES},
            "audit": audit_for(round_)[:20],
        },
    )


@login_required
@manage_required
@require_POST
def round_move(request, pk, move):
    services = {
        "open": (rounds.round_open, _("The round is open for scoring.")),
        "discussion": (rounds.round_open_discussion, _("Discussion is open: experts now see each other's scores.")),
        "close": (rounds.round_close, _("The round is closed; scores are read-only.")),
    }
    if move not in services:
        raise Http404
    round_ = rounds.round_for_staff(pk)
    service, done = services[move]
    try:
        service(actor=request.user, round=round_)
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("reviews:round_detail", pk=round_.pk)


@login_required
@manage_required
def round_rubric(request, pk, rubric_pk):
    round_ = rounds.round_for_staff(pk)
    rubric = rounds.rubric_for_staff(round_, rubric_pk)
    formset = rubric_formset(rubric, request.POST if request.method == "POST" else None)
    if request.method == "POST" and formset.is_valid():
        try:
            result = rounds.round_rubric_edit(actor=request.user, rubric=rubric, items=formset_items(formset))
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            if result.version != rubric.version:
                messages.success(
                    request,
                    _(
                        "Scores already exist for version %(old)s, so the rubric was saved as version %(new)s. "
                        "Sheets scored before keep version %(old)s."
                    )
                    % {"old": rubric.version, "new": result.version},
                )
            else:
                messages.success(request, _("Rubric saved."))
            return redirect("reviews:round_rubric", pk=round_.pk, rubric_pk=result.pk)
    return _render(
        request,
        "reviews/round_rubric.html",
        {"round": round_, "rubric": rubric, "formset": formset, "versions": rounds.rubric_versions(rubric)},
    )


@login_required
@manage_required
def round_conflicts(request, pk):
    round_ = rounds.round_for_staff(pk)
    if request.method == "POST":
        try:
            count = conflicts.conflicts_refresh(round=round_)
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Conflicts checked: %(count)d new.") % {"count": count})
        return redirect("reviews:round_conflicts", pk=round_.pk)
    return _render(
        request, "reviews/round_conflicts.html", {"round": round_, "conflicts": conflicts.round_conflicts(round_)}
    )


def _pair_form(round_, data=None):
    return PairRuleForm(
        data,
        experts=assign.pool_experts_of_round(round_),
        applications=assign.round_admitted_applications(round_),
    )


@login_required
@manage_required
def round_assignments(request, pk):
    round_ = rounds.round_for_staff(pk)
    return _render(
        request,
        "reviews/round_assignments.html",
        {
            "round": round_,
            "page": paginate(request, assign.round_assignments(round_), per_page=100),
            "live_states": list(LIVE_ASSIGNMENT_STATES),
            "rules": assign.round_pair_rules(round_),
            "pair_form": _pair_form(round_),
            "problems": request.session.pop(f"round-{round_.pk}-problems", []),
        },
    )


@login_required
@manage_required
@require_POST
def round_assign_run(request, pk):
    round_ = rounds.round_for_staff(pk)
    try:
        outcome = assign.round_assign(actor=request.user, round=round_)
    except assign.RoundInfeasible as error:
        request.session[f"round-{round_.pk}-problems"] = [str(m) for m in error.messages]
        messages.error(request, _("No assignment meets the round's rules; nothing was changed. See why below."))
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Experts assigned: %(created)d new assignments, %(kept)d kept, %(applications)d applications.")
            % {"created": outcome.created, "kept": outcome.kept, "applications": outcome.applications},
        )
    return redirect("reviews:round_assignments", pk=round_.pk)


@login_required
@manage_required
@require_POST
def round_pair_rule(request, pk):
    round_ = rounds.round_for_staff(pk)
    form = _pair_form(round_, request.POST)
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            assign.pair_rule_set(
                actor=request.user,
                round=round_,
                expert=form.cleaned_data["expert"],
                application=form.cleaned_data["application"],
                kind=None if kind == "clear" else PairRuleKind(kind),
            )
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Rule saved; it applies at the next assignment run."))
    else:
        messages.error(request, _("Choose an expert, an application and a rule."))
    return redirect("reviews:round_assignments", pk=round_.pk)


@login_required
@manage_required
@require_POST
def round_assignment_remove(request, pk, assignment_pk):
    round_ = rounds.round_for_staff(pk)
    assignment = assign.assignment_for_staff(round_, assignment_pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for removing the assignment."))
        return redirect("reviews:round_assignments", pk=round_.pk)
    try:
        outcome = assign.assignment_remove(
            actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
        )
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        if outcome.problems:
            request.session[f"round-{round_.pk}-problems"] = [str(m) for m in outcome.problems]
            messages.warning(request, _("Assignment removed; the application could not be refilled now."))
        else:
            messages.success(request, _("Assignment removed and the application refilled."))
    return redirect("reviews:round_assignments", pk=round_.pk)


@login_required
@manage_required
def round_progress(request, pk):
    round_ = rounds.round_for_staff(pk)
    return _render(request, "reviews/round_progress.html", {"round": round_, "progress": assign.round_progress(round_)})


@login_required
@manage_required
@require_POST
def round_remind(request, pk):
    round_ = rounds.round_for_staff(pk)
    try:
        count = assign.round_remind(actor=request.user, round=round_)
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext("Reminder sent to %(count)d expert.", "Reminders sent to %(count)d experts.", count)
            % {"count": count},
        )
    return redirect("reviews:round_progress", pk=round_.pk)
