"""The filters of the staff console's lists (django-filter), one FilterSet per list.

Every list takes a search box `q` (each FilterSet names the fields it searches) and the selects of its own
filters; `views.staff_list` renders them all the same way. A value that does not validate (an unknown status, a
deleted organisation) is ignored, the other filters still apply.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry

from .enums import ApprovalStatus, RecommenderKind, Role
from .models import Expert, QCGroup, Recommender, Unit, User


class StaffSearchFilterSet(django_filters.FilterSet):
    """`q` searches `search_lookups` (case-insensitive containment unless the lookup says otherwise)."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    search_lookups: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            if name != "q":
                field.widget.attrs["class"] = "form-select form-select-sm"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for lookup in self.search_lookups:
            condition |= Q(**{lookup: value})
        return queryset.filter(condition)


def _status_filter(**kwargs):
    return django_filters.ChoiceFilter(
        label=_("Status"), choices=ApprovalStatus.choices, empty_label=_("All statuses"), **kwargs
    )


def _recommender_filter(field_name: str):
    return django_filters.ModelChoiceFilter(
        label=_("Recommending organisation"), field_name=field_name, queryset=Recommender.objects.order_by("name")
    )


class UnitFilter(StaffSearchFilterSet):
    search_lookups = ("name__icontains", "credit_code__iexact")
    status = _status_filter()
    recommender = _recommender_filter("recommender")

    class Meta:
        model = Unit
        fields = ["q", "status", "recommender"]


class GroupFilter(StaffSearchFilterSet):
    search_lookups = ("name__icontains", "unit__name__icontains")
    status = _status_filter()
    recommender = _recommender_filter("unit__recommender")

    class Meta:
        model = QCGroup
        fields = ["q", "status", "recommender"]


class RecommenderFilter(StaffSearchFilterSet):
    search_lookups = ("name__icontains",)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=RecommenderKind.choices, empty_label=_("All kinds"))

    class Meta:
        model = Recommender
        fields = ["q", "kind"]


class ExpertFilter(StaffSearchFilterSet):
    search_lookups = ("user__full_name__icontains", "organisation_name__icontains")

    class Meta:
        model = Expert
        fields = ["q"]


ACTIVE_CHOICES = (("1", _("active")), ("0", _("deactivated")))


class UserFilter(StaffSearchFilterSet):
    search_lookups = ("email__icontains", "full_name__icontains", "mobile__icontains")
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, empty_label=_("All roles"), method="in_role"
    )
    active = django_filters.ChoiceFilter(
        label=_("Status"), choices=ACTIVE_CHOICES, empty_label=_("All statuses"), method="by_active"
    )

    class Meta:
        model = User
        fields = ["q", "role", "active"]

    def in_role(self, queryset, name, value):
        """People who hold the role now (a removed role does not count)."""
        return queryset.filter(memberships__role=value, memberships__is_active=True).distinct()

    def by_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")


class AuditFilter(StaffSearchFilterSet):
    search_lookups = ("action__icontains", "object_repr__icontains")

    class Meta:
        model = AuditEntry
        fields = ["q"]
