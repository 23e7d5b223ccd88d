"""Read-only admin views of endorsements, score sheets, dossiers and hand-ins.

Every change goes through recommenders.services (locks, quotas, deadlines, audit), so the admin only shows rows.
Stored files are served only by the permission-checked views (there is no MEDIA_URL), so the admin links to them.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin as BaseReadOnlyAdmin
from core.admin import ReadOnlyInline

from .models import Dossier, Endorsement, Evaluation, HandIn


class ReadOnlyAdmin(BaseReadOnlyAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in (self.exclude or ())]


@admin.register(Endorsement)
class EndorsementAdmin(ReadOnlyAdmin):
    list_display = ("application", "level", "recommender", "decision", "rank", "decided_by", "decided_at")
    list_filter = ("level", "decision", "application__edition")
    search_fields = ("application__number", "application__title", "application__unit__name")
    list_select_related = ("application", "recommender", "decided_by")
    exclude = ("scan",)


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("application", "level", "recommender", "reviewer", "total", "updated_at")
    list_filter = ("level", "application__edition")
    search_fields = ("application__number", "application__title", "reviewer__email", "reviewer__full_name")
    list_select_related = ("application", "recommender", "reviewer")


class HandInInline(ReadOnlyInline):
    model = HandIn
    fields = ("kind", "download", "sha256", "handed_in_by", "handed_in_at")
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("recommenders:recommender_handin_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.file_name)


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ("recommender", "edition", "updated_at")
    list_filter = ("edition",)
    search_fields = ("recommender__name",)
    list_select_related = ("recommender", "edition")
    inlines = [HandInInline]
