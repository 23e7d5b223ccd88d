"""`bootstrap_field` draws what crispy-bootstrap5 draws (the same elements, ids, classes and aria attributes), for
each plain widget, bound and unbound, with and without errors; other widgets go to crispy."""

import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.template import Context, Template


class Sample(forms.Form):
    title = forms.CharField(label="Topic", max_length=20, required=False, help_text="The name")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "data-max-length": 10}), required=False)
    amount = forms.DecimalField(required=False, widget=forms.NumberInput(attrs={"step": "any", "min": 0}))
    pick = forms.ChoiceField(choices=[("", "---"), ("a", "A")], required=False, help_text="Pick one")
    needed = forms.CharField(widget=forms.TextInput(attrs={"class": "font-monospace"}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    mail = forms.EmailField(required=False)
    agree = forms.BooleanField(required=False, label="I agree")


class Elements(HTMLParser):
    """The page as (tag, sorted attributes) and text, whitespace ignored: what a browser builds, not the bytes."""

    def __init__(self):
        super().__init__()
        self.items = []

    def handle_starttag(self, tag, attrs):
        classes = sorted(dict(attrs).get("class", "").split())
        self.items.append((tag, sorted((k, v) for k, v in attrs if k != "class"), classes))

    def handle_endtag(self, tag):
        self.items.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.items.append(("text", re.sub(r"\s+", " ", data.strip())))


def elements(html: str) -> list:
    parser = Elements()
    parser.feed(html)
    return parser.items


def drawn(form, name: str, how: str) -> str:
    library, filter_ = {
        "crispy": ("crispy_forms_filters", "as_crispy_field"),
        "fast": ("form_tags", "bootstrap_field"),
    }[how]
    return Template(f"{{% load {library} %}}{{{{ form.{name}|{filter_} }}}}").render(Context({"form": form}))


BAD = {"title": "x" * 30, "amount": "many", "pick": "zzz", "needed": "", "day": "31.02.", "mail": "nobody"}
GOOD = {"title": "QC", "body": "text", "amount": "1.5", "pick": "a", "needed": "yes", "day": "2026-07-12"}


@pytest.mark.parametrize("data", [None, BAD, GOOD], ids=["unbound", "errors", "valid"])
@pytest.mark.parametrize("name", [n for n in Sample.base_fields if n != "agree"])
def test_plain_widgets_are_drawn_as_crispy_draws_them(name, data):
    form = Sample(data)
    if data is not None:
        form.is_valid()
    assert elements(drawn(form, name, "fast")) == elements(drawn(form, name, "crispy"))


def test_errors_are_marked_on_the_input_and_listed_under_it():
    form = Sample(BAD)
    form.is_valid()
    html = drawn(form, "amount", "fast")
    assert 'class="numberinput form-control is-invalid"' in html
    assert 'aria-describedby="id_amount_error"' in html
    assert '<div id="id_amount_error" class="invalid-feedback"><p id="error_1_id_amount"><strong>' in html


def test_help_text_from_the_database_is_text_not_markup():
    class Typed(forms.Form):
        answer = forms.CharField(required=False, help_text='<img src=x onerror="alert(1)">')

    html = drawn(Typed(), "answer", "fast")
    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_a_check_box_is_handed_to_crispy():
    form = Sample()
    assert drawn(form, "agree", "fast") == drawn(form, "agree", "crispy")
