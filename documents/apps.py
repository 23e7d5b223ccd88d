from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Generated documents")

    def ready(self):
        from core.audit import register_labels

        from . import checks, fonts  # noqa: F401  (register the PORTAL_BASE_URL and CJK font checks)

        register_labels(
            {
                "document.requested": _("document requested"),
                "document.built": _("document generated"),
                "document.failed": _("document generation failed"),
            }
        )
