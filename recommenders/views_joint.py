"""联合推荐 (joint recommendation): the lead invites from the application's recommender page; the invited
organisation answers on its invitations page. Thin views: fetch and authorise (404 outside reach, 403 without the
right to act), validate, call one service, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import roles
from core.exceptions import BusinessRuleError

from . import selectors, services_joint
from .forms_joint import JointDecisionForm, JointInviteForm
from .views_recommender import _application_context, _application_for, _recommender_for


@require_POST
@login_required
def joint_invite(request, pk):
    application = _application_for(request.user, pk)  # the lead's members and staff; 404 for anyone else
    if not request.user.has_perm("recommenders.invite_corecommender", application):
        raise PermissionDenied
    form = JointInviteForm(request.POST, recommenders=selectors.invitable_recommenders(application))
    if form.is_valid():
        try:
            row = services_joint.corecommendation_invite(
                actor=request.user,
                application=application,
                recommender=form.cleaned_data["recommender"],
                note=form.cleaned_data["note"],
            )
        except BusinessRuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("%(name)s has been invited to recommend jointly.") % {"name": row.recommender.name}
            )
            return redirect(reverse("recommenders:recommender_application", args=[application.pk]) + "#joint")
    context = _application_context(request, application, joint_form=form)
    return render(request, "recommenders/recommender_application.html", context, status=400)


@require_GET
@login_required
def joint_invitations(request, recommender_pk):
    recommender = _recommender_for(request.user, recommender_pk)  # members and staff; 404 for anyone else
    context = {
        "recommender": recommender,
        "rows": selectors.joint_invitations(recommender),
        "may_decide": recommender.pk in roles.decider_recommender_ids(request.user),
        "decision_form": JointDecisionForm(),
    }
    return render(request, "recommenders/joint/invitations.html", context)


@require_POST
@login_required
def joint_decide(request, pk):
    row = selectors.co_recommendation_or_404(pk)
    if not request.user.has_perm("recommenders.view_joint_invitations", row.recommender):
        raise Http404
    if not request.user.has_perm("recommenders.decide_corecommendation", row):
        raise PermissionDenied
    form = JointDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to confirm or to decline."))
    else:
        try:
            services_joint.corecommendation_decide(
                actor=request.user,
                co_recommendation=row,
                confirm=form.cleaned_data["decision"] == "confirm",
                note=form.cleaned_data["note"],
            )
        except BusinessRuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your answer has been recorded."))
    return redirect("recommenders:joint_invitations", recommender_pk=row.recommender_id)
