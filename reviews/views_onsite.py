"""On-site review pages: staff create on-site rounds and schedule visits; staff and the visit's panel see a visit
and add photos from a phone; the expert dashboard lists the expert's visits. Thin views: permission → form → one
service in `reviews.onsite` → redirect. A visit outside the user's reach is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rules.contrib.views import permission_required

from awards.selectors import edition_for_editing
from core.exceptions import BusinessRuleError
from core.files import stored_file_response

from . import onsite, panel, rounds
from .enums import RoundKind
from .forms_onsite import PhotoForm, VisitForm
from .forms_rounds import RoundForm

manage_required = permission_required("reviews.manage_visits", raise_exception=True)
STAFF_SECTION = "review_rounds"


def _onsite_round(pk):
    round_ = rounds.round_for_staff(pk)
    if round_.kind != RoundKind.ONSITE:
        raise Http404
    return round_


@login_required
@manage_required
@require_http_methods(["GET", "POST"])
def onsite_round_create(request, edition_pk):
    edition = edition_for_editing(edition_pk)
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        initial={"name": _("%(year)s on-site review") % {"year": edition.year}},
    )
    if request.method == "POST" and form.is_valid():
        try:
            round_ = onsite.onsite_round_create(actor=request.user, edition=edition, **form.cleaned_data)
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("On-site round “%(round)s” created with the on-site rubric.") % {"round": round_}
            )
            return redirect("reviews:visit_list", pk=round_.pk)
    return render(
        request,
        "reviews/onsite/round_form.html",
        {"edition": edition, "form": form, "staff_section": STAFF_SECTION},
    )


def _visit_form(round_, data=None, **kwargs):
    return VisitForm(data, applications=onsite.visit_candidates(round_), experts=onsite.pool_experts(round_), **kwargs)


@login_required
@manage_required
@require_http_methods(["GET", "POST"])
def visit_list(request, pk):
    round_ = _onsite_round(pk)
    form = _visit_form(round_, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            onsite.site_visit_schedule(actor=request.user, round=round_, **form.cleaned_data)
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Visit scheduled; its panel is offered the assignment."))
            return redirect("reviews:visit_list", pk=round_.pk)
    context = {"round": round_, "visits": onsite.round_visits(round_), "form": form, "staff_section": STAFF_SECTION}
    return render(request, "reviews/onsite/visit_list.html", context, status=400 if form.errors else 200)


@login_required
@manage_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk):
    visit = onsite.visit_for(request.user, pk)
    if visit is None:
        raise Http404
    visit = onsite.visit_with_panel(visit)
    initial = {
        "starts_at": visit.starts_at,
        "address": visit.address,
        "notes": visit.notes,
        "experts": [a.expert_id for a in visit.panel],
    }
    form = VisitForm(
        request.POST if request.method == "POST" else None, experts=onsite.pool_experts(visit.round), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            onsite.site_visit_change(actor=request.user, visit=visit, **form.cleaned_data)
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Visit saved."))
            return redirect("reviews:visit_detail", pk=visit.pk)
    context = {"visit": visit, "round": visit.round, "form": form, "staff_section": STAFF_SECTION}
    return render(request, "reviews/onsite/visit_edit.html", context, status=400 if form.errors else 200)


def _visit_or_404(request, pk):
    visit = onsite.visit_for(request.user, pk)
    if visit is None or not request.user.has_perm("reviews.view_visit", visit):
        raise Http404
    return visit


@login_required
def visit_detail(request, pk):
    visit = onsite.visit_with_panel(_visit_or_404(request, pk))
    context = {
        "visit": visit,
        "photos": onsite.visit_photos(visit),
        "photo_form": PhotoForm(),
        "my_assignment": next((a for a in visit.panel if a.expert.user_id == request.user.pk), None),
        "can_manage": request.user.has_perm("reviews.manage_visits"),
    }
    return render(request, "reviews/onsite/visit_detail.html", context)


@login_required
@require_POST
def visit_photo_upload(request, pk):
    visit = _visit_or_404(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            onsite.visit_photo_add(
                actor=request.user,
                visit=visit,
                uploaded_file=form.cleaned_data["photo"],
                caption=form.cleaned_data["caption"],
            )
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Photo added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("reviews:visit_detail", pk=visit.pk)


@login_required
def visit_photo(request, pk, photo_pk, size):
    if size not in ("thumb", "full"):
        raise Http404
    photo = onsite.photo_for(request.user, pk, photo_pk)
    if photo is None:
        raise Http404
    if size == "thumb":
        return stored_file_response(photo.thumbnail, filename=f"photo-{photo.pk}-thumb.jpg", content_type="image/jpeg")
    extension = photo.image.name.rsplit(".", 1)[-1]
    return stored_file_response(photo.image, filename=f"photo-{photo.pk}.{extension}", content_type=photo.content_type)


# --- Expert dashboard ----------------------------------------------------------------------------------------------


def dashboard_panel(request, expert) -> dict:
    """The expert dashboard's panel: the visits the expert is on (date, address, panel) and the panels they lead."""
    if expert is None:
        return {}
    visits = onsite.visits_for_expert(request.user)
    led = panel.panels_led_by(request.user)
    if not visits and not led:
        return {}
    return {"dashboard_panels": ["reviews/onsite/expert_dashboard_panel.html"], "my_visits": visits, "led_panels": led}
