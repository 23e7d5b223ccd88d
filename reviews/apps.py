from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from accounts import dashboards, staff_nav
        from applications import panels as application_panels
        from core.audit import register_labels
        from core.seeding import register

        from . import (
            demo,
            demo_levels,
            documents,  # noqa: F401  (the document kinds of the round summary)
            documents_levels,  # noqa: F401  (the combined results document kinds)
            formal,
            levels,
            notices,
            panel,
            panels_formal,
            panels_levels,
            panels_presentation,
            rules,  # noqa: F401  (the reviews.* permissions)
            views_expert,
            views_onsite,
            workflow,
            workflow_levels,
        )
        from .enums import AUDIT_ACTIONS

        workflow.register()
        workflow_levels.register()
        register_labels(levels.AUDIT_ACTIONS)
        levels.register_adjustment_source(panel.panel_adjustments)  # 合议: the panel's agreed score counts
        register(50, "reviews", demo.seed)  # after recommenders (40): it reviews what they recommended
        register(55, "reviews_levels", demo_levels.seed)  # needs the reviews demo's expert pool
        notices.register_notices()
        register_labels(AUDIT_ACTIONS)
        # Experts are deliberately not given an `applications.visibility` rule: that would open the applicant's,
        # unit's and recommender's pages (which name the group, unit and members) to them. The expert channel has
        # its own pages and selectors (`selectors_expert`), which show only what a (blind) expert may see.
        dashboards.register("expert", views_expert.dashboard_panel)
        dashboards.register("expert", views_onsite.dashboard_panel)
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
        application_panels.register_detail(panels_levels.application_panel)
        dashboards.register("group", panels_levels.group_panel)
        dashboards.register("unit", panels_levels.unit_panel)
        dashboards.register("recommender", panels_levels.recommender_panel)
        staff_nav.register(
            label=_("Review rounds"),
            url_name="reviews:round_index",
            permission="reviews.manage_rounds",
            order=45,
            section="review_rounds",
        )
        staff_nav.register(
            label=_("Award levels"),
            url_name="reviews:levels_index",
            permission="reviews.manage_levels",
            order=47,
            section="levels",
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
