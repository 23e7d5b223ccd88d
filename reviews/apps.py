from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from accounts import dashboards, staff_nav
        from applications import panels as application_panels
        from core.audit import register_labels

        from . import (
            documents,  # noqa: F401  (the document kinds of the round summary)
            formal,
            panels_formal,
            panels_presentation,
            rules,  # noqa: F401  (the reviews.* permissions)
            views_expert,
            workflow,
        )
        from .enums import AUDIT_ACTIONS

        workflow.register()
        register_labels(AUDIT_ACTIONS)
        # Experts are deliberately not given an `applications.visibility` rule: that would open the applicant's,
        # unit's and recommender's pages (which name the group, unit and members) to them. The expert channel has
        # its own pages and selectors (`selectors_expert`), which show only what a (blind) expert may see.
        dashboards.register("expert", views_expert.dashboard_panel)
        staff_nav.register(
            label=_("Expert pool"),
            url_name="reviews:pool_home",
            permission="reviews.manage_pool",
            order=85,
            section="pool",
        )
        staff_nav.register(
            label=_("Expert declaration"),
            url_name="reviews:staff_declaration",
            permission="reviews.manage_declaration",
            order=86,
            section="declaration",
        )
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
        staff_nav.register(
            label=_("Review rounds"),
            url_name="reviews:round_index",
            permission="reviews.manage_rounds",
            order=45,
            section="review_rounds",
        )
        dashboards.register("group", panels_presentation.group_panel)
        dashboards.register("expert", panels_presentation.expert_panel)
        staff_nav.register(
            label=_("Presentation competition"),
            url_name="reviews:presentation_index",
            permission="reviews.manage_rounds",
            order=46,
            section="presentation",
        )
