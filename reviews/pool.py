"""The expert pool of a programme: services (add, change) and selectors (the staff list, who may be assigned).

An expert is a user with the expert role and an `accounts.Expert` profile; the pool entry says what they may judge
in one programme. Adding a person who has no account creates it and invites them (`accounts.services.expert_invite`);
a person who has one (a unit contact, say) gains the expert role. Every write is audited (`pool.added`,
`pool.changed`).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.enums import ApprovalStatus
from accounts.models import Unit, User
from accounts.services import expert_invite
from awards.models import Category, Edition, Programme
from core.audit import audit_record, created, diff, snapshot
from core.exceptions import BusinessRuleError

from .models import PoolEntry

# The fields of an entry staff change (the person's name, email and account stay theirs, in accounts).
ENTRY_FIELDS = (
    "categories",
    "fields",
    "employer",
    "max_load",
    "available_from",
    "available_until",
    "is_active",
)
MAX_LOAD = 500


# --- Selectors ---------------------------------------------------------------------------------------------------


def current_edition(programme: Programme) -> Edition | None:
    """The programme's current edition: its latest year."""
    return Edition.objects.filter(programme=programme).order_by("-year", "-id").first()


def programme_categories(programme: Programme) -> list[Category]:
    """The categories of the programme's current edition (top-level first, then their sub-types), in order."""
    edition = current_edition(programme)
    if edition is None:
        return []
    categories = list(Category.objects.filter(edition=edition).select_related("parent").order_by("position", "id"))
    top = [c for c in categories if c.parent_id is None]
    ordered = []
    for parent in top:
        ordered.append(parent)
        ordered.extend(c for c in categories if c.parent_id == parent.pk)
    ordered.extend(c for c in categories if c not in ordered)
    return ordered


def category_choices(programme: Programme) -> list[tuple[str, str]]:
    """(code, "code · name") for the categories of the current edition."""
    return [(c.code, f"{c.code} · {c}") for c in programme_categories(programme)]


def pool_programmes() -> QuerySet[Programme]:
    return Programme.objects.order_by("code")


def programme_for_pool(pk) -> Programme:
    return get_object_or_404(Programme, pk=pk)


def pool_entry_for_staff(pk) -> PoolEntry:
    return get_object_or_404(
        PoolEntry.objects.select_related("programme", "expert__user", "employer__recommender"), pk=pk
    )


def pool_for(programme: Programme, filters: dict | None = None) -> QuerySet[PoolEntry]:
    """The pool of `programme` for the staff list, filtered by `category` (a code), `active` ("1" active, "0"
    inactive, else both) and `q` (part of the expert's name, email, organisation or employer unit). Everything the
    list shows is joined in: the query count does not grow with the pool."""
    filters = filters or {}
    entries = PoolEntry.objects.filter(programme=programme).select_related(
        "expert__user", "employer__recommender", "programme"
    )
    category = (filters.get("category") or "").strip()
    if category:
        entries = entries.filter(categories__contains=[category])
    active = filters.get("active") or ""
    if active == "1":
        entries = entries.filter(is_active=True)
    elif active == "0":
        entries = entries.filter(is_active=False)
    q = (filters.get("q") or "").strip()
    if q:
        entries = entries.filter(
            Q(expert__user__full_name__icontains=q)
            | Q(expert__user__email__icontains=q)
            | Q(expert__organisation_name__icontains=q)
            | Q(employer__name__icontains=q)
        )
    return entries.order_by("expert__user__full_name", "id")


def eligible_pool(programme: Programme, on_date: datetime.date) -> QuerySet[PoolEntry]:
    """The entries rounds may assign on `on_date`: active entry, active expert and account, available that day."""
    return (
        PoolEntry.objects.filter(
            programme=programme, is_active=True, expert__is_active=True, expert__user__is_active=True
        )
        .filter(Q(available_from__isnull=True) | Q(available_from__lte=on_date))
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=on_date))
        .select_related("expert__user", "employer")
        .order_by("id")
    )


def find_unit(text: str) -> Unit | None:
    """An approved unit by its unified social credit code or its full legal name (None when there is none)."""
    text = (text or "").strip()
    if not text:
        return None
    return (
        Unit.objects.filter(status=ApprovalStatus.APPROVED)
        .filter(Q(credit_code=text.upper()) | Q(name=text))
        .select_related("recommender")
        .first()
    )


def entry_of(programme: Programme, email: str) -> PoolEntry | None:
    return (
        PoolEntry.objects.filter(programme=programme, expert__user__email__iexact=(email or "").strip())
        .select_related("expert__user")
        .first()
    )


# --- Checks shared by the form, the import and the services --------------------------------------------------------


def check_entry_values(
    *, programme, categories, employer, max_load, available_from, available_until, allowed_codes=None
) -> list[str]:
    """The problems with an entry's values, as messages (empty when they are fine)."""
    problems = []
    allowed = set(allowed_codes) if allowed_codes is not None else {c.code for c in programme_categories(programme)}
    unknown = [code for code in categories if code not in allowed]
    if unknown:
        problems.append(_("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)})
    if employer is not None and employer.status != ApprovalStatus.APPROVED:
        problems.append(_("The employer must be an approved unit."))
    if not isinstance(max_load, int) or isinstance(max_load, bool) or not 1 <= max_load <= MAX_LOAD:
        problems.append(_("The maximum load must be a whole number from 1 to %(max)s.") % {"max": MAX_LOAD})
    if available_from and available_until and available_from > available_until:
        problems.append(_("“Available from” must not be after “available until”."))
    return problems


def _refuse(problems: list[str]) -> None:
    if problems:
        raise BusinessRuleError(" ".join(problems))


def _mobile_taken(email: str, mobile: str | None) -> bool:
    return bool(mobile) and User.objects.filter(mobile=mobile).exclude(email__iexact=email.strip()).exists()


def duplicate_message(entry: PoolEntry) -> str:
    return _("%(name)s (%(email)s) is already in the pool of this programme.") % {
        "name": entry.expert.user.full_name,
        "email": entry.expert.user.email,
    }


# --- Services --------------------------------------------------------------------------------------------------------


@transaction.atomic
def pool_entry_add(
    *,
    actor: User,
    programme: Programme,
    email: str,
    full_name: str,
    mobile: str | None = None,
    organisation_name: str = "",
    title: str = "",
    categories=(),
    fields: str = "",
    employer: Unit | None = None,
    max_load: int = 20,
    available_from: datetime.date | None = None,
    available_until: datetime.date | None = None,
    allowed_codes=None,
) -> PoolEntry:
    """Add a person to the programme's pool: their account and expert profile are created (and they are invited) or
    reused; a person already in this programme's pool is refused."""
    Programme.objects.select_for_update().get(pk=programme.pk)  # one add per programme at a time: no double entry
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    mobile = (mobile or "").strip() or None
    categories = list(dict.fromkeys(categories))
    if not email or not full_name:
        raise BusinessRuleError(_("Give the expert's name and email."))
    existing = entry_of(programme, email)
    if existing is not None:
        raise BusinessRuleError(duplicate_message(existing), code="duplicate")
    _refuse(
        check_entry_values(
            programme=programme,
            categories=categories,
            employer=employer,
            max_load=max_load,
            available_from=available_from,
            available_until=available_until,
            allowed_codes=allowed_codes,
        )
    )
    if _mobile_taken(email, mobile):
        raise BusinessRuleError(_("This mobile number belongs to another account."), code="mobile")
    organisation_name = (organisation_name or "").strip() or (employer.name if employer else "-")
    try:
        expert = expert_invite(
            actor=actor,
            email=email,
            full_name=full_name,
            mobile=mobile,
            organisation_name=organisation_name,
            title=(title or "").strip(),
            specialities=(fields or "").strip(),
        )
    except ValidationError as error:
        raise BusinessRuleError(" ".join(error.messages)) from error
    entry = PoolEntry(
        programme=programme,
        expert=expert,
        categories=categories,
        fields=(fields or "").strip(),
        employer=employer,
        max_load=max_load,
        available_from=available_from,
        available_until=available_until,
    )
    entry.full_clean()
    entry.save()
    audit_record(actor=actor, obj=entry, action="pool.added", changes=created(entry, ("expert", *ENTRY_FIELDS)))
    return entry


@transaction.atomic
def pool_entry_change(*, actor: User, entry: PoolEntry, allowed_codes=None, **values) -> PoolEntry:
    """Change an entry's categories, fields, employer, load, availability or active flag (others are refused).
    Categories already on the entry stay allowed even when the current edition no longer has them."""
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"pool_entry_change() got unexpected fields: {', '.join(sorted(unknown))}")
    entry = PoolEntry.objects.select_for_update().select_related("programme").get(pk=entry.pk)
    before = snapshot(entry, ENTRY_FIELDS)
    for name, value in values.items():
        if name == "categories":
            value = list(dict.fromkeys(value))
        if name == "fields":
            value = (value or "").strip()
        setattr(entry, name, value)
    if allowed_codes is None:
        allowed_codes = {c.code for c in programme_categories(entry.programme)}
    employer = entry.employer if "employer" in values else None  # a unit already set stays, approved or not
    _refuse(
        check_entry_values(
            programme=entry.programme,
            categories=entry.categories,
            employer=employer,
            max_load=entry.max_load,
            available_from=entry.available_from,
            available_until=entry.available_until,
            allowed_codes=set(allowed_codes) | set(before["categories"] or []),
        )
    )
    entry.full_clean()
    changes = diff(before, entry)
    if not changes:
        return entry
    entry.save()
    audit_record(actor=actor, obj=entry, action="pool.changed", changes=changes)
    return entry
