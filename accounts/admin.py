"""Django admin for support staff.

Organisations, groups, experts and roles are read-only here: approvals, revocations and role changes go through
the staff console (accounts.services: rules, locks, audit). User accounts stay editable for account support
(profile, active flag, Django permissions, password); every such change is written to the audit log in the same
transaction, and accounts are deactivated rather than deleted.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from core.admin import ReadOnlyAdmin as BaseReadOnlyAdmin
from core.admin import ReadOnlyInline
from core.audit import audit_record, snapshot

from .models import Expert, GroupMember, Membership, QCGroup, Recommender, Unit, User

PASSWORD_MASK = "********"  # noqa: S105 - what the admin shows instead of a password  # nosec B105


class ReadOnlyAdmin(BaseReadOnlyAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


class MembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "user"
    fields = ("role", "recommender", "unit", "group", "can_decide", "is_active")
    readonly_fields = fields


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "mobile", "is_active", "is_staff")
    search_fields = ("email", "full_name", "mobile")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "mobile")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined")
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None):
        return False  # people with history are deactivated (staff console or the active flag), never deleted

    def save_model(self, request, obj, form, change):
        """Save and audit in the admin's transaction: {field: [old, new]} of what the form changed."""
        fields = [name for name in form.changed_data if name in {f.name for f in User._meta.fields}]
        before = snapshot(User.objects.get(pk=obj.pk), fields) if change else {}
        super().save_model(request, obj, form, change)
        after = snapshot(obj, fields)
        changes = {
            name: [before.get(name), after[name]] for name in fields if not change or before.get(name) != after[name]
        }
        for name in ("password", "password1", "password2"):
            if name in changes:
                changes[name] = [PASSWORD_MASK if change else None, PASSWORD_MASK]
        if not change:
            changes.setdefault("password", [None, PASSWORD_MASK])
        if changes or not change:
            audit_record(
                actor=request.user,
                obj=obj,
                action="user.changed_in_admin" if change else "user.created_in_admin",
                changes=changes,
            )

    def log_change(self, request, obj, message):
        """The admin's password page saves without save_model: audit it here."""
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "auth_user_password_change":
            audit_record(
                actor=request.user,
                obj=obj,
                action="user.changed_in_admin",
                changes={"password": [PASSWORD_MASK, PASSWORD_MASK]},
            )
        return super().log_change(request, obj, message)


@admin.register(Recommender)
class RecommenderAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "credit_code", "recommender", "status")
    list_filter = ("status", "recommender__kind")
    search_fields = ("name", "credit_code")


class GroupMemberInline(ReadOnlyInline):
    model = GroupMember
    fields = ("name", "gender", "job_title", "role_in_group", "phone", "position")
    readonly_fields = fields


@admin.register(QCGroup)
class QCGroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "unit", "leader", "status")
    list_filter = ("status",)
    search_fields = ("name", "unit__name")
    inlines = [GroupMemberInline]


@admin.register(Expert)
class ExpertAdmin(ReadOnlyAdmin):
    list_display = ("user", "organisation_name", "title", "is_active")
    search_fields = ("user__full_name", "organisation_name")
