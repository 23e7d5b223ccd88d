from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from applications import signals as application_signals
        from core.audit import register_labels

        from . import links, services
        from .enums import AUDIT_ACTIONS, Party

        register_labels(AUDIT_ACTIONS)

        # applications sits below this app and cannot call us: we listen to its after-commit signal.
        application_signals.transition_committed.connect(
            services.on_application_transition, dispatch_uid="notifications.on_application_transition"
        )
        links.register(Party.APPLICANT, "applications:detail")
