"""The CJK font every PDF needs. Without it WeasyPrint draws Chinese as empty boxes and only logs a line, so a
missing font is a system-check error at start-up and a clear failure of the document job, never an unreadable
PDF stored as "ready".
"""

import functools
import shutil
import subprocess

from django.core.checks import Error, Tags, register
from django.utils.translation import gettext_lazy as _

# The family our PDF templates ask for first (templates/documents/pdf_base.html); Debian: fonts-noto-cjk.
CJK_FAMILY = "Noto Sans CJK SC"
INSTALL_HINT = "Install the font (Debian: apt-get install fonts-noto-cjk) and restart the portal and its workers."


class MissingFontError(RuntimeError):
    """No font with Chinese glyphs is installed where documents are rendered."""

    user_message = _(
        "The server has no Chinese font installed, so this document would print Chinese as empty boxes. "
        "The secretariat has to install it; nothing was stored."
    )


@functools.cache
def installed_cjk_family() -> str | None:
    """The family fontconfig picks for our CJK family, when it has Chinese glyphs; None when it has none."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        found = subprocess.run(  # noqa: S603 - fixed arguments, fc-match from PATH  # nosec B603
            [fc_match, "-f", "%{family}|%{lang}", f"{CJK_FAMILY}:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    family, _sep, langs = found.partition("|")
    # fontconfig always answers with *some* font; it only helps when that font covers Simplified Chinese.
    if "zh-cn" not in langs.split("|"):
        return None
    return family.split(",")[0] or None


def require_cjk_font() -> None:
    if installed_cjk_family() is None:
        raise MissingFontError(f"no font covering zh-cn found by fontconfig (wanted {CJK_FAMILY!r})")


@register(Tags.compatibility)
def check_cjk_font(app_configs=None, **kwargs):
    if installed_cjk_family() is None:
        return [
            Error(
                f"No font with Chinese glyphs ({CJK_FAMILY}) is installed: generated PDFs would show Chinese as "
                "empty boxes.",
                hint=INSTALL_HINT,
                id="documents.E010",
            )
        ]
    return []
