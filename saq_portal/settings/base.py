"""Settings shared by every mode. Values that differ per deployment come from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="insecure-local-key-only-for-demo-and-tests-0123456789abcdef")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "axes",
    "csp",
    "core",
    "documents",
    "accounts",
    "awards",
    "applications",
    "notifications",
    "recommenders",
    "reviews",
    "notices",
]

# The signed-in user and their roles (core.identity), and signed-in list pages (core.pagecache), are served from the
# cache while the tables they were read from are unchanged (core.dataversion).
IDENTITY_CACHE = True
PAGE_CACHE = True
# An edition's setup as every application page reads it (awards.selectors.edition_setup), likewise.
REFERENCE_CACHE = True

MIDDLEWARE = [
    # First: refuses a request whose declared body exceeds MAX_REQUEST_BODY_MB before anything reads the body.
    "core.uploads.RequestBodyLimitMiddleware",
    # Answers /healthz/ for the proxy and the container engine before the host check and the HTTPS redirect.
    "core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "core.identity.AuthenticationMiddleware",  # Django's, with the user and roles read from the cache
    "core.private_pages.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.sessions.SessionPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.ActiveRoleMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.busy.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "saq_portal.urls"
WSGI_APPLICATION = "saq_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "accounts.context_processors.roles_context",
            ],
        },
    },
]

# The embedded default (SQLite) serialises writers: every transaction takes the write lock when it begins
# (IMMEDIATE), so two requests never deadlock upgrading a read lock, and a writer waits up to 20 s for the
# other instead of failing with "database is locked". WAL lets pages read while somebody writes.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
# PostgreSQL plans the list and detail queries (the application with its edition, programme, category, subtype,
# group, unit and recommender: 8 tables) in 10-20 ms by trying every join order, to run them in under 1 ms.
# Keeping the written order beyond 4 joined tables plans them in about 1 ms and runs them as fast (the joins are
# foreign keys to primary keys, which Django writes in a good order). Measured with bench/bench_list_pages.py.
POSTGRES_OPTIONS = {"options": "-c join_collapse_limit=4"}


def with_engine_options(database: dict) -> dict:
    """`database` (a DATABASES entry) with the options its engine needs here; its own OPTIONS win."""
    defaults = {
        "django.db.backends.sqlite3": SQLITE_OPTIONS,
        "django.db.backends.postgresql": POSTGRES_OPTIONS,
    }.get(database["ENGINE"], {})
    database["OPTIONS"] = {**defaults, **database.get("OPTIONS", {})}
    return database


DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
with_engine_options(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "home"

# i18n: Chinese first; English message ids in the source.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
# Uploads live outside the web root and are served only through permission-checked views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")


def media_storage(env) -> dict:
    """The storage of uploads and generated files: S3-compatible object storage (django-storages with boto3) when
    AWS_STORAGE_BUCKET_NAME is set, so several web containers and workers share one media store; otherwise the file
    system under MEDIA_ROOT (the demo, local runs). Objects are private and served only through permission-checked
    views, never by a public or signed URL."""
    bucket = env("AWS_STORAGE_BUCKET_NAME", default="")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    from botocore.config import Config

    endpoint = env("AWS_S3_ENDPOINT_URL", default="") or None
    # MinIO and SeaweedFS answer on one host name: path-style addressing (bucket in the path).
    addressing_style = env("AWS_S3_ADDRESSING_STYLE", default="path" if endpoint else "auto")
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": env("AWS_S3_REGION_NAME", default="") or None,
        "access_key": env("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env("AWS_SECRET_ACCESS_KEY", default="") or None,
        "location": env("AWS_LOCATION", default=""),
        # Short connect timeout and few retries: an unreachable store fails an upload (and /healthz/) in seconds.
        "client_config": Config(
            s3={"addressing_style": addressing_style},
            signature_version="s3v4",
            connect_timeout=env.int("AWS_S3_CONNECT_TIMEOUT", default=5),
            read_timeout=env.int("AWS_S3_READ_TIMEOUT", default=60),
            retries={"mode": "standard", "max_attempts": 3},
        ),
        # Like the file system: a name already taken gets a suffix, never overwrites another row's file.
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": media_storage(env),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Form fields other than files (a long opinion or answers) may take 5 MB; files are bounded by the cap below.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880
# The largest request body accepted, in MB: the largest attachment limit staff may set (awards.forms
# MAX_ATTACHMENT_MB, 100 MB) plus a margin for the form's other fields. A larger declared Content-Length is answered
# 413 before the body is read (core.uploads); a streamed body is stopped once it passes this (core.uploads).
# The reverse proxy must cap bodies too (nginx `client_max_body_size 110m;`).
MAX_REQUEST_BODY_MB = env.int("MAX_REQUEST_BODY_MB", default=110)
FILE_UPLOAD_HANDLERS = [
    "core.uploads.RequestBodyLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# ZIP-based uploads (docx, xlsx, pptx, zip): bounds checked before any member is expanded (core.files.check_zip).
UPLOAD_ZIP_MAX_EXPANDED_MB = env.int("UPLOAD_ZIP_MAX_EXPANDED_MB", default=200)
UPLOAD_ZIP_MAX_RATIO = env.int("UPLOAD_ZIP_MAX_RATIO", default=100)
UPLOAD_ZIP_MAX_MEMBERS = env.int("UPLOAD_ZIP_MAX_MEMBERS", default=10_000)
# Images are refused above this many pixels (a "pixel flood": a small file declaring a huge canvas, which the
# on-site photo thumbnail would decode into gigabytes). 100 million pixels is a 12,000 x 8,000 photo.
UPLOAD_IMAGE_MAX_PIXELS = env.int("UPLOAD_IMAGE_MAX_PIXELS", default=100_000_000)
UPLOAD_ZIP_RATIO_GRACE_MB = 1  # members smaller than this may compress better than the ratio (repetitive XML)
FILE_UPLOAD_PERMISSIONS = 0o640
# Document builds (documents.pdf / documents.tasks): the largest HTML rendered to PDF, and the Celery soft time limit
# of one build (seconds; the hard limit is a minute more).
PDF_MAX_HTML_MB = env.int("PDF_MAX_HTML_MB", default=16)
DOCUMENT_BUILD_SOFT_TIME_LIMIT = env.int("DOCUMENT_BUILD_SOFT_TIME_LIMIT", default=300)
# A worker building a document stamps the row every this many seconds; a claim not stamped for three intervals
# belongs to a dead worker, and the next delivery of the build takes it over (documents.services.document_build).
DOCUMENT_BUILD_HEARTBEAT = env.float("DOCUMENT_BUILD_HEARTBEAT", default=10.0)

# Celery: broker and results in Redis; eager in the embedded default.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # with acks_late: a worker holds only the message it is running
# Redis has no acks: a delivered message waits in an "unacked" set, and when it has waited longer than
# visibility_timeout, a worker's periodic sweep (every restore interval x throttle seconds; also at worker start)
# puts it back on its queue. That is how the job of a SIGKILLed worker runs again, and it also redelivers the
# message of a live worker whose task runs longer. So the timeout stays above the longest task (a document build
# stops at DOCUMENT_BUILD_SOFT_TIME_LIMIT + 60 s; a package of many forms takes minutes) and, for a duplicate that
# does arrive, the tasks are idempotent. Its price: a killed job resumes up to timeout + sweep period later
# (1 h + 100 s by default). The test suite's own workers lower all three (tests/documents/test_worker_kill.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ROUTES = {
    "documents.*": {"queue": "documents"},
    "recommenders.hand_in_generated": {"queue": "documents"},  # builds a table before handing it in
    "notices.build_national_package": {"queue": "documents"},
    "mail.*": {"queue": "mail"},
    "notices.certificate_batch_chunk": {"queue": "documents"},  # renders PDFs
}
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Celery beat (docker-compose's `beat` service): deadline reminders, each sent once (notifications.reminders).
CELERY_BEAT_SCHEDULE = {
    "deadline-reminders": {"task": "notifications.send_reminders", "schedule": 3600.0},
    # reviews (formal): a correction not handed back by its deadline becomes 不评.
    "expire-corrections": {"task": "reviews.expire_corrections", "schedule": 900.0},
    # rounds: experts with unsubmitted scores, daily while an open round closes within 3 days (reviews.assign).
    "review-round-reminders": {"task": "reviews.round_reminders", "schedule": crontab(hour=9, minute=0)},
    # certificates: a batch whose worker died (no progress for 5 minutes) is resumed (notices.certificates).
    "certificate-batches-sweep": {"task": "notices.certificate_batches_sweep", "schedule": 300.0},
}

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="SAQ Portal <noreply@saq.test>")

# allauth: sign in by email or mobile number (the login form maps a mobile number to its account).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="none")
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm", "signup": "accounts.forms.SignupForm"}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
# django-axes owns throttling of password guessing (failed sign-ins); allauth's limits throttle everything else
# that mails or reveals something: sign-up, password reset, email confirmation.
ACCOUNT_RATE_LIMITS = {
    "login_failed": None,
    "login": None,
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
    "reset_password_from_key": "20/h/ip",
}
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
# One count per account and one per client address (core.clients); never a shared empty name.
AXES_LOCKOUT_PARAMETERS = "core.clients.lockout_parameters"
AXES_USERNAME_CALLABLE = "core.clients.sign_in_name"
AXES_CLIENT_IP_CALLABLE = "core.clients.client_ip"
AXES_USERNAME_FORM_FIELD = "login"
# How many reverse proxies append to X-Forwarded-For in front of the portal (0: clients connect directly).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Staff and experts: signed out when the browser closes and after this long without a request (core.sessions).
# Applicants keep allauth's "remember me" (SESSION_COOKIE_AGE when ticked).
PRIVILEGED_SESSION_IDLE_SECONDS = 8 * 60 * 60

PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"saq": {"level": "INFO"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
