"""The load run's data, made once per run in its own database (see bench/run_load.py):

- the 20,000 submitted applications, units and desks of `bench_list_pages` (bulk-created, the same helpers);
- browsing people: staff, a unit contact, a recommender member and an expert, each with a session per virtual
  user (a cookie, as `Client.force_login` gives it);
- applicants: a QC edition of its own whose window is open, and one QC group per applicant (its leader signed in)
  with a draft whose answers are complete and whose non-PDF files are uploaded: the surge saves it, uploads the
  PDFs and submits it;
- experts: a document round over the edition of the 20,000, each expert with accepted assignments and the round's
  declaration signed.

Everything a virtual user needs (cookies, URLs, field names) goes into one JSON document: the locust users read
it and import nothing from Django.
"""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone


def cookies_of(user) -> dict:
    client = Client()
    client.force_login(user)
    return {name: morsel.value for name, morsel in client.cookies.items()}


def browsing(edition, staff, desks, *, users: int) -> list[dict]:
    """`users` browsing sessions over the four desks, with the pages each one browses."""
    from applications.models import Application

    contact, unit = desks["unit"]
    member, recommender = desks["recommender"]
    expert, round_ = desks["expert"]
    numbers = list(Application.objects.filter(edition=edition).order_by("pk").values_list("pk", flat=True)[:200])
    staff_pages = [
        [reverse("accounts:staff_dashboard"), "<html"],
        ["/applications/staff/?page=3", "QB-2026-00101"],
        ["/applications/staff/?page=120", "<html"],
        ["/applications/staff/?status=submitted&q=00042", "QB-2026-00042"],
        ["/portal/staff/units/?page=3", "上海基准测试制造"],
        *[[reverse("applications:detail", args=[pk]), "QB-2026-"] for pk in numbers[::20]],
    ]
    desks_pages = {
        "staff": (staff, staff_pages),
        "unit": (
            contact,
            [
                [reverse("accounts:unit_dashboard", args=[unit.pk]), "<html"],
                [reverse("recommenders:unit_queue", args=[unit.pk]), "QU-2026-00001"],
            ],
        ),
        "recommender": (
            member,
            [
                [reverse("accounts:recommender_dashboard", args=[recommender.pk]), "<html"],
                [reverse("recommenders:recommender_queue", args=[recommender.pk]) + f"?edition={edition.pk}", "QR-"],
            ],
        ),
        "expert": (
            expert,
            [
                [reverse("accounts:expert_dashboard"), "<html"],
                [reverse("reviews:expert_round", args=[round_.pk]), "/reviews/expert/assignments/"],
            ],
        ),
    }
    # Half the browsing is staff (the association's people), the rest the desks in turn.
    order = ["staff", "unit", "staff", "recommender", "staff", "expert"]
    sessions = []
    for index in range(users):
        person, pages = desks_pages[order[index % len(order)]]
        sessions.append({"desk": order[index % len(order)], "cookies": cookies_of(person), "pages": pages})
    return sessions


def applicants(*, count: int) -> tuple[object, list[dict]]:
    """An open QC edition and `count` applicants, each with a complete draft whose PDF files are still missing."""
    from applications import services
    from applications.models import Application
    from tests.factories.applications import draft_application as make_draft
    from tests.factories.applications import full_answers, png_bytes, upload
    from tests.factories.awards import open_edition

    edition = open_edition()
    requirements = list(edition.attachment_requirements.filter(required=True))
    pdf_requirements = [r for r in requirements if "application/pdf" in r.allowed_types]
    other = [r for r in requirements if r not in pdf_requirements]
    people = []
    for index in range(count):
        draft = make_draft(edition=edition, complete=False, title=f"降低焊接返修率的小组活动 {index:04d}")
        actor = draft.created_by
        draft = services.application_save_draft(
            actor=actor,
            application=draft,
            revision=draft.revision,
            title=draft.title,
            category=draft.category,
            subtype=None,
            answers=full_answers(edition, draft.title),
        )
        for requirement in other:
            services.attachment_upload(
                actor=actor,
                application=draft,
                requirement=requirement,
                uploaded_file=upload(f"{requirement.code}.png", png_bytes()),
            )
        draft = Application.objects.get(pk=draft.pk)
        people.append(
            {
                "cookies": cookies_of(actor),
                "edit": reverse("applications:edit", args=[draft.pk]),
                "attachments": reverse("applications:attachments", args=[draft.pk]),
                "submit": reverse("applications:submit", args=[draft.pk]),
                "detail": reverse("applications:detail", args=[draft.pk]),
                "pdf_requirements": [[r.pk, r.code] for r in pdf_requirements],
            }
        )
    return edition, people


def close_window_at(edition, closes_at: datetime.datetime) -> None:
    """The edition's application window closes at `closes_at` (the surge's deadline)."""
    from awards.demo import schedule_around_application
    from awards.selectors import open_editions_bump

    schedule_around_application(
        edition, starts_at=timezone.now() - datetime.timedelta(days=10), ends_at=closes_at.replace(microsecond=0)
    )
    open_editions_bump()


def experts(edition, *, count: int, sheets: int) -> list[dict]:
    """`count` pool experts in a document round of `edition`, each with `sheets` accepted assignments of the
    submitted applications and the declaration signed."""
    from applications.models import Application
    from reviews.declaration import declaration_sign
    from reviews.enums import AssignmentSource, AssignmentState
    from reviews.models import Assignment
    from reviews.scoring import rubric_items
    from reviews.selectors_expert import rubric_for
    from tests.factories.reviews import pool_expert, review_round

    round_ = review_round(edition, name="压力测试材料文审")
    pool = [pool_expert(edition.programme, max_load=sheets + 5) for _ in range(count)]
    reviewed = list(
        Application.objects.filter(edition=edition, number__startswith="QB-").order_by("pk")[: count * sheets]
    )
    Assignment.objects.bulk_create(
        Assignment(
            round=round_,
            application=application,
            expert=pool[index // sheets],
            source=AssignmentSource.SOLVER,
            state=AssignmentState.ACCEPTED,
            code=f"R{round_.pk}-{index + 1:05d}",
        )
        for index, application in enumerate(reviewed)
    )
    people = []
    for expert in pool:
        declaration_sign(actor=expert.user, round=round_)
        forms = []
        for assignment in Assignment.objects.filter(round=round_, expert=expert).select_related("application"):
            items = {f"score_{item.code}": int(item.max_points) for item in rubric_items(rubric_for(assignment))}
            forms.append([reverse("reviews:expert_assignment", args=[assignment.pk]), items])
        people.append(
            {
                "cookies": cookies_of(expert.user),
                "round": reverse("reviews:expert_round", args=[round_.pk]),
                "sheets": forms,
            }
        )
    return people
