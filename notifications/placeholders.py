"""The {placeholders} a notice may use: their names, what each means, checking and filling them in.

Filling in is a plain substitution of known names (never str.format: staff text must not reach attributes), and
the result is plain text: mails are sent as text/plain and pages escape it.
"""

import re

from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = {
    "application_number": _("the application's number, e.g. QC-2026-0001"),
    "title": _("the application's topic"),
    "edition": _("the edition's title"),
    "applicant": _("who applies: the QC group, or the unit for unit programmes"),
    "group": _("the QC group's name (empty for unit programmes)"),
    "unit": _("the unit's name"),
    "recommender": _("the recommending organisation's name"),
    "status": _("the application's status after the move"),
    "reason": _("the reason or opinion given with the move"),
    "link": _("the address of the application's page for the recipient"),
    "deadline": _("the deadline of whoever holds the application now (Beijing time)"),
    "recipient": _("the recipient's name"),
}

# Anything in single braces counts as a placeholder, so a typo ({titel}) is caught instead of mailed as is.
TOKEN = re.compile(r"\{([^{}\n]*)\}")


def unknown_placeholders(*texts: str) -> list[str]:
    """The placeholder names used in `texts` that we cannot fill in, in order of first use."""
    unknown: list[str] = []
    for text in texts:
        for name in TOKEN.findall(text or ""):
            if name not in PLACEHOLDERS and name not in unknown:
                unknown.append(name)
    return unknown


def fill(text: str, values: dict[str, str]) -> str:
    return TOKEN.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def one_line(text: str) -> str:
    """A subject is one line: a value with a line break must not split it (or inject a mail header)."""
    return " ".join(text.split())
