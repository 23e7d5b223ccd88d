"""The one gunicorn configuration: the image's CMD, docker-compose's web service and the tests all use it
(`gunicorn -c gunicorn.conf.py saq_portal.wsgi`). Values a deployment tunes come from the environment."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Request line and header limits are explicit; bodies are capped by Django (MAX_REQUEST_BODY_MB, answered 413
# before the body is read) and must be capped by the reverse proxy too (nginx client_max_body_size).
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190
# gunicorn 27 creates a control socket in ~/.gunicorn/ that a second instance takes over; nothing uses it.
control_socket_disable = True
accesslog = "-"
