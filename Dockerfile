# syntax=docker/dockerfile:1
# SAQ Portal production image: gunicorn (web) — the same image runs the Celery worker and beat.
# Build: docker build -t saq-portal .   Run: see docker-compose.yml.

# ── Stage 1: front-end assets (Bootstrap, htmx, Bootstrap Icons) from the npm lock, no CDN ──────────
FROM python:3.11-slim-bookworm AS assets
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/lib.sh scripts/assets.sh scripts/
RUN bash scripts/assets.sh

# ── Stage 2: runtime ───────────────────────────────────────────────────────────────────────────────
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=saq_portal.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

# WeasyPrint needs Pango + libharfbuzz-subset0 (without it font subsetting takes ~100x longer);
# fonts-noto-cjk for Chinese in PDFs; libmagic1 for python-magic; gettext for compilemessages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-cjk \
        libmagic1 gettext poppler-utils \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
COPY --from=assets /app/static/vendor/ static/vendor/

# Build-time only: production settings refuse to load without these; none of them reaches the
# running container (it gets the real values from its environment).
RUN export SECRET_KEY=build-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
           ALLOWED_HOSTS=localhost \
           DATABASE_URL=sqlite:////tmp/build.sqlite3 \
           REDIS_URL=redis://127.0.0.1:6379/0 \
           EMAIL_URL=consolemail:// \
 && if find . -path '*/locale/*' -name '*.po' | grep -q .; then \
        python manage.py compilemessages --ignore .venv --ignore node_modules; \
    fi \
 && python manage.py collectstatic --noinput \
 && rm -f /tmp/build.sqlite3

# Media go to S3-compatible storage when AWS_STORAGE_BUCKET_NAME is set (docker-compose: MinIO), so a container keeps
# nothing on its disk and web scales out; /data/media is only for a single container run without a bucket (mount a
# volume there). No VOLUME here: it would give every replica an anonymous volume of its own.
RUN useradd --system --uid 10001 --create-home --home-dir /home/saq --shell /usr/sbin/nologin saq \
 && mkdir -p /data/media \
 && chown saq:saq /data/media
USER saq

EXPOSE 8000
# The one gunicorn configuration (workers, timeouts, request limits): gunicorn.conf.py.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "saq_portal.wsgi"]
