import pytest

pytest_plugins = ["tests.celery_worker"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads and documents into its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
