from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendersConfig(AppConfig):
    name = "recommenders"
    verbose_name = _("Endorsement and recommendation")

    def ready(self):
        from accounts import dashboards
        from core.seeding import register

        from . import (  # noqa: F401
            demo,
            documents_recommender,
            documents_unit,
            panels_joint,
            panels_recommender,
            panels_unit,
            rules_joint,
        )

        register(40, "recommenders", demo.seed)
        from core.audit import register_labels

        from .enums import AUDIT_ACTIONS

        register_labels(AUDIT_ACTIONS)
        # 联合推荐: the invited organisation sees that application; its detail page names every recommender.
        rules_joint.register_visibility()
        from applications import panels as application_panels

        application_panels.register_detail(panels_joint.application_panel)
        from .selectors import recommender_names

        application_panels.register_recommender_names(recommender_names)
        dashboards.register("unit", panels_unit.panel)
        dashboards.register("recommender", panels_recommender.panel)
        dashboards.register("staff", panels_recommender.staff_panel)
        from notifications import links
        from notifications.enums import Party

        # Notices link the unit and the recommender to their pages of an application.
        links.register(Party.UNIT, "recommenders:unit_application")
        links.register(Party.RECOMMENDER, "recommenders:recommender_application")
