"""One Bootstrap 5 form field drawn in Python: `{{ form.title|bootstrap_field }}`.

For the forms people fill under deadline pressure (the application form: a dozen or more fields, saved again and
again in the last hour). crispy's `as_crispy_field` renders a large template per field and Django renders each
widget, attribute list and select option through templates of its own: together about 1.5 ms a field. This draws
the same markup as crispy-bootstrap5's field.html (ids, classes, aria attributes, error and help blocks) and as
Django's widget templates (input, textarea, select) for the plain widgets in a fraction of that, and hands any
other widget (check boxes, radios, files, or a widget with a template of its own) to crispy.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

# crispy-bootstrap5's classes by widget; looked up along the widget's class hierarchy, nearest first.
_WIDGET_CLASSES = {
    forms.Select: "select form-select",
    forms.Textarea: "textarea form-control",
    forms.NumberInput: "numberinput form-control",
    forms.DateInput: "dateinput form-control",
    forms.EmailInput: "emailinput form-control",
    forms.URLInput: "urlinput form-control",
    forms.PasswordInput: "passwordinput form-control",
    forms.TextInput: "textinput form-control",
}
# Widgets whose markup differs (a label after the box, one input per choice, a file button): crispy draws those.
_DELEGATED = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput)


# Django's templates for these widgets, drawn by `_widget_html` exactly as the templates would.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html" for name in ("input", "text", "number", "date", "email", "url", "password")
)
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attributes(attrs: dict):
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', value))
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _widget_html(field, attrs: dict):
    """The widget as `BoundField.as_widget(attrs=attrs)` renders it, without a template where Django's own would
    be used; None when the widget has a template of its own."""
    widget = field.field.widget
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    template_name = widget.template_name
    if template_name not in _INPUT_TEMPLATES and template_name not in (_TEXTAREA_TEMPLATE, _SELECT_TEMPLATE):
        return None
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name, value = context["name"], context["value"]
    if template_name == _TEXTAREA_TEMPLATE:
        return format_html('<textarea name="{}"{}>\n{}</textarea>', name, _attributes(context["attrs"]), value or "")
    if template_name == _SELECT_TEMPLATE:
        parts = []
        for group_name, options, _index in context["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                if option["template_name"] != _OPTION_TEMPLATE:
                    return None
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>',
                        option["value"],
                        _attributes(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append(mark_safe("\n  </optgroup>"))
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            _attributes(context["attrs"]),
            format_html_join("", "{}", ((part,) for part in parts)),
        )
    shown = "" if value is None else format_html(' value="{}"', value)
    return format_html('<input type="{}" name="{}"{}{}>', context["type"], name, shown, _attributes(context["attrs"]))


def _widget_class(widget) -> str | None:
    if isinstance(widget, _DELEGATED) or widget.is_hidden:
        return None
    for kind in type(widget).__mro__:
        if kind in _WIDGET_CLASSES:
            return _WIDGET_CLASSES[kind]
    return None


@register.filter
def bootstrap_field(field):
    """A bound field with its label, widget, errors and help text, as crispy-bootstrap5 draws it."""
    css = _widget_class(field.field.widget)
    if css is None:
        return as_crispy_field(field)
    id_ = field.auto_id
    errors = field.errors if field.form.is_bound else ()
    own = field.field.widget.attrs.get("class")
    attrs = {"class": f"{css} {own}" if own else css}
    described_by = [f"{id_}_helptext"] if field.help_text else []
    if errors:
        attrs.update({"class": f"{attrs['class']} is-invalid", "aria-invalid": "true"})
        described_by.append(f"{id_}_error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    required = field.field.required
    label = format_html(
        '<label for="{}" class="form-label{}">{}{}</label>',
        id_,
        " requiredField" if required else "",
        conditional_escape(field.label),
        mark_safe('<span class="asteriskField">*</span>') if required else "",
    )
    error_block = ""
    if errors:
        error_block = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            id_,
            format_html_join(
                "", '<p id="error_{}_{}"><strong>{}</strong></p>', ((n, id_, e) for n, e in enumerate(errors, 1))
            ),
        )
    help_block = ""
    if field.help_text:
        # Question help texts are typed by staff in the edition's setup: text, never markup.
        help_block = format_html('<div id="{}_helptext" class="form-text">{}</div>', id_, field.help_text)
    widget = _widget_html(field, dict(attrs))
    if widget is None:
        widget = field.as_widget(attrs=attrs)
    return format_html('<div id="div_{}" class="mb-3">{}{}{}{}</div>', id_, label, widget, error_block, help_block)
