from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import Document


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Read-only: documents change only through documents.services (request, build)."""

    list_display = ("kind", "owner_type", "owner_id", "status", "filename", "size", "built_at", "updated_at")
    list_filter = ("status", "kind", "owner_type")
    search_fields = ("kind", "owner_id", "filename", "checksum", "public_id")
    # Files are served only through the permission-checked download view (there is no MEDIA_URL).
    readonly_fields = [f.name for f in Document._meta.fields if f.name != "file"] + ["stored_file"]
    exclude = ("file",)
    date_hierarchy = "updated_at"

    @admin.display(description=_("file"))
    def stored_file(self, obj):
        if not obj.file:
            return "-"
        return format_html('<a href="{}">{}</a>', reverse("documents:download", args=[obj.pk]), obj.file.name)
