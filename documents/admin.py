from django.contrib import admin

from .models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Read-only: documents change only through documents.services (request, build)."""

    list_display = ("kind", "owner_type", "owner_id", "status", "filename", "size", "built_at", "updated_at")
    list_filter = ("status", "kind", "owner_type")
    search_fields = ("kind", "owner_id", "filename", "checksum", "public_id")
    readonly_fields = [f.name for f in Document._meta.fields]
    date_hierarchy = "updated_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
