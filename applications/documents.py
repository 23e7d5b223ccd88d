"""The application form (申报表) as PDF, registered with the documents app.

The builder is pure: it reads the application with everything the form prints and returns the PDF's bytes.
The form is an official Chinese document, so it is always rendered in Chinese, whatever language the person
who asked for it uses. Its version changes with every saved draft (`revision`), status, current attachment and
co-applicant, so a preview always shows what was typed last.
"""

import hashlib

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from awards.enums import QuestionKind
from awards.models import Phase
from documents import registry
from documents.pdf import render_pdf, verification_context

from .enums import Status
from .models import Application, Attachment
from .selectors import answer_rows, applications_visible_to

APPLICATION_FORM = "application_form"
TEMPLATE = "applications/application_form_pdf.html"
# The form is always Chinese: its own words for the states, independent of the UI's message catalogue.
STATUS_LABELS = {
    Status.DRAFT: "草稿（未提交）",
    Status.SUBMITTED: "已提交，待单位推荐",
    Status.RETURNED_TO_GROUP: "已退回修改",
    Status.ENDORSED: "单位已推荐，待推荐单位审核",
    Status.RETURNED_TO_UNIT: "已退回单位",
    Status.RECOMMENDED: "已推荐至市质协",
    Status.DECLINED: "未获推荐",
    Status.WITHDRAWN: "已撤回",
}


def application_for_form(pk) -> Application:
    """The application with everything the form prints, in a fixed number of queries."""
    return (
        Application.objects.select_related(
            "edition__programme", "category", "subtype", "group", "unit", "unit__recommender"
        )
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(is_current=True).select_related("requirement"),
                to_attr="current_attachments",
            ),
            "co_applicants__unit",
            "edition__questions",
            "edition__attachment_requirements",
            Prefetch("edition__phases", queryset=Phase.objects.order_by("starts_at")),
            "group__members",
        )
        .get(pk=pk)
    )


def form_context(application: Application) -> dict:
    """Everything the form prints, from one application loaded with `application_for_form`."""
    edition = application.edition
    attachments = {a.requirement_id: a for a in application.current_attachments}
    members, questions = [], []
    # The same rows as the pages' answers (applications/_answers.html); the member table has its own section.
    for row in answer_rows(application, attachments=application.current_attachments):
        if row.kind == QuestionKind.MEMBER_TABLE:
            members = list(row.members)
        else:
            questions.append(row)
    if not members and application.group_id:
        members = [
            {"name": m.name, "job_title": m.job_title, "role_in_group": m.role_in_group}
            for m in application.group.members.all()
        ]
    requirement_rows = [
        {"requirement": requirement, "attachment": attachments.get(requirement.pk)}
        for requirement in edition.attachment_requirements.all()
    ]
    submitted = application.status != Status.DRAFT and bool(application.number)
    return {
        "application": application,
        "edition": edition,
        "programme": edition.programme,
        "category": application.category,
        "subtype": application.subtype,
        "group": application.group,
        "unit": application.unit,
        "members": members,
        "questions": questions,
        "co_applicants": list(application.co_applicants.all()),
        "accepts_co_applicants": edition.programme.accepts_co_applicants,
        "requirement_rows": requirement_rows,
        "status_label": STATUS_LABELS.get(application.status, application.status),
        "watermark": "" if submitted else "草稿 / 预览",
        "running_header": application.number or "草稿（未提交）",
        "printed_at": timezone.localtime(),
        "submitted_at": timezone.localtime(application.submitted_at) if application.submitted_at else None,
    }


def build_application_form(application: Application, document) -> bytes:
    loaded = application_for_form(application.pk)
    with translation.override(settings.LANGUAGE_CODE):
        context = {**form_context(loaded), **verification_context(document)}
        return render_pdf(TEMPLATE, context)


def application_form_version(application: Application) -> str:
    """What the form reflects: the saved revision and status, plus the current files and co-applicants, which
    are saved without a new revision."""
    files = list(application.attachments.filter(is_current=True).order_by("pk").values_list("pk", "sha256"))
    partners = list(
        application.co_applicants.order_by("pk").values_list(
            "pk", "unit_id", "organisation_name", "role", "contact_name", "contact_phone", "contact_email"
        )
    )
    digest = hashlib.sha256(repr((application.number, files, partners)).encode()).hexdigest()[:16]
    return f"r{application.revision}-{application.status}-{digest}"


def application_form_filename(application: Application) -> str:
    return f"{application.number or '草稿'}-申报表.pdf"


registry.register(
    APPLICATION_FORM,
    label=_("Application form"),
    model=Application,
    build=build_application_form,
    filename=application_form_filename,
    mime_type=registry.PDF,
    permission="applications.view_application",
    scope=applications_visible_to,
    version=application_form_version,
)
