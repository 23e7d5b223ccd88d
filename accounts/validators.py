import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import is_invisible_control

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")

# GB 32100-2015: 31 characters (no I, O, Z, S, V) and the weights of positions 1-17.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value or ""):
        raise ValidationError(_("Enter an 11-digit mainland mobile number, e.g. 13812345678."), code="mobile")


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code whose first 17 characters are given."""
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="credit_code_length")
    if any(c not in CREDIT_CODE_CHARS for c in code):
        raise ValidationError(
            _("A unified social credit code uses digits and capital letters except I, O, Z, S and V."),
            code="credit_code_chars",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("This unified social credit code fails its check digit; please check it against the business licence."),
            code="credit_code_checksum",
        )


# Phones: a mainland mobile number, or a landline with its area code (0xx or 0xxx, optionally in brackets) and 7-8
# digits, separated by nothing, "-" or a space, with an optional extension ("-123" or "转123").
LANDLINE_RE = re.compile(r"^(?:0\d{2,3}|[(（]0\d{2,3}[)）])[- ]?\d{7,8}(?:(?:-|\s*转\s*)\d{1,6})?$")
PHONE_MESSAGE = _(
    "Enter a mainland mobile number such as 13812345678, or a landline with its area code such as 021-62345678 "
    "(an extension may follow: 021-62345678-123 or 021-62345678转123)."
)


def is_phone(value: str) -> bool:
    value = (value or "").strip()
    return bool(MOBILE_RE.match(value) or LANDLINE_RE.match(value))


def validate_phone(value: str) -> None:
    """A contact phone: a mainland mobile number or a landline with its area code (and optional extension)."""
    if not is_phone(value):
        raise ValidationError(PHONE_MESSAGE, code="phone")


def validate_not_future(value) -> None:
    """A date that has already happened (today is allowed), e.g. when a group was founded."""
    if value and value > timezone.localdate():
        raise ValidationError(
            _("This date is in the future; give a date up to today (%(today)s).")
            % {"today": f"{timezone.localdate():%Y-%m-%d}"},
            code="future",
        )


def validate_plain_name(value: str) -> None:
    """Refuse a name with invisible control characters: a right-to-left override (U+202E) or another bidi, format
    or control character would make the name, and the download file names built from it, display differently
    from what it is (e.g. "invoice<U+202E>gpj.exe" shows as "invoiceexe.jpg")."""
    if any(is_invisible_control(char) for char in value or ""):
        raise ValidationError(
            _(
                "This name contains invisible control characters (such as text-direction marks), often copied along "
                "with the text. Type the name again without them."
            ),
            code="control_characters",
        )
