from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import clients, dataversion, sessions  # noqa: F401  (connect the session policy, the lockout log, the write tracking)
