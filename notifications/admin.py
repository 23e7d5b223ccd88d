from django.contrib import admin

from .models import MailTemplate, PortalMessage


@admin.register(MailTemplate)
class MailTemplateAdmin(admin.ModelAdmin):
    list_display = ["programme", "event", "subject_zh", "updated_at"]
    list_filter = ["programme", "event"]


@admin.register(PortalMessage)
class PortalMessageAdmin(admin.ModelAdmin):
    list_display = ["recipient", "subject", "created_at", "read_at", "mailed_at"]
    list_filter = ["event"]
    raw_id_fields = ["recipient", "application", "application_event"]
    search_fields = ["recipient__email", "subject"]
