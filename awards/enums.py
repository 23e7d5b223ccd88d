from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgrammeKind(models.TextChoices):
    QC_ACHIEVEMENT = "qc_achievement", _("QC-group achievements")
    TECHNOLOGY_AWARD = "technology_award", _("Quality Technology Award")
    BENCHMARK = "benchmark", _("Quality benchmark")
    TACKLING = "tackling", _("Industrial quality tackling")


class ApplicantKind(models.TextChoices):
    GROUP = "group", _("A QC group through its unit")
    UNIT = "unit", _("An enterprise or organisation")
    CONSORTIUM = "consortium", _("One unit or a consortium of units")


class PhaseKind(models.TextChoices):
    APPLICATION = "application", _("Online application")
    UNIT_ENDORSEMENT = "unit_endorsement", _("Unit endorsement")
    RECOMMENDATION = "recommendation", _("Recommendation")
    FORMAL_REVIEW = "formal_review", _("Formal review")
    DOCUMENT_REVIEW = "document_review", _("Document review")
    PRESENTATION = "presentation", _("Presentation competition")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    RESULTS = "results", _("Results")


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Short text")
    PHONE = "phone", _("Phone number")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", pgettext_lazy("question kind", "Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    MEMBER_TABLE = "member_table", _("Member table")
    FILE = "file", _("File")
