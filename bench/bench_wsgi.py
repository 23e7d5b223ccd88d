"""The WSGI application the gunicorn benches serve: the portal with the floor view (`bench.bench_urls`), and the
production settings that matter for throughput (persistent connections, cached_db sessions) on top of the test
settings. `gunicorn -c gunicorn.conf.py bench.bench_wsgi` with DATABASE_URL naming the bench database."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saq_portal.settings.test")

from django.conf import settings
from django.core.wsgi import get_wsgi_application

# Before the application is built: SessionMiddleware imports SESSION_ENGINE when it is instantiated, so a change
# made afterwards left gunicorn on the settings' database sessions (a query per signed-in request).
settings.ROOT_URLCONF = "bench.bench_urls"
settings.DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
application = get_wsgi_application()
