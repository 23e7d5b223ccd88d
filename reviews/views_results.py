"""Staff pages of round results: the per-category table and the review summary (评审汇总表) requests."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from documents import selectors as document_selectors

from . import services_results
from .documents import ROUND_SUMMARY_PDF, ROUND_SUMMARY_XLSX, summary_shows_names
from .models import ReviewRound
from .results import round_results
from .rounds import round_for_staff

SHOW_NAMES, SHOW_CODES = "names", "codes"


def _round_for(request, pk) -> ReviewRound:
    if not request.user.has_perm("reviews.view_results"):
        raise PermissionDenied
    round_ = round_for_staff(pk)
    if not request.user.has_perm("reviews.view_results", round_):
        raise PermissionDenied
    return round_


@require_GET
@login_required
def results_round(request, pk):
    round_ = _round_for(request, pk)
    show = request.GET.get("experts")
    if show not in (SHOW_NAMES, SHOW_CODES):
        show = SHOW_CODES if round_.blind else SHOW_NAMES
    results = round_results(round_, with_chain_scores=True)
    context = {
        "round": round_,
        "results": results,
        "show_names": show == SHOW_NAMES,
        # A closed round's sheets are read-only but for staff's audited correction, reached from each mark.
        "can_correct": round_.is_closed and request.user.has_perm("reviews.correct_sheet"),
        "summary_names": summary_shows_names(round_),
        "documents": [
            document_selectors.document_for(ROUND_SUMMARY_XLSX, round_),
            document_selectors.document_for(ROUND_SUMMARY_PDF, round_),
        ],
        "kinds": {"xlsx": ROUND_SUMMARY_XLSX, "pdf": ROUND_SUMMARY_PDF},
    }
    return render(request, "reviews/results_round.html", context)


@require_POST
@login_required
def results_summary(request, pk):
    round_ = _round_for(request, pk)
    kind = {"xlsx": ROUND_SUMMARY_XLSX, "pdf": ROUND_SUMMARY_PDF}.get(request.POST.get("format"))
    if kind is None:
        raise Http404
    shows_names = request.POST.get("experts") == SHOW_NAMES
    document = services_results.round_summary_request(
        actor=request.user, round_=round_, kind=kind, shows_names=shows_names
    )
    if request.htmx:
        return render(request, "documents/_document_status.html", {"document": document, "kind_label": ""})
    return redirect(reverse("reviews:results_round", args=[round_.pk]))
