"""The staff console's menu, as entries that apps register, without accounts importing them.

An app calls `register(...)` in its AppConfig.ready(): a label, the url name of the page, the permission a user
needs to see the entry, its order in the menu (lower first) and the section name its pages put in the context as
`staff_section` (to mark the entry active). `accounts/staff_base.html` renders `entries_for(user, section)`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class StaffEntry:
    label: str
    url_name: str
    permission: str
    order: int
    section: str = ""


_ENTRIES: dict[str, StaffEntry] = {}


def register(*, label, url_name: str, permission: str, order: int, section: str = "") -> None:
    """Add (or replace) the entry for `url_name`."""
    _ENTRIES[url_name] = StaffEntry(label, url_name, permission, order, section)


def unregister(url_name: str) -> None:
    _ENTRIES.pop(url_name, None)


_URLS: dict[tuple, str] = {}


def _url(name: str) -> str:
    """`reverse(name)`, once per URLconf and script prefix: the menu is on every staff page."""
    key = (name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(name)
    return url


def entries_for(user, section: str = "") -> list[dict]:
    """The entries `user` may see, in order, each with its url and whether it is the current section."""
    if user is None or not user.is_authenticated:
        return []
    return [
        {"label": entry.label, "url": _url(entry.url_name), "active": bool(section) and entry.section == section}
        for entry in sorted(_ENTRIES.values(), key=lambda e: (e.order, e.url_name))
        if user.has_perm(entry.permission)
    ]
