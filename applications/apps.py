from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from accounts import dashboards
        from core.seeding import register

        from . import demo, documents, panels, visibility  # noqa: F401  (documents registers the builders)

        register(30, "applications", demo.seed)
        from core.audit import register_labels

        from .enums import AUDIT_ACTIONS

        register_labels(AUDIT_ACTIONS)
        visibility.register_own_rules()
        from accounts import staff_nav

        staff_nav.register(
            label=_("Applications"),
            url_name="applications:staff_list",
            permission="applications.view_all_applications",
            order=30,
            section="applications",
        )
        dashboards.register("group", panels.group_panel)
        dashboards.register("unit", panels.unit_panel)
        dashboards.register("staff", panels.staff_panel)
