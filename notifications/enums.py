"""Who is told about a move of an application, and the languages a message can be written in."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.enums import Level


class Party(models.TextChoices):
    """The people around an application, in the order it climbs through them."""

    APPLICANT = "applicant", _("Applicant")
    UNIT = "unit", _("Unit")
    RECOMMENDER = "recommender", _("Recommending organisation")


# The level at which each party holds an application (applications/enums.py Level), in pipeline order.
PARTY_LEVEL = {Party.APPLICANT: Level.APPLICANT, Party.UNIT: Level.UNIT, Party.RECOMMENDER: Level.RECOMMENDER}


class Language(models.TextChoices):
    ZH = "zh-hans", "简体中文"
    EN = "en", "English"


# The audit actions notifications writes, as people read them.
AUDIT_ACTIONS = {
    "notifications.template_saved": _("notice wording saved"),
    "notifications.template_reset": _("notice wording reset to the default"),
}
