import uuid

import pytest

pytest_plugins = ["tests.celery_worker", "tests.s3_server", "tests.authz_summary"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads and documents into its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    """Every test sees an empty cache (rate-limit counters, cached pages) without flushing a shared Redis."""
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _english_unless_marked_zh(request, settings):
    """Tests assert the English message ids, so they do not change when a translation is reworded.

    The portal's default stays Chinese: tests marked `zh` run with it (and a browser that asks for zh-CN gets
    Chinese either way); tests/test_translations.py checks the catalogue is complete.
    """
    if request.node.get_closest_marker("zh") is None:
        settings.LANGUAGE_CODE = "en"
