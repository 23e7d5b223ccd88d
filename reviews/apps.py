from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from . import workflow

        workflow.register()

        # --- formal -------------------------------------------------------------------------------------------
        from accounts import dashboards, staff_nav
        from applications import panels as application_panels
        from core.audit import register_labels

        from . import formal, panels_formal, rules_formal  # noqa: F401  (rules_formal adds the permission)
        from .enums import AUDIT_ACTIONS

        register_labels(AUDIT_ACTIONS)
        register_labels(formal.AUDIT_LABELS)
        staff_nav.register(
            label=_("Formal review"),
            url_name="reviews:formal_queue",
            permission="reviews.formal_review",
            order=40,
            section="formal_review",
        )
        application_panels.register_detail(panels_formal.application_panel)
        dashboards.register("group", panels_formal.group_panel)
        dashboards.register("unit", panels_formal.unit_panel)
        dashboards.register("recommender", panels_formal.recommender_panel)
        # --- end formal ---------------------------------------------------------------------------------------
