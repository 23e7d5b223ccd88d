"""Production: everything that differs comes from the environment; passes `check --deploy`."""

from .base import *
from .base import env, media_storage, with_engine_options

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": with_engine_options(env.db("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

EMAIL_CONFIG = env.email_url("EMAIL_URL")
vars().update(EMAIL_CONFIG)
ACCOUNT_EMAIL_VERIFICATION = "mandatory"

# Media: S3-compatible object storage when AWS_STORAGE_BUCKET_NAME is set (docker-compose: MinIO), so web replicas
# keep nothing on their own disk; otherwise MEDIA_ROOT. Static files are collected into the image (WhiteNoise).
STORAGES = {
    "default": media_storage(env),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The health check (core.health) is probed over plain HTTP inside the network by the proxy and the container engine.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address printed in mails and on every generated document (verification URL and QR code). Required:
# `check --deploy` fails without it (documents/checks.py) rather than print links to 127.0.0.1.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="")
# The reverse proxy (nginx, a load balancer) in front of gunicorn appends the client to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
