import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saq_portal.settings.local")

app = Celery("saq_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
