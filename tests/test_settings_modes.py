"""The three settings modes, each loaded in a fresh interpreter with a clean environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(settings.DATABASES["default"]["NAME"]),
    "CELERY_TASK_ALWAYS_EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "LANGUAGE_CODE": settings.LANGUAGE_CODE,
    "TIME_ZONE": settings.TIME_ZONE,
    "USE_TZ": settings.USE_TZ,
    "LANGUAGES": [code for code, _ in settings.LANGUAGES],
}))
"""


def clean_env(module: str, **extra) -> dict:
    """Only what a shell needs, plus the settings module: nothing leaks in from the test run's environment."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(DJANGO_SETTINGS_MODULE=module, PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def load_settings(module: str, **extra) -> dict:
    result = run(["-c", PRINT_SETTINGS], clean_env(module, **extra))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def production_env() -> dict:
    return clean_env(
        "saq_portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.org",
        DATABASE_URL="postgres://saq:saq@127.0.0.1:5432/saq",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="smtp://localhost:25",
        PORTAL_BASE_URL="https://portal.example.org",
    )


def test_local_settings_default_to_sqlite_eager_celery_console_email():
    values = load_settings("saq_portal.settings.local")

    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DB_NAME"] == str(ROOT / "var" / "db.sqlite3")
    assert (values["CELERY_TASK_ALWAYS_EAGER"], values["CELERY_BROKER_URL"]) == (True, "memory://")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["DEBUG"] is False


def test_local_settings_debug_only_with_demo_debug():
    assert load_settings("saq_portal.settings.local", DEMO_DEBUG="1")["DEBUG"] is True


def test_local_settings_use_redis_when_given():
    values = load_settings("saq_portal.settings.local", REDIS_URL="redis://127.0.0.1:6379/5")

    assert (values["CELERY_TASK_ALWAYS_EAGER"], values["CELERY_BROKER_URL"]) == (False, "redis://127.0.0.1:6379/5")
    assert values["CACHE"] == "core.cache.RedisCache"


@pytest.mark.parametrize("module", ["saq_portal.settings.local", "saq_portal.settings.test"])
def test_default_language_and_time_zone(module):
    values = load_settings(module)

    assert (values["LANGUAGE_CODE"], values["TIME_ZONE"], values["USE_TZ"]) == ("zh-hans", "Asia/Shanghai", True)
    assert values["LANGUAGES"] == ["zh-hans", "en"]


def test_production_settings_language_and_time_zone():
    result = run(["-c", PRINT_SETTINGS], production_env())
    values = json.loads(result.stdout)

    assert (values["LANGUAGE_CODE"], values["TIME_ZONE"]) == ("zh-hans", "Asia/Shanghai")
    assert (values["DEBUG"], values["CELERY_TASK_ALWAYS_EAGER"]) == (False, False)
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_production_settings_fail_without_secret_key():
    env = production_env()
    del env["SECRET_KEY"]

    result = run(["-c", PRINT_SETTINGS], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: Set the SECRET_KEY environment variable" in result.stderr


def test_production_settings_pass_check_deploy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_orm_calls_from_async_code_stay_refused_outside_browser_tests():
    """DJANGO_ALLOW_ASYNC_UNSAFE is set per browser test (tests/e2e/conftest.py), never for the whole suite."""
    import asyncio

    from django.core.exceptions import SynchronousOnlyOperation

    from accounts.models import User

    async def query_from_async_code():
        return User.objects.count()

    assert "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ
    with pytest.raises(SynchronousOnlyOperation):
        asyncio.run(query_from_async_code())


def test_browser_tests_run_last(request):
    names = [item.nodeid for item in request.session.items]
    browser = [i for i, name in enumerate(names) if name.startswith("tests/e2e/")]
    if browser:
        assert browser == list(range(len(names) - len(browser), len(names)))
