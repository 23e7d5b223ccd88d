from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from . import workflow

        workflow.register()

        # --- expert part: the expert channel, blind scoring, the declaration ---
        from accounts import dashboards, staff_nav
        from applications import visibility
        from core.audit import register_labels

        from . import (
            rules_expert,  # noqa: F401
            selectors_expert,
            views_expert,
        )
        from .enums import AUDIT_ACTIONS

        register_labels(AUDIT_ACTIONS)
        visibility.register("expert", sees=selectors_expert.expert_sees, scope=selectors_expert.expert_scope)
        dashboards.register("expert", views_expert.dashboard_panel)
        staff_nav.register(
            label=_("Expert declaration"),
            url_name="reviews:staff_declaration",
            permission="reviews.manage_declaration",
            order=62,
            section="declaration",
        )
