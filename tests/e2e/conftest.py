"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Never `playwright install`: the browser is the system one at $CHROMIUM_PATH (default /usr/bin/chromium).
live_server serves /static/ itself (pytest-django uses the staticfiles handler when staticfiles is installed).
Screenshots go to var/screenshots/ (gitignored): `screenshot(page, "name")`.
"""

import os
from pathlib import Path

import pytest

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 1024, "height": 768}
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def _media_url_for_live_server():
    """saq_portal.settings.base sets MEDIA_URL = None (uploads are served only by permission-checked views), but
    Django's live server wraps the site in a media handler that parses MEDIA_URL and fails on None for every
    request. Give it a prefix that nothing links to."""
    from django.test.utils import override_settings

    with override_settings(MEDIA_URL="/__media_not_served__/"):
        yield


@pytest.fixture(scope="session")
def live_server(_media_url_for_live_server, live_server):
    return live_server


def pytest_collection_modifyitems(items):
    here = Path(__file__).resolve().parent
    browser_tests = []
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            browser_tests.append(item)
    # Browser tests run last, so nothing else ever runs beside a live Playwright event loop.
    others = [item for item in items if item not in set(browser_tests)]
    items[:] = others + browser_tests


@pytest.fixture(autouse=True)
def _production_caches(settings):
    """The browser journeys run with the caches production has on (the signed-in user and roles from the cache,
    list pages and the application detail served from it while their tables are unchanged, an edition's setup
    likewise): each step reads back
    what the one before wrote, so a page served stale fails the journey. The rest of the suite keeps them off
    (it reads response.context and counts queries); tests/core/test_pagecache.py tests them directly."""
    settings.PAGE_CACHE = True
    settings.IDENTITY_CACHE = True
    settings.REFERENCE_CACHE = True


@pytest.fixture(scope="module", autouse=True)
def _orm_beside_the_browser():
    """The sync Playwright API keeps an asyncio loop running in this thread while it is started, so Django would
    refuse the test's own ORM calls (fixtures, database set-up, assertions) as "async unsafe". Nothing runs
    concurrently here: allow them for browser test modules only (set before their browser starts, removed after
    it stopped), never for the rest of the suite, where the check guards real bugs."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module; Playwright (and its event loop) stops when the module is done."""
    if not Path(CHROMIUM_PATH).exists():
        pytest.fail(f"no Chromium at {CHROMIUM_PATH} (set CHROMIUM_PATH); e2e tests never download a browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _page(browser, viewport):
    context = browser.new_context(locale="zh-CN", viewport=viewport, timezone_id="Asia/Shanghai")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    # Script errors, console errors (a CSP violation is one) and failed loads collect here; tests assert the list
    # stays empty. Chromium asks for /favicon.ico on its own; the portal has none.
    errors: list[str] = []

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"{page.url}: {message.text}")

    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"HTTP {response.status} {response.url}")

    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    page.js_errors = errors
    return context, page


@pytest.fixture
def page(browser):
    """A fresh browser context per test (no cookies shared), desktop size, Chinese browser locale."""
    context, page = _page(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def tablet_page(browser):
    """Like `page`, at the size of a tablet in landscape (experts score on tablets)."""
    context, page = _page(browser, TABLET)
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """Factory for more pages in separate contexts (several people at once in one test)."""
    contexts = []

    def make(viewport=DESKTOP):
        context, page = _page(browser, viewport)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
