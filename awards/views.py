"""Staff console for programmes and editions, and the published information of an edition.

Thin views: permission → form → service → redirect. Every configuration page is for `awards.manage_editions`.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, ProtectedError
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from rules.contrib.views import permission_required

from core.audit import audit_for
from core.exceptions import BusinessRuleError
from core.views import paginate

from . import forms, selectors, services

manage_required = permission_required("awards.manage_editions", raise_exception=True)

STAFF_SECTION = "awards"


def _render(request, template, context):
    return render(request, template, {"staff_section": STAFF_SECTION, **context})


@login_required
@manage_required
def programme_list(request):
    return _render(request, "awards/programme_list.html", {"programmes": selectors.staff_programmes()})


@login_required
@manage_required
def programme_create(request):
    form = forms.ProgrammeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        programme = services.programme_create(actor=request.user, data=form.cleaned_data)
        messages.success(
            request, _("Programme “%(programme)s” created. Add its first edition.") % {"programme": programme}
        )
        return redirect("awards:programme_list")
    return _render(request, "awards/programme_form.html", {"form": form, "programme": None})


@login_required
@manage_required
def programme_edit(request, pk):
    programme = selectors.programme_for_editing(pk)
    name = programme.name  # for the heading: a bound form writes what was typed onto `programme`
    code_locked = selectors.programme_code_locked(programme)
    form = forms.ProgrammeForm(
        request.POST if request.method == "POST" else None, instance=programme, code_locked=code_locked
    )
    if request.method == "POST" and form.is_valid():
        try:
            # The form wrote its values onto `programme`: the service reads the stored row again under a lock.
            programme = services.programme_update(actor=request.user, programme=programme, data=form.cleaned_data)
        except BusinessRuleError as error:
            form.add_error("code" if error.code == "code_locked" else None, error.message)
        else:
            messages.success(request, _("Programme “%(programme)s” saved.") % {"programme": programme})
            return redirect("awards:programme_list")
    return _render(request, "awards/programme_form.html", {"form": form, "programme": programme, "name": name})


@login_required
@manage_required
def edition_list(request):
    status = request.GET.get("status", "")
    if status not in selectors.EditionStatus.values:
        status = ""
    editions = selectors.staff_editions(status=status)
    return _render(
        request,
        "awards/edition_list.html",
        {
            "page": paginate(request, editions),
            "status": status,
            # (value, label, chosen): the filter's tabs, the chosen one marked here rather than in the template
            "statuses": [(value, label, value == status) for value, label in selectors.EditionStatus.choices],
        },
    )


@login_required
@manage_required
def edition_create(request, programme_pk):
    programme = selectors.programme_for_staff(programme_pk)
    form = forms.EditionCreateForm(request.POST if request.method == "POST" else None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["source"]:
                edition = services.edition_copy(
                    actor=request.user, source=data["source"], year=data["year"], title=data["title"]
                )
            else:
                edition = services.edition_create(
                    actor=request.user, programme=programme, year=data["year"], title=data["title"]
                )
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Edition “%(edition)s” created. Check its schedule and rules.") % {"edition": edition}
            )
            return redirect("awards:edition_detail", pk=edition.pk)
    return _render(request, "awards/edition_create.html", {"programme": programme, "form": form})


@login_required
@manage_required
def edition_detail(request, pk):
    edition = selectors.edition_for_staff(pk)
    return _render(
        request,
        "awards/edition_detail.html",
        {
            "edition": edition,
            "audit": audit_for(edition)[:20],
            "rule_rows": _rule_rows(edition),
            "now": timezone.now(),
        },
    )


def _rule_rows(edition):
    """(label, value) of every rule and quota, labelled by the model's own verbose names."""
    rows = []
    for name in services.EDITION_RULE_FIELDS:
        if name in ("title", "title_en", "notice", "notice_en"):
            continue
        field = edition._meta.get_field(name)
        rows.append((name, field.verbose_name, getattr(edition, name)))
    return rows


@login_required
@manage_required
def edition_rules(request, pk):
    edition = selectors.edition_for_editing(pk)
    form = forms.EditionRulesForm(request.POST if request.method == "POST" else None, instance=edition)
    if request.method == "POST" and form.is_valid():
        try:
            services.edition_update(actor=request.user, edition=edition, data=form.cleaned_data)
        except BusinessRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Rules and quotas saved."))
            return redirect("awards:edition_detail", pk=edition.pk)
    return _render(request, "awards/edition_rules.html", {"edition": edition, "form": form, "tab": "rules"})


@dataclass(frozen=True)
class ConfigPage:
    """One formset page of an edition: its rows, its words, and how it saves (`action` None = the schedule)."""

    tab: str
    formset_class: type
    title: str
    saved: str
    action: str | None = None
    intro: str = ""
    prefetch: tuple = ()
    ordering: tuple = ()
    # Deleting rows is refused while records use them, and otherwise asks to confirm (categories).
    confirm_deletes: bool = False

    def save(self, request, edition, formset):
        if self.action is None:
            services.phases_save(actor=request.user, edition=edition, formset=formset)
        else:
            services.config_rows_save(actor=request.user, edition=edition, formset=formset, action=self.action)


PAGES = {
    "schedule": ConfigPage(
        tab="schedule",
        formset_class=forms.PhaseFormSet,
        title=gettext_lazy("Schedule"),
        saved=gettext_lazy("Schedule saved."),
        intro=gettext_lazy(
            "Dates and times are Beijing time (Asia/Shanghai). A phase is open from its start up to, but not "
            "including, its end: an application window ending 12 July 22:00 accepts submissions until 21:59."
        ),
    ),
    "questions": ConfigPage(
        tab="questions",
        formset_class=forms.QuestionFormSet,
        title=gettext_lazy("Questions of the application form"),
        saved=gettext_lazy("Questions saved."),
        action="edition.questions_changed",
        intro=gettext_lazy(
            "The base questions are shared by every programme: their code and kind are fixed and they cannot be "
            "deleted. Answers are stored under the code."
        ),
    ),
    "attachments": ConfigPage(
        tab="attachments",
        formset_class=forms.AttachmentRequirementFormSet,
        title=gettext_lazy("Required files"),
        saved=gettext_lazy("Required files saved."),
        action="edition.attachments_changed",
    ),
    "categories": ConfigPage(
        tab="categories",
        formset_class=forms.CategoryFormSet,
        title=gettext_lazy("Categories"),
        saved=gettext_lazy("Categories saved."),
        action="edition.categories_changed",
        confirm_deletes=True,
        # Each top-level category followed by its sub-types.
        ordering=(
            Coalesce("parent__position", "position"),
            Coalesce("parent_id", "id"),
            F("parent_id").asc(nulls_first=True),
            "position",
            "id",
        ),
        intro=gettext_lazy(
            "Sub-types hang under a top-level category; quotas “per category type” count top-level categories. "
            "A new category can be chosen as a parent once it is saved."
        ),
    ),
    "rubrics": ConfigPage(
        tab="rubrics",
        formset_class=forms.RubricFormSet,
        title=gettext_lazy("Rubrics"),
        saved=gettext_lazy("Rubrics saved."),
        action="edition.rubrics_changed",
        prefetch=("items",),
        intro=gettext_lazy("Name the rubrics here; open a rubric to edit its items and points."),
    ),
}


def _in_use_message(error: ProtectedError) -> str:
    used = sorted({str(obj) for obj in error.protected_objects})[:5]
    return _("Not saved: a row you deleted is used by existing records (%(used)s). Keep it, or rename it.") % {
        "used": "、".join(used)
    }


def _config_page(request, pk, page_key):
    page = PAGES[page_key]
    edition = selectors.edition_for_editing(pk)
    rows = selectors.edition_rows(page.formset_class.model, edition, prefetch=page.prefetch, ordering=page.ordering)
    formset = page.formset_class(
        request.POST if request.method == "POST" else None,
        instance=edition,
        queryset=rows,
        prefix=page.tab,
        form_kwargs={"edition": edition},
    )
    confirm_delete = []
    if request.method == "POST" and formset.is_valid():
        deleting = [f.instance for f in formset.deleted_forms if f.instance.pk] if page.confirm_deletes else []
        try:
            if deleting:
                services.category_delete_check(deleting)
        except BusinessRuleError as error:
            formset.non_form_errors().append(error.message)
        else:
            if deleting and request.POST.get("confirm_delete") != "1":
                confirm_delete = deleting
            else:
                try:
                    page.save(request, edition, formset)
                except ProtectedError as error:
                    messages.error(request, _in_use_message(error))
                else:
                    messages.success(request, str(page.saved))
                    return redirect(request.path)
    return _render(
        request,
        "awards/edition_config.html",
        {"edition": edition, "formset": formset, "page": page, "tab": page.tab, "confirm_delete": confirm_delete},
    )


@login_required
@manage_required
def edition_schedule(request, pk):
    return _config_page(request, pk, "schedule")


@login_required
@manage_required
def edition_questions(request, pk):
    return _config_page(request, pk, "questions")


@login_required
@manage_required
def edition_attachments(request, pk):
    return _config_page(request, pk, "attachments")


@login_required
@manage_required
def edition_categories(request, pk):
    return _config_page(request, pk, "categories")


@login_required
@manage_required
def edition_rubrics(request, pk):
    return _config_page(request, pk, "rubrics")


@login_required
@manage_required
def rubric_items(request, pk):
    rubric = selectors.rubric_for_staff(pk)
    edition = rubric.edition
    formset = forms.RubricItemFormSet(
        request.POST if request.method == "POST" else None, instance=rubric, prefix="items"
    )
    if request.method == "POST" and formset.is_valid():
        try:
            # Rubric items are rows of the edition's configuration too; the audit entry goes on the edition.
            services.config_rows_save(
                actor=request.user, edition=edition, formset=formset, action="edition.rubric_items_changed"
            )
        except ProtectedError as error:
            messages.error(request, _in_use_message(error))
        else:
            messages.success(request, _("Items of “%(rubric)s” saved.") % {"rubric": rubric.localized("name")})
            return redirect(request.path)
    return _render(
        request,
        "awards/rubric_items.html",
        {"edition": edition, "rubric": rubric, "formset": formset, "tab": "rubrics"},
    )


@login_required
@manage_required
def edition_statistics(request, pk):
    edition = selectors.edition_for_editing(pk)
    formset = forms.StatisticsFieldFormSet(
        request.POST if request.method == "POST" else None,
        initial=edition.statistics_fields or [],
        prefix="statistics",
    )
    if request.method == "POST" and formset.is_valid():
        try:
            services.edition_statistics_fields_save(actor=request.user, edition=edition, fields=formset.fields_list())
        except BusinessRuleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Activity statistics fields saved."))
            return redirect(request.path)
    return _render(
        request,
        "awards/edition_statistics.html",
        {
            "edition": edition,
            "formset": formset,
            "reported": selectors.edition_reported_statistics_codes(edition),
            "tab": "statistics",
        },
    )


@require_GET
def edition_info(request, pk):
    """An edition's public page: notice, schedule (Beijing time), categories, files and how to apply; no sign-in."""
    edition = selectors.edition_info(pk)
    if not request.user.has_perm("awards.view_edition", edition):
        raise Http404
    return render(request, "awards/edition_info.html", {"edition": edition})
