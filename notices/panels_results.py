"""What an objection's request for an answer adds to the applicant's pages (registered in NoticesConfig.ready()):
the application's overview lists the requests with an answer form for its group and unit contact (staff read
them); the group's and unit's dashboards list the unanswered ones. The objector is never named. Context keys
start with `results_`."""

from core import roles

from . import results


def application_panel(request, application):
    from applications.rules import is_applicant, is_unit_contact

    may_answer = bool(is_applicant(request.user, application) or is_unit_contact(request.user, application))
    if not (may_answer or roles.is_staff(request.user)):
        return None
    asked = results.requests_of(application)
    if not asked:
        return None
    return {
        "application_panels": ["notices/results/_application_requests.html"],
        "results_requests": asked,
        "results_may_answer": may_answer,
    }


def _dashboard(asked):
    if not asked:
        return None
    return {"dashboard_panels": ["notices/results/_dashboard_requests.html"], "results_open_requests": asked}


def group_panel(request, group):
    return _dashboard(results.open_requests(objection__application__group=group))


def unit_panel(request, unit):
    return _dashboard(results.open_requests(objection__application__unit=unit))
