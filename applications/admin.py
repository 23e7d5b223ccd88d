"""Read-only admin for support staff: statuses change only through the services (transition table, audit)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Application, ApplicationEvent, Attachment, CoApplicant, NumberSequence


class EventInline(ReadOnlyInline):
    model = ApplicationEvent
    fields = ("created_at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("requirement", "original_name", "mime_type", "size", "sha256", "is_current", "uploaded_by", "created_at")
    readonly_fields = fields


class CoApplicantInline(ReadOnlyInline):
    model = CoApplicant
    fields = ("organisation_name", "unit", "role", "contact_name", "contact_phone", "contact_email")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "edition", "group", "unit", "status", "submitted_at")
    list_filter = ("status", "edition")
    search_fields = ("number", "title", "group__name", "unit__name")
    list_select_related = ("edition", "group", "unit")
    raw_id_fields = ("group", "unit", "created_by")
    inlines = [EventInline, AttachmentInline, CoApplicantInline]


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ("edition", "last_number")
