"""The embedded default: SQLite, eager Celery, console email. DEBUG only when DEMO_DEBUG is set (make demo)."""

from pathlib import Path

from .base import *
from .base import env

DEBUG = env.bool("DEMO_DEBUG", default=False)
# SQLite ignores NULLS NOT DISTINCT on the membership constraint; PostgreSQL (tests, production) enforces it.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

# WhiteNoise looks for STATIC_ROOT at start-up; outside production nothing is collected there.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
