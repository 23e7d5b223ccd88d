"""Public notice pages (no sign-in, cached for anonymous visitors) and the staff pages that manage notices.
Thin views: permission → form → one service → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from core.exceptions import BusinessRuleError
from core.files import stored_file_response
from core.views import paginate

from . import selectors, services
from .cache import cached_fragment
from .forms import AttachmentForm, NoticeForm, PublicFilterForm, ScheduleForm

PER_PAGE = 20
STAFF_SECTION = "notices"
manage_required = permission_required("notices.manage_notices", raise_exception=True)


# --- Public ---------------------------------------------------------------------------------------------------------


def notice_list(request):
    def build():
        form = PublicFilterForm(request.GET or None, programmes=selectors.filter_programmes())
        page = paginate(request, selectors.public_notices(**form.filters()), per_page=PER_PAGE)
        html = render_to_string("notices/_notice_list.html", {"form": form, "page": page}, request=request)
        return html, selectors.next_due()

    query = request.GET.urlencode()
    fragment = cached_fragment(request, "list", (query,), build)
    return render(request, "notices/notice_list.html", {"fragment": fragment})


def notice_detail(request, pk):
    def build():
        notice = selectors.public_notice(pk)
        return render_to_string(
            "notices/_notice_detail.html", {"notice": notice}, request=request
        ), selectors.next_due()

    fragment = cached_fragment(request, "detail", (pk,), build)
    return render(request, "notices/notice_detail.html", {"fragment": fragment})


def attachment_download(request, pk):
    attachment = selectors.attachment_for(request.user, pk)
    return stored_file_response(attachment.file, filename=attachment.file_name, content_type=attachment.file_type)


# --- Staff ----------------------------------------------------------------------------------------------------------


def _render(request, template, context):
    return render(request, template, {"staff_section": STAFF_SECTION, **context})


@login_required
@manage_required
def staff_list(request):
    page = paginate(request, selectors.staff_notices(), per_page=PER_PAGE)
    return _render(request, "notices/notice_staff_list.html", {"page": page})


def _edit(request, notice):
    form = NoticeForm(request.POST if request.method == "POST" else None, instance=notice)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = services.sanitise_html(data["body"])
        else:
            fields = {k: data[k] for k in ("title", "body", "programme", "pinned")}
            if notice is None:
                notice = services.notice_create(actor=request.user, **fields)
                messages.success(request, _("The notice is saved as a draft."))
            else:
                notice = services.notice_update(actor=request.user, notice=notice, **fields)
                messages.success(request, _("The notice is saved."))
            return redirect("notices:staff_edit", notice.pk)
    context = {"form": form, "notice": notice, "preview": preview}
    if notice is not None:
        context |= {"schedule_form": ScheduleForm(), "attachment_form": AttachmentForm()}
    return _render(request, "notices/notice_form.html", context)


@login_required
@manage_required
def staff_create(request):
    return _edit(request, None)


@login_required
@manage_required
def staff_edit(request, pk):
    return _edit(request, selectors.staff_notice(pk))


@login_required
@manage_required
@require_POST
def staff_publish(request, pk):
    notice = services.notice_publish(actor=request.user, notice=selectors.staff_notice(pk))
    messages.success(request, _("“%(title)s” is published.") % {"title": notice.title})
    return redirect("notices:staff_edit", notice.pk)


@login_required
@manage_required
@require_POST
def staff_schedule(request, pk):
    notice = selectors.staff_notice(pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        notice = services.notice_publish(actor=request.user, notice=notice, publish_at=form.cleaned_data["publish_at"])
        messages.success(request, _("“%(title)s” is scheduled.") % {"title": notice.title})
    else:
        messages.error(request, " ".join(form.errors.get("publish_at", [])) or _("Enter a valid time."))
    return redirect("notices:staff_edit", notice.pk)


@login_required
@manage_required
@require_POST
def staff_withdraw(request, pk):
    try:
        notice = services.notice_withdraw(actor=request.user, notice=selectors.staff_notice(pk))
    except BusinessRuleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(title)s” is withdrawn.") % {"title": notice.title})
    return redirect("notices:staff_edit", pk)


@login_required
@manage_required
@require_POST
def staff_attachment_add(request, pk):
    notice = selectors.staff_notice(pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            attachment = services.notice_attachment_add(
                actor=request.user, notice=notice, uploaded_file=form.cleaned_data["file"]
            )
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s attached.") % {"name": attachment.file_name})
    return redirect("notices:staff_edit", notice.pk)


@login_required
@manage_required
@require_POST
def staff_attachment_remove(request, pk):
    attachment = selectors.staff_attachment(pk)
    services.notice_attachment_remove(actor=request.user, attachment=attachment)
    messages.success(request, _("%(name)s removed.") % {"name": attachment.file_name})
    return redirect("notices:staff_edit", attachment.notice_id)
