import rules
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .enums import ApprovalStatus, RecommenderKind, Role
from .validators import validate_credit_code, validate_mobile, validate_not_future, validate_phone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in, by email or mobile number. Roles come from `Membership` rows."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email"), unique=True)
    mobile = models.CharField(
        _("mobile number"), max_length=11, unique=True, null=True, blank=True, validators=[validate_mobile]
    )
    full_name = models.CharField(_("full name"), max_length=60)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def get_full_name(self):
        return self.full_name

    def has_perm(self, perm, obj=None):
        """The portal's own permissions (rules.py of each app) decide for everyone, Django superusers included.

        Django lets a superuser pass every permission check; for the portal's rules that would offer a superuser
        (the demo's staff login) buttons for actions no service allows (editing a recommended application). A
        superuser counts as staff there (`core.roles.is_staff`), no more. Django's own model permissions (the
        admin) keep the superuser shortcut.
        """
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    def get_short_name(self):
        return self.full_name


class Recommender(TimeStampedModel):
    """推荐单位: a district bureau, industry association or group company that recommends units' entries."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=RecommenderKind.choices)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True, validators=[validate_phone])
    # Staff revoke a recommender that charges fees or misbehaves (seed 001): it keeps its data but acts no more.
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("recommending organisation")
        verbose_name_plural = _("recommending organisations")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class Unit(TimeStampedModel):
    """申报单位: the legal entity that employs QC groups and stamps their forms."""

    name = models.CharField(_("full legal name"), max_length=150, unique=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    address = models.CharField(_("address"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=30, validators=[validate_phone])
    contact_email = models.EmailField(_("contact email"), blank=True)
    recommender = models.ForeignKey(
        Recommender,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("recommending organisation"),
    )
    is_member = models.BooleanField(_("association member"), default=False)
    applies_directly = models.BooleanField(
        _("applies directly to the association"),
        default=False,
        help_text=_("Member units without a recommending organisation may apply directly once staff confirm."),
    )
    direct_confirmed = models.BooleanField(_("direct application confirmed by staff"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING, db_index=True
    )
    status_note = models.CharField(_("reason"), max_length=300, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        # Lists sort by status then name, page by page: the index serves the ORDER BY ... LIMIT directly.
        indexes = [models.Index(fields=["status", "name"]), models.Index(fields=["recommender", "status", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(recommender__isnull=False) | Q(applies_directly=True),
                name="unit_has_recommender_or_applies_directly",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_approved(self):
        return self.status == ApprovalStatus.APPROVED


class QCGroup(TimeStampedModel):
    """质量管理小组: the applicant team, registered under one unit."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="groups", verbose_name=_("unit"))
    name = models.CharField(_("group name"), max_length=120)
    registration_number = models.CharField(_("registration number"), max_length=40, blank=True)
    founded_on = models.DateField(_("founded on"), validators=[validate_not_future])
    description = models.TextField(_("introduction"), blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_groups", verbose_name=_("leader")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING, db_index=True
    )
    status_note = models.CharField(_("reason"), max_length=300, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("QC group")
        verbose_name_plural = _("QC groups")
        ordering = ["unit__name", "name"]
        indexes = [models.Index(fields=["status", "name"])]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="qcgroup_unique_name_per_unit")]

    def __str__(self):
        return self.name

    @property
    def is_approved(self):
        return self.status == ApprovalStatus.APPROVED


class GroupMember(models.Model):
    """小组成员: a member of a QC group (a person, not necessarily a user)."""

    group = models.ForeignKey(QCGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("QC group"))
    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=1, blank=True, choices=[("M", _("male")), ("F", _("female"))])
    job_title = models.CharField(_("job title"), max_length=60, blank=True)
    role_in_group = models.CharField(_("role in the group"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class Expert(TimeStampedModel):
    """专家: an expert reviewer's profile; the person signs in as the linked user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile", verbose_name=_("user")
    )
    organisation_name = models.CharField(_("employer"), max_length=150)
    title = models.CharField(_("professional title"), max_length=60, blank=True)
    specialities = models.CharField(_("fields of expertise"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["user__full_name"]

    def __str__(self):
        return self.user.full_name


class Membership(TimeStampedModel):
    """One role a user holds, bound to the organisation it acts for. A person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    recommender = models.ForeignKey(
        Recommender,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("recommending organisation"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("unit")
    )
    group = models.ForeignKey(
        QCGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("QC group"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # A recommending organisation's members all score; only its deciders recommend, decline, reconsider, return to
    # the unit, rank and hand in for it. Staff set it when granting the role; every organisation keeps one decider.
    can_decide = models.BooleanField(
        _("decides for the organisation"),
        default=False,
        help_text=_("Recommends, declines, returns, ranks and hands in for the recommending organisation."),
    )

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        ordering = ["role", "id"]
        constraints = [
            models.CheckConstraint(
                name="membership_organisation_matches_role",
                condition=(
                    Q(role=Role.STAFF, recommender__isnull=True, unit__isnull=True, group__isnull=True)
                    | Q(role=Role.EXPERT, recommender__isnull=True, unit__isnull=True, group__isnull=True)
                    | Q(role=Role.RECOMMENDER, recommender__isnull=False, unit__isnull=True, group__isnull=True)
                    | Q(role=Role.UNIT, recommender__isnull=True, unit__isnull=False, group__isnull=True)
                    | Q(role=Role.GROUP, recommender__isnull=True, unit__isnull=True, group__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "recommender", "unit", "group"],
                name="membership_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        org = self.organisation
        return f"{self.get_role_display()} · {org}" if org else self.get_role_display()

    @property
    def organisation(self):
        return self.recommender or self.unit or self.group

    @property
    def is_usable(self):
        """A role can be used once its organisation is approved (staff, expert and recommender roles always)."""
        if not self.is_active:
            return False
        if self.role == Role.UNIT:
            return self.unit.status == ApprovalStatus.APPROVED
        if self.role == Role.GROUP:
            return self.group.status == ApprovalStatus.APPROVED
        if self.role == Role.RECOMMENDER:
            return self.recommender.is_active
        return True
