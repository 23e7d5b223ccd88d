"""The inbox of portal messages (every signed-in person) and the staff pages for the wording of notices.

Thin views: permission → form → service → redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from core.exceptions import BusinessRuleError
from core.views import paginate

from . import selectors, services
from .defaults import Wording
from .enums import Language
from .forms import LanguageForm, MailTemplateForm
from .placeholders import PLACEHOLDERS

inbox_required = permission_required("notifications.view_inbox", raise_exception=True)
manage_required = permission_required("notifications.manage_templates", raise_exception=True)


# --- Inbox ------------------------------------------------------------------------------------------------------


@never_cache
@login_required
@inbox_required
def inbox(request):
    page = paginate(request, selectors.inbox(request.user), per_page=30)
    language = selectors.language_of(request.user) or services.default_language()
    return render(
        request,
        "notifications/portalmessage_list.html",
        {"page": page, "language_form": LanguageForm(initial={"language": language})},
    )


@never_cache
@login_required
@inbox_required
def message_detail(request, pk):
    message = selectors.message_for(request.user, pk)
    services.message_mark_read(user=request.user, message=message)
    return render(request, "notifications/portalmessage_detail.html", {"message": message})


@never_cache
@login_required
@inbox_required
def badge(request):
    """The navbar's unread count, loaded by htmx after the page so that no page pays a query for it."""
    return render(request, "notifications/_badge.html", {"unread": selectors.unread_count(request.user)})


@require_POST
@login_required
@inbox_required
def mark_all_read(request):
    count = services.messages_mark_all_read(user=request.user)
    messages.success(request, _("%(count)s message(s) marked as read.") % {"count": count})
    return redirect("notifications:inbox")


@require_POST
@login_required
@inbox_required
def language(request):
    form = LanguageForm(request.POST)
    if form.is_valid():
        services.language_preference_set(user=request.user, language=form.cleaned_data["language"])
        messages.success(
            request,
            _("Notices will be written in %(language)s.") % {"language": Language(form.cleaned_data["language"]).label},
        )
    else:
        messages.error(request, _("Choose Chinese or English."))
    return redirect("notifications:inbox")


# --- Mail templates (staff) -------------------------------------------------------------------------------------

STAFF_SECTION = "awards"


@never_cache
@login_required
@manage_required
def template_list(request, programme_pk):
    programme = selectors.programme_for_templates(programme_pk)
    return render(
        request,
        "notifications/mailtemplate_list.html",
        {"staff_section": STAFF_SECTION, "programme": programme, "rows": selectors.notice_rows(programme)},
    )


@never_cache
@login_required
@manage_required
def template_edit(request, programme_pk, event):
    """Edit one notice of a programme: "preview" fills the typed text with sample data, "save" stores it."""
    programme = selectors.programme_for_templates(programme_pk)
    event = selectors.event_or_404(event)
    row = next(row for row in selectors.notice_rows(programme) if row.event == event)
    form = MailTemplateForm(
        request.POST if request.method == "POST" else None, initial=MailTemplateForm.initial_from(row.wording)
    )
    previews = []
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "save":
            try:
                services.mail_template_save(
                    actor=request.user, programme=programme, event=event, data=form.cleaned_data
                )
            except BusinessRuleError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("The notice “%(notice)s” of %(programme)s is saved.")
                    % {"notice": row.label, "programme": programme.name},
                )
                return redirect("notifications:template_list", programme_pk=programme.pk)
        wording = Wording(**{name: form.cleaned_data[name] for name in services.TEMPLATE_FIELDS})
        previews = [
            (Language(language).label, *services.preview(wording=wording, event=event, language=language))
            for language in (Language.ZH, Language.EN)
        ]
    return render(
        request,
        "notifications/mailtemplate_form.html",
        {
            "staff_section": STAFF_SECTION,
            "programme": programme,
            "row": row,
            "form": form,
            "previews": previews,
            "placeholders": PLACEHOLDERS,
        },
    )


@require_POST
@login_required
@manage_required
def template_reset(request, programme_pk, event):
    programme = selectors.programme_for_templates(programme_pk)
    event = selectors.event_or_404(event)
    if services.mail_template_reset(actor=request.user, programme=programme, event=event):
        messages.success(request, _("The default wording applies again."))
    return redirect("notifications:template_list", programme_pk=programme.pk)
