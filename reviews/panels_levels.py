"""What the release of a result list adds to other channels' pages (registered in ReviewsConfig.ready()): the
group's, unit's and recommender's dashboards list their released results (awarded with the level / not awarded)
and the application's overview shows its result. Staged decisions never show: only released ones (one query per
page). Context keys start with `levels_`."""

from . import levels


def application_panel(request, application):
    result = levels.released_result_of(application)
    if result is None:
        return None
    return {"application_panels": ["reviews/levels/_application_result.html"], "levels_result": result}


def _dashboard(results):
    if not results:
        return None
    return {"dashboard_panels": ["reviews/levels/_dashboard_results.html"], "levels_results": results}


def group_panel(request, group):
    return _dashboard(levels.released_results(application__group=group))


def unit_panel(request, unit):
    return _dashboard(levels.released_results(application__unit=unit))


def recommender_panel(request, recommender):
    return _dashboard(levels.released_results(application__unit__recommender=recommender))
