"""{% document_widget kind obj %}: a document's status (polling while it builds) or the button that requests it.

    {% load documents_tags %}
    {% document_widget "application_form" application %}
    {% document_widget "application_form" application button_label=_("Print the form") %}

One query per call: in a list of many owners, fetch the documents with a selector instead.
"""

from django import template

from .. import registry, selectors

register = template.Library()


@register.inclusion_tag("documents/_document_widget.html", takes_context=True)
def document_widget(context, kind, obj, button_label=None):
    entry = registry.get(kind)
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "kind": kind,
        "object_id": obj.pk,
        "kind_label": entry.label,
        "button_label": button_label,
        "document": selectors.document_for(kind, obj),
    }
