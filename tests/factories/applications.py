"""Applications made through the real services, so each carries the timeline and audit rows the portal writes.

    edition = open_edition()                                   # tests.factories.awards: window open now
    group = eligible_group()                                   # approved, registered 400 days ago, 6 members
    application = draft_application(edition=edition, group=group)            # complete draft (answers + files)
    application = draft_application(edition=edition, group=group, complete=False)   # just created
    application = submitted_application(edition=edition)       # numbered, at the unit

Files: `pdf_bytes()` and `png_bytes()` are small valid files that the upload checks accept; `upload()` wraps bytes
as an uploaded file.
"""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import QCGroup, Unit
from applications import services
from applications.models import Application
from awards.enums import QuestionKind
from awards.models import Category, Edition

from .accounts import QCGroupFactory, UnitFactory
from .awards import open_edition

DEFAULT_TITLE = "降低数控车床加工件尺寸超差率"


# --- Files ------------------------------------------------------------------------------------------------------


def pdf_bytes(pages: int = 1, text: str = "") -> bytes:
    """A small valid PDF of blank A4 pages (`text` goes into its metadata, to make distinct files)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes(size=(40, 30), color=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- Applicants -------------------------------------------------------------------------------------------------


def eligible_group(unit: Unit | None = None, *, members: int = 6, **fields) -> QCGroup:
    """An approved QC group of an approved unit, registered long before any application window opened."""
    group = QCGroupFactory(unit=unit or UnitFactory(), members=members, **fields)
    QCGroup.objects.filter(pk=group.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    group.refresh_from_db()
    return group


def category_of(edition: Edition, code: str = "problem_solving") -> Category:
    return Category.objects.get(edition=edition, code=code)


def full_answers(edition: Edition, title: str = DEFAULT_TITLE) -> dict:
    """An answer to every question except the member table (filled from the group when the draft is created)."""
    answers = {}
    for question in edition.questions.all():
        if question.kind in (QuestionKind.MEMBER_TABLE, QuestionKind.FILE):
            continue
        if question.kind == QuestionKind.NUMBER:
            answers[question.code] = "48.5"
        elif question.kind == QuestionKind.DATE:
            answers[question.code] = "2026-01-15" if question.code.endswith("start") else "2026-05-30"
        elif question.kind == QuestionKind.CHOICE:
            answers[question.code] = question.choices[0] if question.choices else ""
        elif question.kind == QuestionKind.LONG_TEXT:
            answers[question.code] = f"{question.label}：围绕“{title}”开展小组活动，数据翔实，效果明显。"
        else:
            answers[question.code] = "陈志明" if "name" in question.code else "13816000002"
    return answers


def upload_required_files(application: Application, actor) -> None:
    for requirement in application.edition.attachment_requirements.filter(required=True):
        if "application/pdf" in requirement.allowed_types:
            data, name = pdf_bytes(text=requirement.code), f"{requirement.code}.pdf"
        else:
            data, name = png_bytes(), f"{requirement.code}.png"
        services.attachment_upload(
            actor=actor, application=application, requirement=requirement, uploaded_file=upload(name, data)
        )


def draft_application(
    *,
    edition: Edition | None = None,
    group: QCGroup | None = None,
    unit: Unit | None = None,
    actor=None,
    category: str = "problem_solving",
    title: str = DEFAULT_TITLE,
    complete: bool = True,
) -> Application:
    """A draft of a QC group (or, for unit programmes, of `unit`). `complete`: every answer and required file."""
    edition = edition or open_edition()
    if edition.programme.applicant_kind == "group":
        group = group or eligible_group(unit)
        actor = actor or group.leader
        unit = None
    else:
        unit = unit or UnitFactory()
        if actor is None:
            from .accounts import unit_contact

            actor = unit_contact(unit)
    application = services.application_create(
        actor=actor,
        edition=edition,
        category=category_of(edition, category),
        title=title,
        group=group,
        unit=unit,
    )
    if complete:
        application = services.application_save_draft(
            actor=actor,
            application=application,
            revision=application.revision,
            title=title,
            category=application.category,
            subtype=None,
            answers=full_answers(edition, title),
        )
        upload_required_files(application, actor)
    return Application.objects.get(pk=application.pk)


def submitted_application(**kwargs) -> Application:
    """A complete application submitted by its applicant: numbered, at the unit."""
    application = draft_application(**kwargs)
    return services.application_submit(actor=application.created_by, application=application)
