"""The test suite: PostgreSQL and Redis from DATABASE_URL / REDIS_URL (scripts/test.sh provides both)."""

from pathlib import Path

from .base import *
from .base import BASE_DIR, env, with_engine_options

DATABASES = {"default": with_engine_options(env.db("DATABASE_URL", default="postgres://saq:saq@127.0.0.1:5432/saq"))}
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default="test_saq")}
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "test"}}
CELERY_BROKER_URL = REDIS_URL
# Unit tests run tasks in-process; the integration tests start a real worker and switch this off.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise looks for STATIC_ROOT at start-up; outside production nothing is collected there.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)

# Pages and identities served from the cache would hide `response.context` and vary the query counts the suite's
# constant-query tests compare; tests/core/test_pagecache.py and the benches switch them on (as does
# PAGE_CACHE=1 IDENTITY_CACHE=1 REFERENCE_CACHE=1 for a whole run).
PAGE_CACHE = env.bool("PAGE_CACHE", default=False)
IDENTITY_CACHE = env.bool("IDENTITY_CACHE", default=False)
REFERENCE_CACHE = env.bool("REFERENCE_CACHE", default=False)
