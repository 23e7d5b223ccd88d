"""Panels that higher apps add to the role dashboards, without accounts importing them.

A higher app registers `register(role, callable)` in its AppConfig.ready(); the callable takes
(request, organisation) and returns a dict merged into the dashboard's context. Templates include the
panels listed in `dashboard_panels` (template names).
"""

from collections import defaultdict

_PROVIDERS: dict[str, list] = defaultdict(list)


def register(role: str, provider) -> None:
    if provider not in _PROVIDERS[role]:
        _PROVIDERS[role].append(provider)


def extras_for(role: str, request, organisation) -> dict:
    context: dict = {"dashboard_panels": []}
    for provider in _PROVIDERS[role]:
        extra = provider(request, organisation) or {}
        context["dashboard_panels"] += extra.pop("dashboard_panels", [])
        context.update(extra)
    return context
