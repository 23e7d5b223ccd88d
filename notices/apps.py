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

        from . import (  # noqa: F401  (checks, compendium, documents_results, rules: registered on import)
            certificates,
            checks,
            compendium,
            demo,
            demo_results,
            documents_results,
            panels,
            panels_certificates,
            panels_results,
            results,
            results_notices,
            rules,
            workflow,
        )
        from .enums import AUDIT_ACTIONS

        workflow.register()

        register_labels(AUDIT_ACTIONS)
        register_labels(results.AUDIT_ACTIONS)
        results_notices.register_notices()
        # An objection's request for an answer shows on the application's page and the group's/unit's dashboards.
        application_panels.register_detail(panels_results.application_panel)
        dashboards.register("group", panels_results.group_panel)
        dashboards.register("unit", panels_results.unit_panel)
        register_labels(certificates.AUDIT_ACTIONS)
        # Where each channel downloads its certificates: the application's overview and the dashboards.
        application_panels.register_detail(panels_certificates.application_panel)
        for role in ("group", "unit", "recommender"):
            dashboards.register(role, getattr(panels_certificates, f"{role}_panel"))
        staff_nav.register(
            label=_("Results publicity"),
            url_name="notices:results_index",
            permission="notices.manage_results",
            order=48,
            section="results",
        )
        register(60, "notices", demo.seed)  # last: notices may name the programmes awards seeded
        register(65, "notices_results", demo_results.seed)  # after the levels demo released last year's list
        for order, url_name, label, permission, section in (
            (90, "notices:staff_list", _("Notices"), "notices.manage_notices", "notices"),
            (91, "notices:books_index", _("Compendium and national package"), "notices.manage_books", "books"),
            (92, "notices:cases_staff", _("Shared cases"), "notices.manage_cases", "cases"),
            (93, "notices:certificates_index", _("Certificates"), "notices.manage_certificates", "certificates"),
        ):
            staff_nav.register(label=label, url_name=url_name, permission=permission, order=order, section=section)
        application_panels.register_detail(panels.application_panel)
