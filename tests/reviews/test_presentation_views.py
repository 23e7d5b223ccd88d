"""Presentation competition pages: staff build and order sessions, the board (query counts), judges score with
autosave until the session closes, groups see their slot and upload, the PDFs print Chinese."""

import datetime
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from documents.enums import DocumentStatus
from documents.services import document_build_now
from reviews import presentation
from reviews.declaration import declaration_sign
from reviews.documents import JUDGE_SHEETS_PDF, RUNNING_SHEET_PDF
from reviews.models import Assignment, ScoreSheet
from reviews.models_presentation import PresentationSession, SessionSlot
from reviews.scoring import rubric_items
from reviews.selectors_expert import rubric_for
from tests.factories import staff_user
from tests.factories.awards import open_edition
from tests.factories.reviews import pool_expert
from tests.factories.reviews_presentation import passed_application, presentation_round, presentation_session

from .test_presentation_services import MINIMAL_PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return open_edition()


@pytest.fixture
def staff_client(client):
    client.force_login(staff_user())
    return client


def _judged_session(edition, count=2, judges=1, **fields):
    apps = [passed_application(edition) for _ in range(count)]
    experts = [pool_expert(edition.programme) for _ in range(judges)]
    session = presentation_session(presentation_round(edition), apps, judges=experts, **fields)
    return session, apps, experts


def test_staff_build_sessions_from_the_round_page(staff_client, edition):
    for _ in range(3):
        passed_application(edition)
    round_ = presentation_round(edition)
    url = reverse("reviews:presentation_round", args=[round_.pk])
    assert "3 applications passed the document review" in staff_client.get(url).content.decode()

    response = staff_client.post(
        url, {"sessions_per_category": "2", "starts_at": "2026-12-20T09:00", "slot_minutes": "12", "venue": "会议室"}
    )

    assert response.status_code == 302
    sessions = list(PresentationSession.objects.filter(round=round_).order_by("starts_at"))
    assert [s.slots.count() for s in sessions] == [2, 1]
    assert (
        timezone.localtime(sessions[0].starts_at, datetime.timezone(datetime.timedelta(hours=8))).strftime(
            "%Y-%m-%d %H:%M"
        )
        == "2026-12-20 09:00"
    )
    assert sessions[1].starts_at - sessions[0].starts_at == datetime.timedelta(minutes=24)


@pytest.mark.parametrize("count", [1, 4])
def test_session_list_query_count_constant(staff_client, edition, count, django_assert_max_num_queries):
    round_ = presentation_round(edition)
    for index in range(count):
        presentation_session(round_, [passed_application(edition)], name=f"场次{index}")
    with django_assert_max_num_queries(16):
        response = staff_client.get(reverse("reviews:presentation_round", args=[round_.pk]))
    assert response.content.decode().count('data-testid="session-row"') == count


@pytest.mark.parametrize("size", [1, 4])
def test_board_query_count_constant(staff_client, edition, size, django_assert_max_num_queries):
    session, _apps, _experts = _judged_session(edition, count=size, judges=size)
    url = reverse("reviews:presentation_board", args=[session.pk])
    with django_assert_max_num_queries(14):
        response = staff_client.get(url, HTTP_HX_REQUEST="true")
    assert response.content.decode().count('data-testid="board-row"') == size


def test_reorder_posted_by_drag_and_drop_and_buttons(staff_client, edition):
    session, apps, _ = _judged_session(edition, count=3, judges=0)
    slots = list(SessionSlot.objects.filter(session=session).order_by("position"))
    url = reverse("reviews:presentation_session_reorder", args=[session.pk])

    response = staff_client.post(url, {"slot": [slots[1].pk, slots[2].pk, slots[0].pk]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    order = list(SessionSlot.objects.filter(session=session).order_by("position").values_list("pk", flat=True))
    assert order == [slots[1].pk, slots[2].pk, slots[0].pk]

    staff_client.post(reverse("reviews:presentation_slot_shift", args=[slots[0].pk, "up"]))
    order = list(SessionSlot.objects.filter(session=session).order_by("position").values_list("pk", flat=True))
    assert order == [slots[1].pk, slots[0].pk, slots[2].pk]


def _judge_client(client, expert, round_):
    declaration_sign(actor=expert.user, round=round_)
    client.force_login(expert.user)
    return client


def _form(assignment, value, revision):
    data = {"revision": str(revision), "comment": ""}
    for item in rubric_items(rubric_for(assignment)):
        data[f"score_{item.code}"] = value
    return data


def test_judge_autosave_until_the_session_closes(client, edition):
    session, apps, (judge,) = _judged_session(edition, count=1)
    client = _judge_client(client, judge, session.round)
    slot = SessionSlot.objects.get(session=session)
    assignment = Assignment.objects.get(expert=judge)
    url = reverse("reviews:presentation_judge_slot", args=[session.pk, slot.pk])
    page = client.get(url).content.decode()
    assert f'data-autosave="{url}"' in page

    response = client.post(url, _form(assignment, "1", 0), HTTP_X_AUTOSAVE="1")
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert response.json()["revision"] == 1
    items = len(rubric_items(rubric_for(assignment)))
    assert ScoreSheet.objects.get(assignment=assignment).total == items

    presentation.session_close(actor=staff_user(), session=session)
    response = client.post(url, _form(assignment, "2", 1), HTTP_X_AUTOSAVE="1")
    assert response.status_code == 409
    assert response.json()["message"] == "The session is closed: scores can no longer be changed."
    assert ScoreSheet.objects.get(assignment=assignment).total == items
    assert "data-autosave=" not in client.get(url).content.decode()


def test_conflicted_judge_sees_a_blank_slot_and_no_results(client, edition):
    apps = [passed_application(edition) for _ in range(2)]
    judge = pool_expert(edition.programme, employer=apps[1].unit)
    other = pool_expert(edition.programme)
    session = presentation_session(presentation_round(edition), apps, judges=[judge, other])
    other_assignment = Assignment.objects.get(expert=other, application=apps[0])
    ScoreSheet.objects.create(
        assignment=other_assignment, rubric=rubric_for(other_assignment), scores={}, total="77.5", state="submitted"
    )
    client = _judge_client(client, judge, session.round)

    page = client.get(reverse("reviews:presentation_judge_session", args=[session.pk])).content.decode()

    assert page.count('data-testid="judge-slot"') == 1
    assert page.count('data-testid="judge-slot-blank"') == 1
    assert "77.5" not in page
    blank = SessionSlot.objects.get(application=apps[1])
    assert client.get(reverse("reviews:presentation_judge_slot", args=[session.pk, blank.pk])).status_code == 404
    assert client.get(reverse("reviews:presentation_board", args=[session.pk])).status_code == 403


def test_document_review_sheet_autosaves_too(client, edition):
    from tests.factories.reviews import assigned, review_round

    round_ = review_round(edition)
    expert = pool_expert(edition.programme)
    assignment = assigned(round_, passed_application(edition), expert)
    client = _judge_client(client, expert, round_)
    url = reverse("reviews:expert_assignment", args=[assignment.pk])
    assert f'data-autosave="{url}"' in client.get(url).content.decode()
    response = client.post(url, _form(assignment, "1", 0), HTTP_X_AUTOSAVE="1")
    assert response.json() == {
        "ok": True,
        "revision": 1,
        "total": str(ScoreSheet.objects.get(assignment=assignment).total),
    }
    assert ScoreSheet.objects.get(assignment=assignment).state == "draft"


def _group_client(client, application):
    from accounts.enums import Role
    from accounts.models import Membership

    user = application.group.leader
    if not Membership.objects.filter(user=user, role=Role.GROUP, group=application.group).exists():
        Membership.objects.create(user=user, role=Role.GROUP, group=application.group, is_active=True)
    client.force_login(user)
    return client


def test_group_sees_slot_and_uploads_before_the_deadline(client, edition, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    app = passed_application(edition)
    session = presentation_session(
        presentation_round(edition),
        [app],
        instructions="请提前30分钟到场",
        upload_deadline=timezone.now() + datetime.timedelta(hours=2),
    )
    slot = SessionSlot.objects.get(session=session)
    client = _group_client(client, app)
    url = reverse("reviews:presentation_group_slot", args=[slot.pk])
    page = client.get(url).content.decode()
    assert "请提前30分钟到场" in page
    assert session.venue in page

    response = client.post(url, {"file": SimpleUploadedFile("讲稿.pdf", MINIMAL_PDF)})
    assert response.status_code == 302
    assert SessionSlot.objects.get(pk=slot.pk).file_name == "讲稿.pdf"

    PresentationSession.objects.filter(pk=session.pk).update(upload_deadline=timezone.now())
    page = client.get(url).content.decode()
    assert "The deadline for the presentation file has passed." in page


def test_group_dashboard_panel_lists_the_slot(client, edition):
    app = passed_application(edition)
    presentation_session(presentation_round(edition), [app])
    client = _group_client(client, app)
    page = client.get(reverse("accounts:group_dashboard", args=[app.group_id])).content.decode()
    assert 'data-testid="presentation-panel"' in page
    assert reverse("reviews:presentation_group_slot", args=[SessionSlot.objects.get().pk]) in page


def test_group_dashboard_panel_offers_the_file_page_only_to_the_group(client, edition):
    """The unit's contact and staff see the group's dashboard and its slot, but the slot's file page answers them
    403: they are not offered the link (found by the canary crawl, tests/battery/test_canaries.py)."""
    from tests.factories.recommenders import contact_of

    app = passed_application(edition)
    presentation_session(presentation_round(edition), [app])
    slot_url = reverse("reviews:presentation_group_slot", args=[SessionSlot.objects.get().pk])
    for user in (contact_of(app.group.unit), staff_user()):
        client.force_login(user)
        page = client.get(reverse("accounts:group_dashboard", args=[app.group_id])).content.decode()
        assert 'data-testid="presentation-panel"' in page
        assert "上海市质量协会 3楼会议室" in page
        assert slot_url not in page
        assert client.get(slot_url).status_code == 403


def test_notify_mails_each_group_its_slot(staff_client, edition, mailoutbox, django_capture_on_commit_callbacks):
    app = passed_application(edition)
    session = presentation_session(presentation_round(edition), [app])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("reviews:presentation_session_notify", args=[session.pk]))
    assert len(mailoutbox) == 1
    assert app.title in mailoutbox[0].subject
    assert session.venue in mailoutbox[0].body
    assert SessionSlot.objects.get().notified_at is not None


@pytest.mark.parametrize("closed", ["session", "round"])
def test_no_slot_notice_once_the_session_or_its_round_is_closed(
    staff_client, edition, mailoutbox, django_capture_on_commit_callbacks, closed
):
    """The notice tells a group when and where to present: once the session (or its round) is closed it has taken
    place, the button is gone, and a POST from a page open before is refused with a message, nothing mailed."""
    from reviews import presentation

    app = passed_application(edition)
    session = presentation_session(presentation_round(edition), [app])
    page_url = reverse("reviews:presentation_session", args=[session.pk])
    assert 'data-testid="session-notify"' in staff_client.get(page_url).content.decode()
    if closed == "session":
        presentation.session_close(actor=staff_user(), session=session)
    else:
        from reviews.rounds import round_close

        round_close(actor=staff_user(), round=session.round)  # the session itself left open
    assert 'data-testid="session-notify"' not in staff_client.get(page_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("reviews:presentation_session_notify", args=[session.pk]), follow=True)
    assert ("The session is closed." if closed == "session" else "The round is closed.") in response.content.decode()
    assert mailoutbox == []
    assert SessionSlot.objects.get().notified_at is None


def _pdf_text(document, tmp_path) -> str:
    assert document.status == DocumentStatus.READY, document.error
    path = tmp_path / "out.pdf"
    with document.file.open("rb") as handle:
        path.write_bytes(handle.read())
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def test_running_sheet_and_judge_sheets_print_chinese(edition, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    session, apps, (judge,) = _judged_session(edition, count=2)
    text = _pdf_text(document_build_now(kind=RUNNING_SHEET_PDF, obj=session), tmp_path)
    assert "出场顺序表" in text
    for app in apps:
        assert app.number in text
    assert "".join(apps[0].title.split()) in text
    text = _pdf_text(document_build_now(kind=JUDGE_SHEETS_PDF, obj=session), tmp_path)
    assert "评委评分表" in text
    assert "".join(judge.user.full_name.split()) in text
