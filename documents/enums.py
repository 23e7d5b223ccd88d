from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be built")
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


# States in which a build is on its way: pages keep polling while a document is in one of them.
IN_PROGRESS = frozenset({DocumentStatus.PENDING, DocumentStatus.BUILDING})
