"""Helpers shared by the review stories (test_review_story, test_levels_story): viewports, accepting data-confirm
dialogs, the off-screen check and full-page screenshots that assert nothing runs off-screen."""

from pathlib import Path

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
DESKTOP = {"width": 1366, "height": 900}
VIEWPORTS = (PHONE, TABLET, DESKTOP)


def confirming(page):
    """Accept every data-confirm dialog of this page."""
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def overflow(page) -> int:
    """Pixels the page runs off-screen horizontally (≤ 1 is a fit: sub-pixel rounding)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def shoot(page, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert overflow(page) <= 1, f"{name}: {overflow(page)} px off-screen"
    return path
