"""Where groups, units and recommenders find their certificates (registered in NoticesConfig.ready()): the
application's overview and each dashboard list the valid, built certificates with a download link. One query per
panel. Context keys start with `certificates_`."""

from . import certificates


def application_panel(request, application):
    certificate = certificates.certificate_of(application)
    if certificate is None:
        return None
    return {"application_panels": ["notices/_certificate_application.html"], "certificates_one": certificate}


def _dashboard(rows):
    if not rows:
        return None
    return {"dashboard_panels": ["notices/_certificate_dashboard.html"], "certificates_rows": rows}


def group_panel(request, group):
    return _dashboard(certificates.certificates_for(application__group=group))


def unit_panel(request, unit):
    return _dashboard(certificates.certificates_for(application__unit=unit))


def recommender_panel(request, recommender):
    return _dashboard(certificates.certificates_for(application__unit__recommender=recommender))
