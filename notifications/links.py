"""Which page a party opens for an application. Higher apps register their pages without us importing them.

`register(party, url_name)` in an AppConfig.ready(); the URL takes the application's pk. A party with no page
registered gets the applicant's page (every party who may see an application may see it there).
"""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

_URL_NAMES: dict[str, str] = {}
FALLBACK = "applications:detail"


def register(party: str, url_name: str) -> None:
    _URL_NAMES[party] = url_name


def path_for(party: str, application_pk: int) -> str:
    try:
        return reverse(_URL_NAMES.get(party, FALLBACK), args=[application_pk])
    except NoReverseMatch:
        return reverse(FALLBACK, args=[application_pk])


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path
