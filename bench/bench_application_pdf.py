"""The application form PDF (申报表) against the floor: one A4 page with the same CJK font straight through WeasyPrint.

Runs on `saq_portal.settings.local` with a throw-away SQLite database and media folder in a temporary directory
(no PostgreSQL or Redis needed; the builder's queries are the same few on either database). It migrates that
database, creates a realistic application (10 members, every answer filled with a few hundred Chinese characters,
3 current attachments, and the edition's default questions), builds the form once through the documents app (so
the verification QR code and link are real), then times the builder (load + template + WeasyPrint) `--runs`
times, interleaved with as many renders of the floor (`bench/bench_pdf_floor.py`). Prints both medians and their
ratio.

    .venv/bin/python bench/bench_application_pdf.py             # median of 20 each
    .venv/bin/python bench/bench_application_pdf.py --runs 50 --keep var/bench-application.pdf
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TEXT = (
    "本小组针对数控车床加工的轴类零件外圆尺寸超差率偏高的问题，运用质量管理小组活动程序，"
    "通过现状调查发现尺寸超差主要集中在精车工序，占全部不合格的百分之七十八点六。小组成员经过头脑风暴，"
    "从人、机、料、法、环、测六个方面分析原因，绘制关联图，确定刀具磨损补偿不及时、工件装夹定位误差大、"
    "切削参数不合理三条要因，并逐条制定对策：建立刀具寿命管理和自动补偿机制，设计专用液压夹具，"
    "通过正交试验优化切削速度、进给量和背吃刀量。对策实施后，外圆尺寸超差率由百分之三点二降低到百分之零点六，"
    "优于课题目标，年节约返工和报废成本约四十八万元，并将新的作业指导书和刀具管理办法纳入公司标准化体系，"
    "在兄弟车间推广应用，取得了良好的经济效益和社会效益。"
)


def setup_django(workdir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "saq_portal.settings.local"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["REDIS_URL"] = ""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_application():
    """A submitted-looking QC application with everything the form prints."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.enums import ApprovalStatus, Role
    from accounts.models import GroupMember, Membership, QCGroup, Recommender, Unit, User
    from applications import services
    from applications.models import Application
    from awards.enums import PhaseKind, ProgrammeKind, QuestionKind
    from awards.models import AttachmentRequirement, Programme
    from awards.services import edition_create
    from documents.pdf import html_to_pdf

    now = timezone.now()
    staff = User.objects.create_user("bench-staff@example.test", "x", full_name="秘书处")
    programme = Programme.objects.create(
        code="qc", name="上海市质量管理小组活动成果", kind=ProgrammeKind.QC_ACHIEVEMENT, applicant_kind="group"
    )
    edition = edition_create(actor=staff, programme=programme, year=now.year)
    phase = edition.phases.get(kind=PhaseKind.APPLICATION)
    phase.starts_at, phase.ends_at = now - datetime.timedelta(days=10), now + datetime.timedelta(days=10)
    phase.save()
    recommender = Recommender.objects.create(name="浦东新区市场监督管理局", kind="district")
    unit = Unit.objects.create(
        name="上海华瑞精密机械有限公司",
        credit_code="91310115MA1K4LBN2X",
        address="上海市浦东新区张江路1188号",
        contact_name="李建华",
        contact_phone="021-58881234",
        recommender=recommender,
        status=ApprovalStatus.APPROVED,
    )
    leader = User.objects.create_user("bench-leader@example.test", "x", full_name="陈志明")
    group = QCGroup.objects.create(
        unit=unit,
        name="精益求精QC小组",
        registration_number="PD-2024-0117",
        founded_on=datetime.date(2021, 3, 1),
        leader=leader,
        status=ApprovalStatus.APPROVED,
    )
    QCGroup.objects.filter(pk=group.pk).update(created_at=now - datetime.timedelta(days=400))
    Membership.objects.create(user=leader, role=Role.GROUP, group=group)
    roles = ["组长", "副组长", "数据分析", "现场实施", "工艺改进", "质量检验", "设备保障", "记录整理", "成员", "顾问"]
    for i, role in enumerate(roles):
        GroupMember.objects.create(
            group=group, name=f"成员{'一二三四五六七八九十'[i]}", job_title="工程师", role_in_group=role, position=i
        )
    group.refresh_from_db()
    category = edition.categories.get(code="problem_solving")
    application = services.application_create(
        actor=leader,
        edition=edition,
        category=category,
        subtype=edition.categories.get(code="problem_solving_onsite"),
        title="降低数控车床加工轴类零件外圆尺寸超差率",
        group=group,
    )
    answers = dict(application.answers)
    for question in edition.questions.all():
        if question.kind == QuestionKind.LONG_TEXT:
            answers[question.code] = TEXT
        elif question.kind == QuestionKind.TEXT:
            answers[question.code] = "陈志明" if "name" in question.code else "13816000002"
        elif question.kind == QuestionKind.NUMBER:
            answers[question.code] = "48.5"
        elif question.kind == QuestionKind.DATE:
            answers[question.code] = "2025-03-01" if "start" in question.code else "2025-12-20"
        elif question.kind == QuestionKind.CHOICE:
            answers[question.code] = question.choices[0]
    services.application_save_draft(
        actor=leader,
        application=application,
        revision=application.revision,
        title=application.title,
        category=category,
        subtype=application.subtype,
        answers=answers,
    )
    pdf = html_to_pdf("<html><body><p>成果报告</p></body></html>")
    for requirement in AttachmentRequirement.objects.filter(edition=edition):
        data = pdf if "application/pdf" in requirement.allowed_types else None
        if data is None:  # the Word-only requirement gets a minimal docx
            import io
            import zipfile

            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                archive.writestr("[Content_Types].xml", "<Types/>")
                archive.writestr("word/document.xml", "<document/>")
            data = buffer.getvalue()
        services.attachment_upload(
            actor=leader,
            application=application,
            requirement=requirement,
            uploaded_file=SimpleUploadedFile(f"{requirement.code}.bin", data + requirement.code.encode()),
        )
    return Application.objects.get(pk=application.pk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", help="also write one rendered application form to this path")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="saq-bench-") as tmp:
        setup_django(Path(tmp))
        from bench_pdf_floor import render_floor_pdf

        from applications.documents import APPLICATION_FORM
        from documents import registry
        from documents.services import document_build_now

        application = make_application()
        document = document_build_now(kind=APPLICATION_FORM, obj=application)
        assert document.status == "ready", document.error
        entry = registry.get(APPLICATION_FORM)
        data = entry.build(application, document)
        if args.keep:
            Path(args.keep).write_bytes(data)
        import io

        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(data)).pages)

        render_floor_pdf()  # warm-up, as bench_pdf_floor does
        # Interleaved, so that both see the same machine load (a shared 2-core machine varies a lot).
        form_times, floor_times = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            entry.build(application, document)
            form_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            render_floor_pdf()
            floor_times.append(time.perf_counter() - start)

    form, floor = statistics.median(form_times), statistics.median(floor_times)
    print(f"application form: median {form:.3f} s over {args.runs} renders ({pages} pages, {len(data)} bytes)")
    print(f"pdf floor:        median {floor:.3f} s over {args.runs} renders (1 page)")
    print(f"ratio:            {form / floor:.1f} x the floor")


if __name__ == "__main__":
    main()
