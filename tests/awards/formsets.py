"""Turn the formset a page rendered into the POST data a browser would send back, to change and submit."""

import datetime


def _browser_value(bound_field):
    value = bound_field.value()
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if value is None:
        return ""
    return str(value)


def formset_data(formset) -> dict:
    """Every field of every form as the page shows it; unticked checkboxes are left out, as browsers do."""
    data = {}
    management = formset.management_form
    for name in management.fields:
        data[management.add_prefix(name)] = management[name].value()
    for form in formset.forms:
        for bound in form:
            if bound.widget_type == "checkbox":
                if bound.value():
                    data[bound.html_name] = "on"
                continue
            if bound.widget_type == "checkboxselectmultiple":
                if bound.value():
                    data[bound.html_name] = _browser_value(bound)
                continue
            data[bound.html_name] = _browser_value(bound)
    return data


def row_of(formset, **match) -> int:
    """The index of the form whose instance has these attribute values."""
    for index, form in enumerate(formset.forms):
        if form.instance.pk and all(getattr(form.instance, k) == v for k, v in match.items()):
            return index
    raise LookupError(match)


def extra_row(formset) -> int:
    """The index of the first empty form (for a new row)."""
    return next(i for i, form in enumerate(formset.forms) if not form.instance.pk)
