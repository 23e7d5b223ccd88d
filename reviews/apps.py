from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from . import workflow

        workflow.register()

        # results
        from . import documents, rules_results  # noqa: F401  (document kinds of the summary, reviews.view_results)
