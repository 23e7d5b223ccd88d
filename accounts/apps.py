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

        from . import staff_nav

        for order, url_name, label, section in (
            (10, "accounts:staff_dashboard", _("Overview"), "home"),
            (50, "accounts:staff_units", _("Units"), "units"),
            (60, "accounts:staff_groups", _("QC groups"), "groups"),
            (70, "accounts:staff_recommenders", _("Recommending organisations"), "recommenders"),
            (80, "accounts:staff_experts", _("Experts"), "experts"),
            (90, "accounts:staff_users", _("Users and roles"), "users"),
            (100, "accounts:staff_audit", _("Audit log"), "audit"),
        ):
            staff_nav.register(
                label=label, url_name=url_name, permission="accounts.access_staff_console", order=order, section=section
            )
