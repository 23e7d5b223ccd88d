from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Expert, GroupMember, Membership, QCGroup, Recommender, Unit, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    raw_id_fields = ("recommender", "unit", "group")


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
    inlines = [MembershipInline]


@admin.register(Recommender)
class RecommenderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "recommender", "status")
    list_filter = ("status", "recommender__kind")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("recommender",)


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0


@admin.register(QCGroup)
class QCGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "leader", "status")
    list_filter = ("status",)
    search_fields = ("name", "unit__name")
    raw_id_fields = ("unit", "leader")
    inlines = [GroupMemberInline]


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation_name", "title", "is_active")
    search_fields = ("user__full_name", "organisation_name")
    raw_id_fields = ("user",)
