from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from . import workflow

        workflow.register()

        # --- pool ---
        from accounts import staff_nav
        from core.audit import register_labels

        from . import rules_pool  # noqa: F401  (reviews.manage_pool)
        from .enums import AUDIT_ACTIONS

        register_labels(AUDIT_ACTIONS)
        staff_nav.register(
            label=_("Expert pool"),
            url_name="reviews:pool_home",
            permission="reviews.manage_pool",
            order=85,
            section="pool",
        )
        # --- end pool ---

        # results
        from . import documents, rules_results  # noqa: F401  (document kinds of the summary, reviews.view_results)
