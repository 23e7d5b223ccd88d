"""Staff pages of 评定: the editions, an edition's combination settings, the combined table with level changes,
the committee vote, the release and the combined results documents.

Thin views: permission (`reviews.manage_levels`; the vote `reviews.vote_levels` on the scheme) → form → one service
in `reviews.levels` → redirect with a message. Everything here is staff only: decisions are staged until released.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from applications.models import Application
from awards.selectors import edition_for_editing
from core.exceptions import BusinessRuleError
from documents import selectors as document_selectors
from documents.services import document_request

from . import levels, rounds
from .documents_levels import LEVELS_PDF, LEVELS_XLSX
from .forms_levels import (
    LevelChangeForm,
    LevelRulesForm,
    SchemeForm,
    VoteForm,
    VotesResetForm,
    formset_rows,
    level_formset,
)

STAFF_SECTION = "levels"
manage_required = permission_required("reviews.manage_levels", raise_exception=True)
KINDS = {"xlsx": LEVELS_XLSX, "pdf": LEVELS_PDF}


def _render(request, template, context):
    return render(request, template, {"staff_section": STAFF_SECTION, **context})


def _scheme(request, edition_pk):
    """The edition's scheme for a POST: set up with the programme's defaults when missing (idempotent)."""
    edition = edition_for_editing(edition_pk)
    return levels.scheme_for_staff(edition.pk) or levels.scheme_ensure(actor=request.user, edition=edition)


def _setup_page(request, edition):
    """A GET before the edition has a scheme: reads only; the button posts to `levels_setup`."""
    return _render(request, "reviews/levels/setup.html", {"edition": edition})


@require_POST
@login_required
@manage_required
def levels_setup(request, edition_pk):
    scheme = _scheme(request, edition_pk)
    messages.success(request, _("Award levels are set up with the programme's defaults; adjust them here."))
    return redirect("reviews:levels_settings", edition_pk=scheme.edition_id)


@login_required
@manage_required
def levels_index(request):
    return _render(request, "reviews/levels/index.html", {"editions": rounds.editions_with_rounds()})


@login_required
@manage_required
def levels_table(request, edition_pk):
    edition = edition_for_editing(edition_pk)
    scheme = levels.scheme_for_staff(edition.pk)
    if scheme is None:
        return _setup_page(request, edition)
    table = levels.combined_table(scheme)
    tally = levels.vote_tally(scheme)
    context = {
        "scheme": scheme,
        "edition": scheme.edition,
        "table": table,
        "tally": tally,
        "blockers": [] if scheme.is_released else levels.release_blockers(scheme),
        "can_vote": request.user.has_perm("reviews.vote_levels", scheme),
        "my_vote": scheme.votes.filter(member=request.user).first(),
        "frozen": scheme.is_released or tally.yes + tally.no > 0,
        "documents": [document_selectors.document_for(kind, scheme) for kind in KINDS.values()],
        "change_form": LevelChangeForm(scheme=scheme),
        "reset_form": VotesResetForm(),
    }
    return _render(request, "reviews/levels/table.html", context)


@login_required
@manage_required
def levels_settings(request, edition_pk):
    edition = edition_for_editing(edition_pk)
    scheme = levels.scheme_for_staff(edition.pk)
    if scheme is None:
        return _setup_page(request, edition)
    edition_rounds = list(rounds.rounds_of_edition(scheme.edition))
    form = SchemeForm(request.POST if request.method == "POST" else None, scheme=scheme, rounds=edition_rounds)
    formset = level_formset(scheme, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            levels.scheme_save(
                actor=request.user,
                scheme=scheme,
                weights=data["weights"],
                tie_break=data["tie_break"],
                vote_required=data["vote_required"],
                threshold=(data["threshold_numerator"], data["threshold_denominator"]),
                members=list(data["members"]),
            )
            levels.award_levels_save(actor=request.user, scheme=scheme, rows=formset_rows(formset))
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The combination of the edition is saved."))
            return redirect("reviews:levels_table", edition_pk=scheme.edition_id)
    return _render(
        request,
        "reviews/levels/settings.html",
        {"scheme": scheme, "edition": scheme.edition, "form": form, "formset": formset},
    )


@login_required
@manage_required
def levels_rules(request, edition_pk):
    """Each category's own band and quotas per level (a level without one there uses its own limits)."""
    edition = edition_for_editing(edition_pk)
    scheme = levels.scheme_for_staff(edition.pk)
    if scheme is None:
        return _setup_page(request, edition)
    form = LevelRulesForm(
        request.POST if request.method == "POST" else None,
        levels=scheme.levels.all(),
        categories=edition.categories.order_by("position", "pk"),
        rules=levels.level_rules(scheme),
    )
    if request.method == "POST" and form.is_valid():
        try:
            levels.level_rules_save(actor=request.user, scheme=scheme, rules=form.rules())
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The level rules of the categories are saved."))
            return redirect("reviews:levels_table", edition_pk=scheme.edition_id)
    return _render(request, "reviews/levels/rules.html", {"scheme": scheme, "edition": edition, "form": form})


@require_POST
@login_required
@manage_required
def levels_votes_reset(request, edition_pk):
    scheme = levels.scheme_for_staff(edition_for_editing(edition_pk).pk)
    if scheme is None:
        raise Http404
    form = VotesResetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for resetting the vote."))
    else:
        try:
            levels.votes_reset(actor=request.user, scheme=scheme, reason=form.cleaned_data["reason"])
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The votes are cleared; the list can change and the committee votes again."))
    return redirect("reviews:levels_table", edition_pk=scheme.edition_id)


@require_POST
@login_required
@manage_required
def levels_change(request, edition_pk, application_pk):
    scheme = _scheme(request, edition_pk)
    application = get_object_or_404(Application, pk=application_pk, edition_id=scheme.edition_id)
    form = LevelChangeForm(request.POST, scheme=scheme)
    if not form.is_valid():
        messages.error(request, _("Give a reason for changing the level."))
    else:
        try:
            levels.level_change(
                actor=request.user,
                scheme=scheme,
                application=application,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
            )
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The level of %(number)s is changed.") % {"number": application.number})
    return redirect("reviews:levels_table", edition_pk=scheme.edition_id)


@require_POST
@login_required
def levels_vote(request, edition_pk):
    scheme = levels.scheme_for_staff(edition_pk)
    if scheme is None:
        raise Http404
    if not request.user.has_perm("reviews.vote_levels", scheme):
        raise PermissionDenied
    form = VoteForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        _vote, cast = levels.vote_cast(actor=request.user, scheme=scheme, approve=form.cleaned_data["approve"])
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your vote is recorded.") if cast else _("You have voted already."))
    return redirect("reviews:levels_table", edition_pk=scheme.edition_id)


@require_POST
@login_required
@manage_required
def levels_release(request, edition_pk):
    scheme = _scheme(request, edition_pk)
    try:
        released = levels.scheme_release(actor=request.user, scheme=scheme)
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        if released:
            messages.success(request, _("The result list is released; groups, units and recommenders are told."))
        else:
            messages.info(request, _("The result list was released already."))
    return redirect("reviews:levels_table", edition_pk=scheme.edition_id)


@require_POST
@login_required
@manage_required
def levels_document(request, edition_pk):
    scheme = _scheme(request, edition_pk)
    kind = KINDS.get(request.POST.get("format"))
    if kind is None:
        raise Http404
    document = document_request(kind=kind, obj=scheme, actor=request.user)
    if request.htmx:
        return render(request, "documents/_document_status.html", {"document": document, "kind_label": ""})
    return redirect("reviews:levels_table", edition_pk=scheme.edition_id)
