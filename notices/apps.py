from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        from accounts import staff_nav
        from core.audit import register_labels
        from core.seeding import register

        from . import demo, rules, workflow  # noqa: F401  (rules: the notices.* permissions)
        from .enums import AUDIT_ACTIONS

        workflow.register()

        register_labels(AUDIT_ACTIONS)
        register(60, "notices", demo.seed)  # last: notices may name the programmes awards seeded
        staff_nav.register(
            label=_("Notices"),
            url_name="notices:staff_list",
            permission="notices.manage_notices",
            order=90,
            section="notices",
        )
