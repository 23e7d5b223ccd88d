from allauth.account import forms as allauth_forms
from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import ApprovalStatus, Role
from .models import GroupMember, QCGroup, Recommender, Unit, User
from .validators import MOBILE_RE, validate_mobile, validate_plain_name


class LoginForm(allauth_forms.LoginForm):
    """Sign in with an email address or an 11-digit mobile number."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.CharField(
            label=_("Email or mobile number"),
            widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
        )
        self.fields.move_to_end("login", last=False)

    def clean_login(self):
        login = self.cleaned_data["login"].strip()
        if MOBILE_RE.match(login):
            user = User.objects.filter(mobile=login).only("email").first()
            # An unknown number falls through as an address that cannot match, so the error stays generic.
            return user.email if user else f"{login}@unknown.invalid"
        try:
            validate_email(login)
        except ValidationError as exc:
            raise ValidationError(_("Enter an email address or an 11-digit mobile number.")) from exc
        return login.lower()


class SignupForm(allauth_forms.SignupForm):
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    mobile = forms.CharField(label=_("Mobile number"), max_length=11, validators=[validate_mobile])

    field_order = ["full_name", "email", "mobile", "password1", "password2"]

    # Whether an address or number is registered is said only for an otherwise valid form, in one message for
    # both, and sign-ups are rate-limited per address (ACCOUNT_RATE_LIMITS): no free probing.
    TAKEN_MESSAGE = _(
        "This email address or mobile number cannot be used for a new account. If you already have an account, "
        "sign in or reset your password."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.identity_taken = False

    def validate_unique_email(self, value):
        try:
            return super().validate_unique_email(value)
        except ValidationError:
            self.identity_taken = True
            return value

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"].strip()
        if User.objects.filter(mobile=mobile).exists():
            self.identity_taken = True
        return mobile

    def clean(self):
        cleaned_data = super().clean()
        if self.identity_taken and not self.errors and not self.account_already_exists:
            # allauth hides a taken email itself (mails its owner) when verification is mandatory; a taken
            # mobile number, or any conflict without mandatory verification, gets the one generic message.
            raise ValidationError(self.TAKEN_MESSAGE, code="taken")
        return cleaned_data

    def custom_signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"].strip()
        user.mobile = self.cleaned_data["mobile"]
        user.save(update_fields=["full_name", "mobile"])


def refuse_control_characters(form, *field_names):
    """Names become file names and certificates: refuse invisible bidi/control characters in them."""
    for name in field_names:
        form.fields[name].validators.append(validate_plain_name)


class UnitForm(forms.ModelForm):
    recommender = forms.ModelChoiceField(
        label=_("Recommending organisation"),
        queryset=Recommender.objects.filter(is_active=True),
        required=False,
        help_text=_("The district, industry association or group company your unit belongs to."),
    )

    class Meta:
        model = Unit
        fields = [
            "name",
            "credit_code",
            "address",
            "contact_name",
            "contact_phone",
            "contact_email",
            "recommender",
            "is_member",
            "applies_directly",
        ]
        help_texts = {
            "name": _("The full legal name, exactly as on the business licence (certificates use it)."),
            "credit_code": _("18 characters, on the business licence."),
            "contact_phone": _("A mobile number or a landline with its area code, e.g. 13812345678 or 021-62345678."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refuse_control_characters(self, "name", "contact_name")
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        existing = Unit.objects.filter(credit_code=code).exclude(pk=self.instance.pk).first()
        if existing is not None:
            # Name the unit (its name is public in the unit search) but none of its contact's details.
            raise ValidationError(
                _(
                    "“%(unit)s” is already registered with this unified social credit code. If you lead a QC group "
                    "there, register your group under it (search for its name): its contact approves new groups. "
                    "To become the unit's contact yourself, ask the association's secretariat."
                ),
                code="unique",
                params={"unit": existing.name},
            )
        return code

    def clean(self):
        data = super().clean()
        if not data.get("recommender") and not data.get("applies_directly"):
            self.add_error("recommender", _("Choose a recommending organisation, or apply directly as a member."))
        if data.get("applies_directly") and not data.get("is_member"):
            self.add_error("applies_directly", _("Only association members may apply directly."))
        return data


class GroupForm(forms.ModelForm):
    class Meta:
        model = QCGroup
        fields = ["name", "registration_number", "founded_on", "description"]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser offers no later day; the model's validator refuses one whatever the browser sends.
        self.fields["founded_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        refuse_control_characters(self, "name")
        self.helper = FormHelper()
        self.helper.form_tag = False


class GroupUnitChoiceForm(forms.Form):
    """The unit a new group joins: an approved unit found by name, or a request for a new one."""

    unit = forms.ModelChoiceField(
        label=_("Your unit"),
        queryset=Unit.objects.filter(status=ApprovalStatus.APPROVED),
        required=False,
        widget=forms.HiddenInput,
    )
    request_new_unit = forms.BooleanField(label=_("My unit is not listed: ask for a new unit"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("unit") and not data.get("request_new_unit"):
            raise ValidationError(_("Choose your unit from the search, or ask for a new unit."))
        return data


class GroupMemberForm(forms.ModelForm):
    class Meta:
        model = GroupMember
        fields = ["name", "gender", "job_title", "role_in_group", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refuse_control_characters(self, "name")


GroupMemberFormSet = forms.inlineformset_factory(
    QCGroup,
    GroupMember,
    form=GroupMemberForm,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


class DecisionForm(forms.Form):
    status = forms.ChoiceField(choices=ApprovalStatus.choices)
    note = forms.CharField(label=_("Reason"), max_length=300, required=False)


class RecommenderForm(forms.ModelForm):
    contact_email = forms.EmailField(label=_("Contact's email (receives the invitation)"))
    contact_mobile = forms.CharField(
        label=_("Contact's mobile number"), max_length=11, required=False, validators=[validate_mobile]
    )

    class Meta:
        model = Recommender
        fields = ["name", "kind", "contact_name", "contact_phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_name"].required = True
        refuse_control_characters(self, "name", "contact_name")
        self.helper = FormHelper()
        self.helper.form_tag = False


class ExpertInviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    email = forms.EmailField(label=_("Email"))
    mobile = forms.CharField(label=_("Mobile number"), max_length=11, required=False, validators=[validate_mobile])
    organisation_name = forms.CharField(label=_("Employer"), max_length=150)
    title = forms.CharField(label=_("Professional title"), max_length=60, required=False)
    specialities = forms.CharField(label=_("Fields of expertise"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refuse_control_characters(self, "full_name", "organisation_name")
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        mobile, email = data.get("mobile"), (data.get("email") or "").lower()
        if mobile and User.objects.filter(mobile=mobile).exclude(email__iexact=email).exists():
            self.add_error("mobile", _("This mobile number belongs to another account."))
        return data


class GrantRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    recommender = forms.ModelChoiceField(
        label=_("Recommending organisation"), queryset=Recommender.objects.all(), required=False
    )
    can_decide = forms.BooleanField(
        label=_("Decides for the organisation"),
        required=False,
        help_text=_(
            "Recommends, declines, returns, ranks and hands in for the recommending organisation. Without it the "
            "person reviews and scores only; the organisation's first member always decides."
        ),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.all(), required=False, widget=forms.TextInput, help_text=_("Unit id")
    )

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.RECOMMENDER and not data.get("recommender"):
            self.add_error("recommender", _("Choose the recommending organisation."))
        if role == Role.UNIT and not data.get("unit"):
            self.add_error("unit", _("Give the unit."))
        if role == Role.GROUP:
            self.add_error("role", _("Group leaders register their own groups."))
        return data
