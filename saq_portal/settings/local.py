"""The embedded default: SQLite, eager Celery, console email. DEBUG only when DEMO_DEBUG is set (make demo)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEMO_DEBUG", default=False)
