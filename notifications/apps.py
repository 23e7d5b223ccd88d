from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from applications import services as application_services
        from core.audit import register_labels

        from . import links, services
        from .enums import AUDIT_ACTIONS, Party

        register_labels(AUDIT_ACTIONS)

        # applications sits below this app: it cannot call us, so we hang on its after-transition hook list.
        if services.on_application_transition not in application_services.AFTER_TRANSITION:
            application_services.AFTER_TRANSITION.append(services.on_application_transition)
        links.register(Party.APPLICANT, "applications:detail")
