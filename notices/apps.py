from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        from accounts import staff_nav
        from applications import panels as application_panels
        from core.audit import register_labels
        from core.seeding import register

        from . import compendium, demo, panels, rules, workflow  # noqa: F401  (compendium: the document kinds)
        from .enums import AUDIT_ACTIONS

        workflow.register()

        register_labels(AUDIT_ACTIONS)
        register(60, "notices", demo.seed)  # last: notices may name the programmes awards seeded
        for order, url_name, label, permission, section in (
            (90, "notices:staff_list", _("Notices"), "notices.manage_notices", "notices"),
            (91, "notices:books_index", _("Compendium and national package"), "notices.manage_books", "books"),
            (92, "notices:cases_staff", _("Shared cases"), "notices.manage_cases", "cases"),
        ):
            staff_nav.register(label=label, url_name=url_name, permission=permission, order=order, section=section)
        application_panels.register_detail(panels.application_panel)
