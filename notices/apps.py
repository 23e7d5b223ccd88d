from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        from accounts import dashboards, staff_nav
        from applications import panels as application_panels
        from core.audit import register_labels
        from core.seeding import register

        from . import certificates, demo, panels_certificates, rules, workflow  # noqa: F401  (rules: notices.*)
        from .enums import AUDIT_ACTIONS

        workflow.register()

        register_labels(AUDIT_ACTIONS)
        register_labels(certificates.AUDIT_ACTIONS)
        # Where each channel downloads its certificates: the application's overview and the dashboards.
        application_panels.register_detail(panels_certificates.application_panel)
        for role in ("group", "unit", "recommender"):
            dashboards.register(role, getattr(panels_certificates, f"{role}_panel"))
        register(60, "notices", demo.seed)  # last: notices may name the programmes awards seeded
        staff_nav.register(
            label=_("Notices"),
            url_name="notices:staff_list",
            permission="notices.manage_notices",
            order=90,
            section="notices",
        )
        staff_nav.register(
            label=_("Certificates"),
            url_name="notices:certificates_index",
            permission="notices.manage_certificates",
            order=92,
            section="certificates",
        )
