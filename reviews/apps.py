from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from . import workflow

        workflow.register()

        # --- rounds ---
        from accounts import staff_nav
        from core.audit import register_labels

        from . import rules_rounds  # noqa: F401
        from .enums import AUDIT_ACTIONS

        register_labels(AUDIT_ACTIONS)
        staff_nav.register(
            label=_("Review rounds"),
            url_name="reviews:round_index",
            permission="reviews.manage_rounds",
            order=40,
            section="review_rounds",
        )
        # --- end rounds ---
