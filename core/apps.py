from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import clients, sessions  # noqa: F401  (connect the sign-in session policy and the lockout log)
