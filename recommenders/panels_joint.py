"""What pages show of 联合推荐 (joint recommendation): the card on the lead's application page, and the panel on
the application's overview page that names every recommending organisation (registered in ready())."""

from core import roles

from . import selectors
from .forms_joint import JointInviteForm
from .models_joint import CoRecommendationState


def joint_card_context(request, application, *, invite_form=None) -> dict:
    """The lead's card: the invitations so far and, for a decider while possible, the invitation form."""
    if not application.edition.programme.accepts_co_applicants:
        return {"joint_enabled": False}
    may_invite = request.user.has_perm("recommenders.invite_corecommender", application)
    if may_invite and invite_form is None:
        invite_form = JointInviteForm(recommenders=selectors.invitable_recommenders(application))
    return {
        "joint_enabled": True,
        "joint_rows": selectors.co_recommendations_of(application),
        "joint_may_invite": may_invite,
        "joint_form": invite_form if may_invite else None,
    }


def application_panel(request, application):
    """On the overview page of a consortium programme's application: the recommending organisations (lead first,
    then the confirmed joint ones) and, for an invited organisation, its open invitation."""
    if not application.edition.programme.accepts_co_applicants:
        return None  # no query on the pages of the other programmes
    names = selectors.recommender_names([application.pk]).get(application.pk, [])
    mine = [
        row
        for row in selectors.co_recommendations_of(application)
        if row.recommender_id in roles.recommender_ids(request.user) and row.state == CoRecommendationState.INVITED
    ]
    if len(names) < 2 and not mine:
        return None
    return {
        "application_panels": ["recommenders/joint/_application_panel.html"],
        "recommenders_joint_names": names,
        "recommenders_joint_open": mine,
    }
