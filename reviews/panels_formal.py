"""What formal review adds to other channels' pages (registered in ReviewsConfig.ready()): the applicant's overview
shows the outcome, its reason and, while returned for correction, the items, the deadline and the resubmit button;
the group's, unit's and recommender's dashboards list how their applications fared. Context keys start with
`formal_`."""

from . import formal


def application_panel(request, application):
    review = formal.correction_notice(application)
    if review is None:
        return None
    return {"application_panels": ["reviews/formal_applicant_notice.html"], "formal_review": review}


def _dashboard(reviews):
    if not reviews:
        return None
    return {"dashboard_panels": ["reviews/formal_dashboard_panel.html"], "formal_outcomes": reviews}


def group_panel(request, group):
    return _dashboard(formal.outcomes_for(application__group=group))


def unit_panel(request, unit):
    return _dashboard(formal.outcomes_for(application__unit=unit))


def recommender_panel(request, recommender):
    return _dashboard(formal.outcomes_for(application__unit__recommender=recommender))
