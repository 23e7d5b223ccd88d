from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self):
        from core.seeding import register

        from . import demo

        register(10, "accounts", demo.seed)

        from core.audit import register_labels

        from .enums import AUDIT_ACTIONS

        register_labels(AUDIT_ACTIONS)
