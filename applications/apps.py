from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from accounts import dashboards
        from core.seeding import register

        from . import demo, documents, panels  # noqa: F401  (documents registers the builders)

        register(30, "applications", demo.seed)
        from core.audit import register_labels

        from .enums import AUDIT_ACTIONS

        register_labels(AUDIT_ACTIONS)
        dashboards.register("group", panels.group_panel)
        dashboards.register("unit", panels.unit_panel)
        dashboards.register("staff", panels.staff_panel)
