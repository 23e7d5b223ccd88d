"""`{% row_url %}` gives what `{% url %}` gives for a row's pk, without reversing for every row."""

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse

from core.templatetags.row_urls import row_url_for

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("name", ["applications:detail", "recommenders:unit_application", "reviews:expert_accept"])
@pytest.mark.parametrize("pk", [1, 7, 1234567, "42"])
def test_row_url_equals_reverse(name, pk):
    assert row_url_for(name, pk) == reverse(name, args=[pk])


def test_row_url_tag_renders_like_url_tag():
    template = engines["django"].from_string(
        "{% load row_urls %}{% for pk in pks %}{% row_url 'applications:detail' pk %}|"
        "{% url 'applications:detail' pk %};{% endfor %}"
    )
    for pair in template.render({"pks": [3, 30, 300]}).rstrip(";").split(";"):
        fast, slow = pair.split("|")
        assert fast == slow


def test_row_url_refuses_a_url_without_a_single_pk():
    with pytest.raises(NoReverseMatch):  # staff_list takes no argument
        row_url_for("applications:staff_list", 1)


def test_row_url_refuses_a_pk_that_is_not_a_number():
    with pytest.raises(ValueError):
        row_url_for("applications:detail", "1/../../admin")
