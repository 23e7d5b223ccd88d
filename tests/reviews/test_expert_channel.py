"""The expert channel (专家通道): declaration gate, score sheets (partial save, submit, bounds and step, stale
pages, closed rounds, staff corrections), hidden scores, conflicts, and the blind crawler."""

import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.urls import reverse

from core.models import AuditEntry
from reviews import declaration, scoring
from reviews.enums import AssignmentState, ConflictSource, RoundState, SheetState
from reviews.models import Conflict, DeclarationSignature, ScoreSheet
from tests.factories import staff_user
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import admitted_application, assigned, pool_expert, reopen_round, review_round
from tests.helpers import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def world():
    edition = qc_edition()
    application = admitted_application(edition=edition)
    round_ = review_round(edition, blind=True)
    expert = pool_expert(edition.programme, email="blind-expert@example.test")
    assignment = assigned(round_, application, expert)
    items = round_.rubrics.get(category=application.category).items
    return {
        "edition": edition,
        "application": application,
        "round": round_,
        "expert": expert,
        "a": assignment,
        "items": items,
    }


def signed_client(world):
    declaration.declaration_sign(actor=world["expert"].user, round=world["round"])
    return client_for(world["expert"].user)


def full_scores(items, share=Decimal("0.5")):
    return {i["code"]: str((Decimal(i["max_points"]) * share).quantize(Decimal("1"))) for i in items}


def post_sheet(client, assignment, scores, *, revision, submit=False, **extra):
    data = {f"score_{code}": value for code, value in scores.items()}
    data.update({"revision": revision, "comment": "总体意见", **extra})
    if submit:
        data["submit"] = "1"
    return client.post(reverse("reviews:expert_assignment", args=[assignment.pk]), data)


def test_declaration_gate_and_signature_record(world):
    client = client_for(world["expert"].user)
    page = reverse("reviews:expert_assignment", args=[world["a"].pk])
    response = client.get(page)
    assert response.status_code == 302
    assert reverse("reviews:expert_declaration", args=[world["round"].pk]) in response["Location"]
    for url in (reverse("reviews:expert_round", args=[world["round"].pk]),):
        assert client.get(url).status_code == 302
    response = client.post(
        reverse("reviews:expert_declaration", args=[world["round"].pk]), {"confirm": "on", "next": page}
    )
    assert response.status_code == 302 and response["Location"] == page
    signature = DeclarationSignature.objects.get(expert=world["expert"], round=world["round"])
    assert signature.text.version == 1
    assert client.get(page).status_code == 200
    # Idempotent; a text change later leaves the signed version alone.
    staff = staff_user()
    declaration.declaration_text_change(actor=staff, programme=world["edition"].programme, body="新文本", body_en="")
    again = declaration.declaration_sign(actor=world["expert"].user, round=world["round"])
    assert again.pk == signature.pk and again.text.version == 1
    assert AuditEntry.objects.filter(action="declaration.text_changed").exists()
    assert AuditEntry.objects.filter(action="declaration.signed").count() == 1
    staff_page = client_for(staff).get(
        reverse("reviews:staff_declaration") + f"?programme={world['edition'].programme.pk}"
    )
    assert world["expert"].user.full_name in staff_page.content.decode()
    assert "新文本" in staff_page.content.decode()


def test_save_partial_then_submit_complete(world):
    client = signed_client(world)
    items, assignment = world["items"], world["a"]
    first = items[0]["code"]
    response = post_sheet(client, assignment, {first: "10.5"}, revision=0)
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.state == SheetState.DRAFT and sheet.scores == {first: "10.5"} and sheet.revision == 1
    # Submitting with items missing is refused, input kept.
    response = post_sheet(client, assignment, {first: "10.5"}, revision=1, submit=True)
    assert response.status_code == 400
    assert 'value="10.5"' in response.content.decode()
    scores = full_scores(items)
    response = post_sheet(client, assignment, scores, revision=1, submit=True)
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED
    assert sheet.total == sum(Decimal(v) for v in scores.values())
    assert AuditEntry.objects.filter(action="score_sheet.submitted", object_id=str(sheet.pk)).exists()


@pytest.mark.parametrize("value", ["999", "-1", "10.3"])
def test_out_of_range_and_off_step_refused(world, value):
    client = signed_client(world)
    code = world["items"][0]["code"]
    response = post_sheet(client, world["a"], {code: value}, revision=0)
    assert response.status_code == 400
    body = response.content.decode()
    assert "sheet-error" in body and f'value="{value}"' in body
    assert not ScoreSheet.objects.filter(assignment=world["a"]).exists()


def test_stale_revision_refused_without_losing_input(world):
    client = signed_client(world)
    code = world["items"][0]["code"]
    assert post_sheet(client, world["a"], {code: "5"}, revision=0).status_code == 302
    response = post_sheet(client, world["a"], {code: "7.5"}, revision=0, comment="我的新意见")
    assert response.status_code == 409
    body = response.content.decode()
    assert 'value="7.5"' in body and "我的新意见" in body
    assert ScoreSheet.objects.get(assignment=world["a"]).scores == {code: "5.0"}


def test_submit_after_its_own_autosave_is_not_stale(world):
    # The click on 提交 fires the last field's autosave first: the submit then carries the revision from before it.
    # The same input overwrites nothing, so it goes through; a different input from that revision is still stale.
    client = signed_client(world)
    scores = full_scores(world["items"])
    url = reverse("reviews:expert_assignment", args=[world["a"].pk])
    data = {f"score_{code}": value for code, value in scores.items()} | {"revision": 0, "comment": "总体意见"}
    autosaved = client.post(url, data, HTTP_X_AUTOSAVE="1")
    assert autosaved.status_code == 200 and autosaved.json()["revision"] == 1
    assert post_sheet(client, world["a"], scores, revision=0, submit=True).status_code == 302
    sheet = ScoreSheet.objects.get(assignment=world["a"])
    assert sheet.state == SheetState.SUBMITTED and sheet.revision == 2
    changed = dict(scores) | {world["items"][0]["code"]: "0"}
    assert post_sheet(client, world["a"], changed, revision=1, submit=True).status_code == 409
    assert ScoreSheet.objects.get(assignment=world["a"]).scores == sheet.scores


def test_submitted_sheet_sent_again_with_the_same_input_is_a_no_op(world):
    # Regression (race battery): a double-clicked 提交 submitted twice: revision 2, two "submitted" audit entries.
    scores = full_scores(world["items"])
    save = dict(
        actor=world["expert"].user, assignment=world["a"], scores=scores, comments={}, comment="总体意见", submit=True
    )
    first = scoring.sheet_save(**save, revision=0)

    again = scoring.sheet_save(**save, revision=0)

    assert (again.pk, again.revision, again.submitted_at) == (first.pk, 1, first.submitted_at)
    assert AuditEntry.objects.filter(action="score_sheet.submitted", object_id=str(first.pk)).count() == 1
    # a change to the submitted sheet (from its current revision) is still saved and submitted again
    changed = scoring.sheet_save(**{**save, "comment": "补充意见"}, revision=1)
    assert (changed.revision, changed.state, changed.comment) == (2, SheetState.SUBMITTED, "补充意见")
    assert AuditEntry.objects.filter(action="score_sheet.submitted", object_id=str(first.pk)).count() == 2


def test_closed_round_refuses_and_offered_must_accept(world):
    client = signed_client(world)
    code = world["items"][0]["code"]
    world["round"].state = RoundState.CLOSED
    world["round"].save()
    response = post_sheet(client, world["a"], {code: "5"}, revision=0)
    assert response.status_code == 400 and not ScoreSheet.objects.exists()
    reopen_round(world["round"])
    world["a"].state = AssignmentState.OFFERED
    world["a"].save()
    response = post_sheet(client, world["a"], {code: "5"}, revision=0)
    assert response.status_code == 400 and not ScoreSheet.objects.exists()


def test_staff_correction_needs_reason_and_is_audited(world):
    from core.exceptions import BusinessRuleError

    sheet = scoring.sheet_save(
        actor=world["expert"].user,
        assignment=world["a"],
        scores=full_scores(world["items"]),
        comments={},
        comment="",
        revision=0,
        submit=True,
    )
    world["round"].state = RoundState.CLOSED
    world["round"].save()
    staff = staff_user()
    higher = full_scores(world["items"], Decimal("0.8"))
    url = reverse("reviews:staff_sheet_correct", args=[sheet.pk])
    data = {f"score_{k}": v for k, v in higher.items()}
    response = client_for(staff).post(url, {**data, "reason": ""})
    assert response.status_code == 400
    with pytest.raises(BusinessRuleError):
        scoring.sheet_correct(actor=staff, sheet=sheet, scores=higher, reason=" ")
    response = client_for(staff).post(url, {**data, "reason": "专家复核后更正"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.total == sum(Decimal(v) for v in higher.values())
    entry = AuditEntry.objects.get(action="score_sheet.corrected", object_id=str(sheet.pk))
    assert entry.note == "专家复核后更正" and entry.changes["total"][1] == str(sheet.total)
    # The expert's page is read-only now.
    page = signed_client(world).get(reverse("reviews:expert_assignment", args=[world["a"].pk]))
    assert "sheet-problem" in page.content.decode() and 'name="submit"' not in page.content.decode()


def test_other_experts_scores_hidden_until_discussion(world):
    other = pool_expert(world["edition"].programme)
    other_assignment = assigned(world["round"], world["application"], other)
    scoring.sheet_save(
        actor=other.user,
        assignment=other_assignment,
        scores=full_scores(world["items"], Decimal("0.9")),
        comments={},
        comment="",
        revision=0,
        submit=True,
    )
    other_total = str(ScoreSheet.objects.get(assignment=other_assignment).total)
    client = signed_client(world)
    url = reverse("reviews:expert_assignment", args=[world["a"].pk])
    body = client.get(url).content.decode()
    assert "other-totals" not in body and other_total not in body
    world["round"].state = RoundState.DISCUSSION
    world["round"].save()
    body = client.get(url).content.decode()
    assert "other-totals" in body and other_total in body and other.user.full_name not in body


@pytest.mark.parametrize("level", ["application", "unit"])
def test_conflicted_or_unassigned_expert_gets_404(world, level):
    client = signed_client(world)
    attachment = world["application"].attachments.filter(is_current=True).first()
    page = reverse("reviews:expert_assignment", args=[world["a"].pk])
    file_url = reverse("reviews:expert_file", args=[world["a"].pk, attachment.pk])
    assert client.get(page).status_code == 200 and client.get(file_url).status_code == 200
    target = {"application": world["application"]} if level == "application" else {"unit": world["application"].unit}
    Conflict.objects.create(round=world["round"], expert=world["expert"], source=ConflictSource.DECLARED, **target)
    assert client.get(page).status_code == 404
    assert client.get(file_url).status_code == 404
    stranger = pool_expert(world["edition"].programme)
    assert client_for(stranger.user).get(page).status_code == 404


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("href", "src"):
            if attrs.get(key) and tag in ("a", "iframe", "img", "link", "script"):
                self.urls.append(attrs[key])


# Pages every signed-in person reaches that list all organisations as choices (registering a unit lists the
# recommending organisations), unrelated to any application: not the expert channel's to hide.
PUBLIC_LISTS = ("/portal/register/",)


def test_blind_crawler_finds_no_names(world):
    from pypdf import PdfReader

    application = world["application"]
    group, unit = application.group, application.unit
    names = {group.name, unit.name, unit.recommender.name}
    names |= {m.name for m in group.members.all()}
    names |= {c.unit.name for c in application.co_applicants.all()}
    names = {n for n in names if n}
    assert names
    client = signed_client(world)
    start = reverse("accounts:expert_dashboard")
    seen, queue, documents = set(), [start], 0
    while queue:
        url = queue.pop()
        path = urlparse(url).path
        if url in seen or not path.startswith("/") or path.startswith("/static/") or "logout" in path:
            continue
        if path.startswith(PUBLIC_LISTS):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)  # links the base page has (staff: 403)
        if response.status_code == 302:
            queue.append(urljoin(url, response["Location"]))
            continue
        disposition = response.get("Content-Disposition", "")
        content_type = response.get("Content-Type", "")
        for name in names:
            assert name not in disposition, (url, name)
        if content_type.startswith("text/html"):
            body = response.content.decode()
            for name in names:
                assert name not in body, (url, name)
            parser = Links()
            parser.feed(body)
            queue += [urljoin(url, link) for link in parser.urls if not link.startswith(("http", "//", "#"))]
        else:
            documents += 1
            data = b"".join(response.streaming_content) if response.streaming else response.content
            assert re.search(r"R\d+-\d{4}-", disposition), disposition
            if content_type == "application/pdf":
                reader = PdfReader(io.BytesIO(data))
                assert not reader.metadata or not any(reader.metadata.values())
                text = "".join(page.extract_text() or "" for page in reader.pages)
                for name in names:
                    assert name not in text
    assert documents >= 1
    assert any("/reviews/expert/assignments/" in u for u in seen)
