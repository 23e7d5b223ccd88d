from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendersConfig(AppConfig):
    name = "recommenders"
    verbose_name = _("Endorsement and recommendation")

    def ready(self):
        from accounts import dashboards
        from core.seeding import register

        from . import demo, documents_recommender, documents_unit, panels_recommender, panels_unit  # noqa: F401

        register(40, "recommenders", demo.seed)
        from core.audit import register_labels

        from .enums import AUDIT_ACTIONS

        register_labels(AUDIT_ACTIONS)
        dashboards.register("unit", panels_unit.panel)
        dashboards.register("recommender", panels_recommender.panel)
        dashboards.register("staff", panels_recommender.staff_panel)
        from notifications import links
        from notifications.enums import Party

        # Notices link the unit and the recommender to their pages of an application.
        links.register(Party.UNIT, "recommenders:unit_application")
        links.register(Party.RECOMMENDER, "recommenders:recommender_application")
