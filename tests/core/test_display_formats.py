"""Upload refusals name file kinds people know; scores show one format everywhere."""

import struct
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.exceptions import BusinessRuleError
from core.files import type_name, validate_file
from core.templatetags.format_tags import score

pytestmark = [pytest.mark.unit]

PDF = "application/pdf"


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"just some notes\nline two\n", "plain text"),
        (b"<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>", "HTML web page"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + struct.pack("<HHI", 2, 0x3E, 1) + b"\x00" * 100, "executable program"),
        (bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 600, "Office 97-2003 document"),
    ],
    ids=["text", "html", "exe", "ole"],
)
def test_refused_upload_names_the_kind_of_file_not_its_content_type(data, found):
    with translation.override("en"), pytest.raises(BusinessRuleError) as error:
        validate_file(data=data, allowed_types=[PDF], max_mb=5, label="成果报告")
    message = str(error.value)
    assert error.value.code == "type"
    assert f"(its content is {found})" in message
    assert "text/" not in message and "application/" not in message


def test_type_names_fall_back_to_a_family_and_never_to_the_raw_type():
    with translation.override("en"):
        assert type_name("application/pdf") == "PDF"
        assert type_name("application/msword") == "Word 97-2003 document (doc)"
        assert type_name("application/zip") == "ZIP"
        assert type_name("text/x-c") == "a text file"
        assert type_name("image/x-icon") == "an image of another format"
        assert type_name("application/x-something") == "a file of another kind"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(86, "86.00"), (Decimal("82.0"), "82.00"), (82.5, "82.50"), ("78.125", "78.13"), (0, "0.00"), (None, "—")],
)
def test_scores_always_show_two_decimals(value, shown):
    assert score(value) == shown


def test_score_filter_in_a_template_with_an_empty_text():
    template = Template('{% load format_tags %}{{ a|score }} {{ b|score }} {{ c|score:"" }}|')
    assert template.render(Context({"a": 86, "b": Decimal("82.00"), "c": None})) == "86.00 82.00 |"
