from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Award programmes")

    def ready(self):
        from core.seeding import register

        from . import demo

        register(20, "awards", demo.seed)

        from django.db.models.signals import post_delete, post_save

        from .models import Edition, Phase, Programme
        from .selectors import open_editions_bump

        for model in (Programme, Edition, Phase):
            post_save.connect(open_editions_bump, sender=model, dispatch_uid=f"open-editions-{model.__name__}")
            post_delete.connect(open_editions_bump, sender=model, dispatch_uid=f"open-editions-del-{model.__name__}")

        from core.audit import register_labels

        from .templatetags.awards_tags import AUDIT_ACTIONS

        register_labels(AUDIT_ACTIONS)

        from accounts import staff_nav

        staff_nav.register(
            label=_("Programmes and editions"),
            url_name="awards:programme_list",
            permission="awards.manage_editions",
            order=20,
            section="awards",
        )
