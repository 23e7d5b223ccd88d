from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The staff menu's review entries: label, URL name, permission, order, section.
STAFF_PAGES = (
    (_("Formal review"), "reviews:formal_queue", "reviews.formal_review", 40, "formal_review"),
    (_("Review rounds"), "reviews:round_index", "reviews.manage_rounds", 45, "review_rounds"),
    (_("Presentation competition"), "reviews:presentation_index", "reviews.manage_rounds", 46, "presentation"),
    (_("Award levels"), "reviews:levels_index", "reviews.manage_levels", 47, "levels"),
    (_("Expert pool"), "reviews:pool_home", "reviews.manage_pool", 85, "pool"),
    (_("Expert declaration"), "reviews:staff_declaration", "reviews.manage_declaration", 86, "declaration"),
)


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from accounts import dashboards, staff_nav
        from applications import panels as application_panels
        from core.audit import register_field_labels, register_labels
        from core.seeding import register

        from . import (
            checksum,
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
        register_labels(checksum.AUDIT_ACTIONS)
        register_field_labels(checksum.FIELD_LABELS)
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
        register_labels(formal.AUDIT_LABELS)
        # What each outcome shows its group, unit and recommender: the formal review's, then the released level.
        for panels in (panels_formal, panels_levels):
            application_panels.register_detail(panels.application_panel)
            for role in ("group", "unit", "recommender"):
                dashboards.register(role, getattr(panels, f"{role}_panel"))
        dashboards.register("group", panels_presentation.group_panel)
        dashboards.register("expert", panels_presentation.expert_panel)
        for label, url_name, permission, order, section in STAFF_PAGES:
            staff_nav.register(label=label, url_name=url_name, permission=permission, order=order, section=section)
