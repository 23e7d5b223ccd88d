"""Panel pages: staff name a leader per panel of a round; the leader (and staff) see the panel's scores and
comments once all are submitted and record the panel's conclusion per application (合议). Anyone else gets a 404
for a panel page (its existence is not their business)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from awards.models import Category
from core.exceptions import BusinessRuleError

from . import panel as panels
from . import rounds
from .forms_panel import ConclusionForm, LeaderForm
from .models import PresentationSession

manage_required = permission_required("reviews.manage_panels", raise_exception=True)


@login_required
@manage_required
def round_panels(request, pk):
    round_ = rounds.round_for_staff(pk)
    rows = panels.round_panels(round_)
    for row in rows:
        leader = row["panel"].leader_id if row["panel"] else None
        session = row["session"]
        row["form"] = LeaderForm(
            initial={"category": row["category"].pk, "session": session.pk if session else None, "leader": leader},
            members=row["members"],
            prefix=row["key"],
        )
    context = {"round": round_, "rows": rows, "frozen": panels.ranking_frozen(round_), "staff_section": "review_rounds"}
    return render(request, "reviews/panel/round_panels.html", context)


@login_required
@manage_required
@require_POST
def panel_leader(request, pk):
    round_ = rounds.round_for_staff(pk)
    session_pk = request.POST.get("session") or ""
    session = None
    if session_pk:
        # A presentation round's panels are its sessions: the session names the category too.
        if not session_pk.isdigit():
            raise Http404
        session = get_object_or_404(PresentationSession.objects.select_related("category"), pk=session_pk, round=round_)
        category = session.category
    else:
        category = get_object_or_404(Category, pk=request.POST.get("category"), edition_id=round_.edition_id)
    members = panels.panel_members(round_, category.pk, session.pk if session else None)
    form = LeaderForm(request.POST, members=members)
    if not form.is_valid():
        messages.error(request, _("Choose one of the panel's experts."))
        return redirect("reviews:round_panels", pk=round_.pk)
    expert = next((e for e in members if e.pk == form.cleaned_data["leader"]), None)
    try:
        panels.panel_leader_set(actor=request.user, round=round_, category=category, expert=expert, session=session)
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Panel leader saved."))
    return redirect("reviews:round_panels", pk=round_.pk)


def _panel_or_404(request, pk):
    panel = panels.panel_for(request.user, pk)
    if panel is None:
        raise Http404
    return panel


@login_required
def panel_detail(request, pk):
    panel = _panel_or_404(request, pk)
    review = panels.panel_review(panel, request.user)
    for row in review.rows:
        conclusion = row.conclusion
        initial = {}
        if conclusion is not None:
            initial = {
                "agreed_score": conclusion.agreed_score if conclusion.adjustment else None,
                "reason": conclusion.reason,
                "recommended_level": conclusion.recommended_level,
                "notes": conclusion.notes,
            }
        row.form = ConclusionForm(initial=initial, prefix=f"app{row.application.pk}")
    context = {"panel": panel, "review": review, "is_staff_view": request.user.has_perm("reviews.manage_panels")}
    return render(request, "reviews/panel/panel_detail.html", context)


@login_required
@require_POST
def panel_conclude(request, pk, application_pk):
    panel = _panel_or_404(request, pk)
    row = next(
        (r for r in panels.panel_review(panel, request.user).rows if r.application.pk == int(application_pk)), None
    )
    if row is None:
        raise Http404
    form = ConclusionForm(request.POST, prefix=f"app{application_pk}")
    if form.is_valid():
        try:
            panels.panel_conclusion_record(
                actor=request.user, panel=panel, application=row.application, **form.cleaned_data
            )
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The panel's conclusion on %(code)s is saved.") % {"code": row.code})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("reviews:panel_detail", pk=panel.pk)
