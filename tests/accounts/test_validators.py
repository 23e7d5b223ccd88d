import pytest
from django.core.exceptions import ValidationError

from accounts.validators import credit_code_check_char, validate_credit_code, validate_mobile
from tests.factories import credit_code

pytestmark = pytest.mark.unit

# Computed by hand from GB 32100-2015: 91 (enterprise) + 310104 (Xuhui district) + MA1FP7RK3 (an organisation code
# with its GB 11714 check digit). With M=21, A=10, F=15, P=23, R=25, K=19 (the 31-character alphabet has no I, O, S,
# V, Z) the weighted sum of the 17 characters is 2346; 2346 mod 31 = 21; 31 - 21 = 10, the value of "A".
REAL_FORMAT_CODE = "91310104MA1FP7RK3A"


def test_credit_code_check_char_real_format_example():
    assert credit_code_check_char(REAL_FORMAT_CODE[:17]) == "A"


@pytest.mark.parametrize(
    "code",
    [
        REAL_FORMAT_CODE,
        "91310115MA1K4L9T0G",
        credit_code(1),
        credit_code(99999, division="310151"),
        " 91310104ma1fp7rk3a ",  # pasted with spaces and in lower case
    ],
)
def test_validate_credit_code_valid(code):
    assert validate_credit_code(code) is None


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91310104MA1FP7RK3", "credit_code_length"),
        ("91310104MA1FP7RK3A0", "credit_code_length"),
        ("", "credit_code_length"),
        ("91310104MA1FP7RKIA", "credit_code_chars"),
        ("91310104MA1FP7RKOA", "credit_code_chars"),
        ("91310104MA1FP7RK3S", "credit_code_chars"),
        ("91310104MA1FP7RK-A", "credit_code_chars"),
        ("91310104MA1FP7RK3B", "credit_code_checksum"),
        ("91310104MA1FP7RK4A", "credit_code_checksum"),
    ],
)
def test_validate_credit_code_invalid(code, error_code):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    assert excinfo.value.code == error_code


def test_validate_credit_code_checksum_message():
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code("91310104MA1FP7RK3B")
    assert excinfo.value.messages == [
        "This unified social credit code fails its check digit; please check it against the business licence."
    ]


@pytest.mark.parametrize("mobile", ["13812345678", "19912345678", "15000000000"])
def test_validate_mobile_valid(mobile):
    assert validate_mobile(mobile) is None


@pytest.mark.parametrize(
    "mobile", ["12812345678", "1381234567", "138123456789", "", "+8613812345678", "138 1234 5678", "021-63210000"]
)
def test_validate_mobile_invalid(mobile):
    with pytest.raises(ValidationError) as excinfo:
        validate_mobile(mobile)
    assert excinfo.value.code == "mobile"
    assert excinfo.value.messages == ["Enter an 11-digit mainland mobile number, e.g. 13812345678."]
