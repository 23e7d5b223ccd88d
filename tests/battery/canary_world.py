"""The canary world: one full QC edition whose every sensitive field carries a unique marker string.

Two chains of organisations, A and B:

    recommender A → unit A → group A → application A1 (admitted, reviewed, awarded, in the publicity)
    recommender B → unit B → group B → application B1 (admitted, reviewed, not awarded)

Two experts score both applications blind in an open document round (submitted sheets, comments on every item and
overall, a distinctive total each). The edition has a closed earlier round with results, a released level list
(A1 awarded, B1 not), a started publicity with a public notice, an objection against A1 with a request to its
applicant, and a second objection filed and answered through the services (its objector looks its status up). An
open on-site round visits A1 with experts 3 (the panel's leader) and 4, both sheets submitted. A second edition
holds a staged (unreleased) level decision of group A; a third has A4 (group A) and B4 (group B) confirmed, their
certificates built and the staff's batch ZIP made.

Every marker is a `Marker`: the text (or, for a score, the figure) and the roles that may see it. Anything a role
is not listed for is forbidden to it. Roles: anonymous, objector (an anonymous visitor holding the second
objection's tracking number and mobile), group_a / group_b (leaders of groups A and B), unit_a / unit_b (contacts of
units A and B), recommender_a (a reviewer of recommender A who does not decide), expert_1 and expert_2 (the blind
rounds), expert_3 and expert_4 (the on-site panel), staff.
"""

import dataclasses
import datetime
import hashlib
import io
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Membership
from applications.models import Application
from applications.services import application_transition
from recommenders.models import Endorsement
from reviews.checksum import released_checksum
from reviews.declaration import declaration_sign
from reviews.enums import AssignmentState, ReviewAction, RoundState
from reviews.models import PoolEntry, ScoreSheet
from reviews.models_levels import AwardLevel, LevelDecision, LevelScheme, SchemeRound
from reviews.workflow_levels import LevelStatus
from tests.factories import (
    ExpertFactory,
    GroupMemberFactory,
    RecommenderFactory,
    UnitFactory,
    UserFactory,
    recommender_member,
    staff_user,
)
from tests.factories.applications import eligible_group
from tests.factories.notices import published_notice
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import assigned, quick_admitted, recommended_application, review_round, stored_result
from tests.factories.reviews_presentation import presentation_round, presentation_session

ROLES = (
    "anonymous",
    "objector",
    "group_a",
    "unit_a",
    "recommender_a",
    "group_b",
    "unit_b",
    "expert_1",
    "expert_2",
    "expert_3",
    "expert_4",
    "staff",
)

# Who may see what, by the kind of data. "public": everyone (it is in the publicity list or a public notice).
PUBLIC = frozenset(ROLES)
CHAIN_A = frozenset({"group_a", "unit_a", "recommender_a", "staff"})
CHAIN_B = frozenset({"group_b", "unit_b", "staff"})
UNIT_A_SIDE = frozenset({"unit_a", "recommender_a", "staff"})  # the unit's own records, not its groups'
REVIEWERS = frozenset({"expert_1", "expert_2"})  # the blind document rounds
ONSITE_PANEL = frozenset({"expert_3", "expert_4", "staff"})  # the on-site visit of A1 (expert 3 leads its panel)
STAFF = frozenset({"staff"})


@dataclasses.dataclass(frozen=True)
class Marker:
    name: str
    text: str
    may_see: frozenset
    numeric: bool = False  # a figure: matched with no digit (or decimal point and digit) either side

    def pattern(self) -> re.Pattern:
        if self.numeric:
            return re.compile(rf"(?<![\d.]){re.escape(self.text)}0?(?!\.?\d)")
        return re.compile(re.escape(self.text))


@dataclasses.dataclass
class CanaryWorld:
    users: dict  # role -> User (None for anonymous)
    markers: list
    edition: object
    applications: dict
    round: object
    lookups: dict  # role -> [(url, POST data)]: the objection status lookups the role makes
    probes: dict  # URL -> the roles it answers: every role asks for each directly (another's panel, certificate)

    def forbidden_for(self, role: str) -> list[Marker]:
        return [m for m in self.markers if role not in m.may_see]

    def allowed_for(self, role: str) -> list[Marker]:
        return [m for m in self.markers if role in m.may_see]


def pdf_with_author(author: str) -> bytes:
    """A one-page PDF whose document information names `author` (what a blind download must strip)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Author": author, "/Title": author})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _spread(rubric, figure) -> dict:
    """Item scores adding up to `figure`, filling the rubric's items in order."""
    scores, left = {}, Decimal(figure)
    for item in rubric.items:
        points = min(Decimal(item["max_points"]), left)
        scores[item["code"]] = str(points)
        left -= points
    assert left == 0, "the rubric's maximum is below the canary total"
    return scores


def build_canary_world() -> CanaryWorld:
    markers: list[Marker] = []

    def mark(name: str, may_see, text: str | None = None, *, numeric: bool = False) -> str:
        value = text or f"CANARY-{name}"
        markers.append(Marker(name, value, frozenset(may_see), numeric))
        return value

    edition = qc_edition(title=mark("EDITION-TITLE", PUBLIC))

    # --- organisations and people ---------------------------------------------------------------------------------
    rec_a = RecommenderFactory(
        name=mark("REC-A-NAME", PUBLIC),  # it recommended an awarded application: named in the publicity
        contact_name=mark("REC-A-CONTACT", CHAIN_A),
    )
    # Recommenders are public bodies: the registration pages list them for units to choose from.
    rec_b = RecommenderFactory(name=mark("REC-B-NAME", PUBLIC), contact_name=mark("REC-B-CONTACT", CHAIN_B))
    unit_a = UnitFactory(
        name=mark("UNIT-A-NAME", PUBLIC),  # named in the publicity list (A1 is awarded)
        recommender=rec_a,
        address=mark("UNIT-A-ADDRESS", CHAIN_A),
        contact_name=mark("UNIT-A-CONTACT", CHAIN_A),
        contact_phone=mark("UNIT-A-PHONE", CHAIN_A, "021-64417301", numeric=True),
        contact_email="canary-unit-a@example.test",
    )
    unit_b = UnitFactory(
        name=mark("UNIT-B-NAME", CHAIN_B),
        recommender=rec_b,
        address=mark("UNIT-B-ADDRESS", CHAIN_B),
        contact_name=mark("UNIT-B-CONTACT", CHAIN_B),
        contact_phone=mark("UNIT-B-PHONE", CHAIN_B, "021-64417302", numeric=True),
        contact_email="canary-unit-b@example.test",
    )
    leader_a = UserFactory(
        full_name=mark("GROUP-A-LEADER", CHAIN_A),
        mobile=mark("GROUP-A-LEADER-MOBILE", CHAIN_A, "13964417303", numeric=True),
        email="canary-leader-a@example.test",
    )
    leader_b = UserFactory(
        full_name=mark("GROUP-B-LEADER", CHAIN_B),
        mobile=mark("GROUP-B-LEADER-MOBILE", CHAIN_B, "13964417304", numeric=True),
        email="canary-leader-b@example.test",
    )
    group_a = eligible_group(unit_a, members=0, leader=leader_a, name=mark("GROUP-A-NAME", PUBLIC))
    group_b = eligible_group(unit_b, members=0, leader=leader_b, name=mark("GROUP-B-NAME", CHAIN_B))
    for side, group, may_see in (("A", group_a, CHAIN_A), ("B", group_b, CHAIN_B)):
        for n in range(1, 4):
            GroupMemberFactory(
                group=group,
                name=mark(f"MEMBER-{side}{n}", may_see),
                phone=mark(
                    f"MEMBER-{side}{n}-PHONE", may_see, f"1396441{1 if side == 'A' else 2}3{n:02d}", numeric=True
                ),
                position=n,
            )
    # The contact endorses the group's application: the group sees who did in its timeline.
    contact_a = UserFactory(full_name=mark("UNIT-A-USER", CHAIN_A), email="canary-contact-a@example.test")
    Membership.objects.create(user=contact_a, role=Role.UNIT, unit=unit_a)
    contact_b = UserFactory(full_name=mark("UNIT-B-USER", CHAIN_B), email="canary-contact-b@example.test")
    Membership.objects.create(user=contact_b, role=Role.UNIT, unit=unit_b)
    reviewer_a = recommender_member(
        rec_a, can_decide=False, full_name=mark("REC-A-REVIEWER", {"recommender_a", "staff"})
    )
    # Staff act on A1 and B1 (formal review, levels): their timelines name them to each chain, as they do every actor.
    staff = staff_user(full_name=mark("STAFF-NAME", CHAIN_A | CHAIN_B), email="canary-staff@example.test")
    experts = []
    for n in (1, 2):
        expert = ExpertFactory(
            user=UserFactory(full_name=mark(f"EXPERT-{n}-NAME", {f"expert_{n}", "staff"})),
            organisation_name=mark(f"EXPERT-{n}-ORG", {f"expert_{n}", "staff"}),
        )
        experts.append(expert)

    # --- applications through the chain -----------------------------------------------------------------------------
    a1 = recommended_application(
        edition=edition, group=group_a, actor=contact_a, title=mark("A1-TITLE", PUBLIC | REVIEWERS)
    )
    b1 = recommended_application(
        edition=edition, group=group_b, actor=contact_b, title=mark("B1-TITLE", CHAIN_B | REVIEWERS)
    )
    a1, b1 = (
        application_transition(application=a, action=ReviewAction.FORMAL_ADMIT, actor=staff).application
        for a in (a1, b1)
    )

    # --- what the chain wrote and uploaded: opinions, the scan's and the report's file names, PDF metadata -----------
    for label, application, may_see in (("A1", a1, CHAIN_A), ("B1", b1, CHAIN_B)):
        for level in ("unit", "recommender"):
            Endorsement.objects.filter(application=application, level=level).update(
                opinion=mark(f"{label}-{level.upper()}-OPINION", may_see)
            )
        Endorsement.objects.filter(application=application, level="unit").update(
            scan_name=mark(f"{label}-SCAN-NAME", may_see, f"CANARY-{label}-SCAN-NAME.png")
        )
        for n, attachment in enumerate(application.attachments.filter(is_current=True, mime_type="application/pdf")):
            data = pdf_with_author(mark(f"{label}-PDF-AUTHOR-{n}", may_see))
            with attachment.file.open("wb") as handle:
                handle.write(data)
            attachment.original_name = mark(f"{label}-FILE-NAME-{n}", may_see, f"CANARY-{label}-FILE-NAME-{n}.pdf")
            attachment.size, attachment.sha256 = len(data), hashlib.sha256(data).hexdigest()
            attachment.save(update_fields=["original_name", "size", "sha256"])

    # --- an earlier closed round with results, and the open blind round the experts score ---------------------------
    earlier = review_round(edition, state=RoundState.CLOSED, name="材料文审")
    for application, score in ((a1, "80.00"), (b1, "70.00")):
        stored_result(earlier, application, score=Decimal(score))
    blind = review_round(edition, blind=True, name="复审")
    # In discussion, each expert sees the other's total (anonymously, by design), never their comments or name.
    discussion = review_round(edition, blind=True, name="讨论", state=RoundState.DISCUSSION)
    totals = {
        (blind, 1, "A1"): "71.7",
        (blind, 1, "B1"): "64.9",
        (blind, 2, "A1"): "93.1",
        (blind, 2, "B1"): "58.3",
        (discussion, 1, "A1"): "77.3",
        (discussion, 2, "A1"): "85.9",
    }
    for (round_, n, label), figure in totals.items():
        expert, application = experts[n - 1], {"A1": a1, "B1": b1}[label]
        prefix = f"X{n}-{label}" if round_ == blind else f"D-X{n}-{label}"
        own = {f"expert_{n}", "staff"}
        declaration_sign(actor=expert.user, round=round_)
        assignment = assigned(round_, application, expert, state=AssignmentState.ACCEPTED)
        rubric = round_.rubrics.get(category=application.category, is_current=True)
        scores = _spread(rubric, figure)
        ScoreSheet.objects.create(
            assignment=assignment,
            rubric=rubric,
            scores=scores,
            comments={item["code"]: mark(f"{prefix}-ITEM-{i}", own) for i, item in enumerate(rubric.items[:2])},
            comment=mark(f"{prefix}-COMMENT", own),
            total=Decimal(figure),
            state="submitted",
            submitted_at=timezone.now(),
        )
        mark(f"{prefix}-TOTAL", own | (REVIEWERS if round_ == discussion else set()), figure, numeric=True)

    # --- A3: group A's second entry, still in review (admitted, scored by expert 1 in the open blind round) ----------
    a3 = quick_admitted(edition, group=group_a, category="innovation")
    Application.objects.filter(pk=a3.pk).update(title=mark("A3-TITLE", CHAIN_A | {"expert_1"}))
    a3_assignment = assigned(blind, a3, experts[0], state=AssignmentState.ACCEPTED)
    a3_rubric = blind.rubrics.get(category=a3.category, is_current=True)
    first = a3_rubric.items[0]
    ScoreSheet.objects.create(
        assignment=a3_assignment,
        rubric=a3_rubric,
        scores={first["code"]: mark("X1-A3-ITEM-SCORE", {"expert_1", "staff"}, "13.7", numeric=True)},
        comments={first["code"]: mark("X1-A3-ITEM-0", {"expert_1", "staff"})},
        comment=mark("X1-A3-COMMENT", {"expert_1", "staff"}),
        total=Decimal("13.7"),
        state="draft",
    )

    # --- a presentation session of A1 judged by expert 1 only (group A presents: it is told where and when) ---------
    for expert in experts:
        PoolEntry.objects.create(programme=edition.programme, expert=expert, categories=["problem_solving"])
    presentation = presentation_round(edition, name=mark("PRESENTATION-ROUND", PUBLIC))
    presentation_session(
        presentation,
        [a1],
        judges=[experts[0]],
        name=mark("SESSION-NAME", CHAIN_A | {"expert_1"}),
        venue=mark("SESSION-VENUE", CHAIN_A | {"expert_1"}),
    )

    # --- levels, released: A1 awarded, B1 not -------------------------------------------------------------------------
    scheme = LevelScheme.objects.create(edition=edition, released_at=timezone.now(), released_by=staff)
    SchemeRound.objects.create(scheme=scheme, round=earlier, weight=100)
    award = AwardLevel.objects.create(scheme=scheme, position=0, name=mark("LEVEL-AWARD", PUBLIC))
    LevelDecision.objects.create(scheme=scheme, application=a1, level=award, released=True)
    LevelDecision.objects.create(scheme=scheme, application=b1, level=None, released=True)
    Application.objects.filter(pk=a1.pk).update(status=LevelStatus.AWARDED)
    Application.objects.filter(pk=b1.pk).update(status=LevelStatus.NOT_AWARDED)
    scheme.released_checksum = released_checksum(scheme)  # what scheme_release stores (reviews/checksum.py)
    scheme.save(update_fields=["released_checksum"])

    # --- 公示 with a public notice and an objection against A1 --------------------------------------------------------
    from notices.models_results import Objection, ObjectionNote, ObjectionRequest
    from notices.results import objection_conclude, objection_file, publicity_publish

    now = timezone.now()
    # The notice links the publicity page, as the secretariat's notice does.
    publicity_url = reverse("notices:results_publicity", args=[edition.pk])
    notice = published_notice(
        title=mark("NOTICE-TITLE", PUBLIC),
        body=f'<p>{mark("NOTICE-BODY", PUBLIC)}</p><p><a href="{publicity_url}">公示名单</a></p>',
    )
    publicity = publicity_publish(
        actor=staff, edition=edition, starts_at=now - datetime.timedelta(days=2), notice=notice
    )
    objection = Objection.objects.create(
        publicity=publicity,
        application=a1,
        tracking_number=mark("OBJ-TRACKING", STAFF, "YYCANARY0001"),
        real_name=mark("OBJECTOR-NAME", STAFF),
        mobile=mark("OBJECTOR-MOBILE", STAFF, "13964417399", numeric=True),
        email="canary-objector@example.test",
        reason=mark("OBJECTION-REASON", STAFF),
        consent=True,
        assignee=staff,
    )
    mark("OBJECTOR-EMAIL", STAFF, "canary-objector@example.test")
    ObjectionNote.objects.create(objection=objection, author=staff, text=mark("OBJECTION-NOTE", STAFF))
    ObjectionRequest.objects.create(
        objection=objection,
        question=mark("OBJECTION-QUESTION", CHAIN_A),
        deadline=now + datetime.timedelta(days=3),
        requested_by=staff,
    )
    # A second objection, filed by a member of the public through the service and answered: its objector (an
    # anonymous visitor holding its tracking number and mobile) looks up its status; nobody else may reach it.
    objection2 = objection_file(
        publicity=publicity,
        application_id=a1.pk,
        real_name=mark("OBJECTOR2-NAME", STAFF),
        mobile=mark("OBJECTOR2-MOBILE", STAFF | {"objector"}, "13964417398", numeric=True),
        email=mark("OBJECTOR2-EMAIL", STAFF, "canary-objector2@example.test"),
        reason=mark("OBJECTION2-REASON", STAFF),
        consent=True,
    )
    mark("OBJ2-TRACKING", STAFF | {"objector"}, objection2.tracking_number)
    # The answer goes to the objector and, by design (notices/results/mail/outcome_body.txt), to A1's chain.
    objection_conclude(
        actor=staff, objection=objection2, upheld=False, answer=mark("OBJECTION2-ANSWER", CHAIN_A | {"objector"})
    )
    status_url = reverse("notices:objection_status")
    wrong_mobile = "13900000000"
    lookups = {
        role: [
            (status_url, {"tracking_number": objection2.tracking_number, "mobile": wrong_mobile}),
            (status_url, {"tracking_number": objection.tracking_number, "mobile": wrong_mobile}),
        ]
        for role in ROLES
    }
    # The objector's own code, then someone else's tracking number with the objector's own mobile.
    lookups["objector"] = [
        (status_url, {"tracking_number": objection2.tracking_number, "mobile": objection2.mobile}),
        (status_url, {"tracking_number": objection.tracking_number, "mobile": objection2.mobile}),
    ]

    # --- a second edition whose level list is staged, not released ---------------------------------------------------
    staged_edition = qc_edition(title=mark("EDITION2-TITLE", PUBLIC))
    a2 = quick_admitted(staged_edition, group=group_a)
    Application.objects.filter(pk=a2.pk).update(title=mark("A2-TITLE", CHAIN_A))
    staged_scheme = LevelScheme.objects.create(edition=staged_edition)
    staged_level = AwardLevel.objects.create(scheme=staged_scheme, position=0, name=mark("LEVEL-STAGED", STAFF))
    LevelDecision.objects.create(scheme=staged_scheme, application=a2, level=staged_level, released=False)

    panel_experts, panel_urls = _onsite_panel(mark, edition, a1)
    certified, certificate_urls = _certificates(mark, staff, group_a, group_b)

    users = {
        "anonymous": None,
        "objector": None,
        "group_a": leader_a,
        "unit_a": contact_a,
        "recommender_a": reviewer_a,
        "group_b": leader_b,
        "unit_b": contact_b,
        "expert_1": experts[0].user,
        "expert_2": experts[1].user,
        "expert_3": panel_experts[0].user,
        "expert_4": panel_experts[1].user,
        "staff": staff,
    }
    names = [m.name for m in markers]
    assert len(names) == len(set(names)), "two canary markers share a name"
    return CanaryWorld(
        users=users,
        markers=markers,
        edition=edition,
        applications={"A1": a1, "B1": b1, "A2": a2, "A3": a3, **certified},
        round=blind,
        lookups=lookups,
        probes={**panel_urls, **certificate_urls},
    )


def _onsite_panel(mark, edition, a1):
    """An open on-site round of the edition: a visit to A1 by experts 3 and 4, expert 3 the panel's leader, both
    sheets submitted. The leader sees the panel's sheets (合议); the other member only their own; experts not on the
    panel and the chains see neither. Returns the two experts and the panel's and the visit's URLs."""
    from reviews.models import Panel, VisitPhoto
    from tests.factories.reviews_onsite import onsite_round, site_visit, visit_photo

    panel_experts = []
    for n in (3, 4):
        panel_experts.append(
            ExpertFactory(
                user=UserFactory(full_name=mark(f"EXPERT-{n}-NAME", ONSITE_PANEL)),  # they visit together
                organisation_name=mark(f"EXPERT-{n}-ORG", {f"expert_{n}", "staff"}),
            )
        )
    onsite = onsite_round(edition, name="现场评审")
    visit = site_visit(
        onsite,
        a1,
        panel_experts,
        address=mark("VISIT-ADDRESS", ONSITE_PANEL | CHAIN_A),  # the group is visited there
        notes=mark("VISIT-NOTES", ONSITE_PANEL),
    )
    photo = visit_photo(visit, user=panel_experts[1].user)
    VisitPhoto.objects.filter(pk=photo.pk).update(caption=mark("VISIT-PHOTO-CAPTION", ONSITE_PANEL))
    panel = Panel.objects.create(round=onsite, category=a1.category, leader=panel_experts[0])
    rubric = onsite.rubrics.get(category=a1.category, is_current=True)
    for n, expert, figure in ((3, panel_experts[0], "87.3"), (4, panel_experts[1], "62.9")):
        # The leader reads every member's sheet; a member reads only their own.
        may_see = {f"expert_{n}", "expert_3", "staff"}
        declaration_sign(actor=expert.user, round=onsite)
        assignment = onsite.assignments.get(application=a1, expert=expert)
        scores = _spread(rubric, figure)
        ScoreSheet.objects.create(
            assignment=assignment,
            rubric=rubric,
            scores=scores,
            comments={item["code"]: mark(f"OS-X{n}-ITEM-{i}", may_see) for i, item in enumerate(rubric.items[:2])},
            comment=mark(f"OS-X{n}-COMMENT", may_see),
            total=Decimal(figure),
            state="submitted",
            submitted_at=timezone.now(),
        )
        mark(f"OS-X{n}-TOTAL", may_see, figure, numeric=True)
    urls = {
        reverse("reviews:panel_detail", args=[panel.pk]): frozenset({"expert_3", "staff"}),
        reverse("reviews:visit_detail", args=[visit.pk]): ONSITE_PANEL,
        reverse("reviews:visit_photo", args=[visit.pk, photo.pk, "full"]): ONSITE_PANEL,
        reverse("reviews:visit_list", args=[onsite.pk]): STAFF,
    }
    return panel_experts, urls


def _certificates(mark, staff, group_a, group_b):
    """A third edition whose results are released and confirmed for A4 (group A) and B4 (group B), their
    certificates built and the staff's batch ZIP made (the services, as staff run them). Each chain reaches its own
    certificate only; the ZIP is staff's. Returns the applications, and the URLs of both certificates and the ZIP
    with the roles each answers."""
    from applications.services import application_transition
    from notices import certificates
    from notices.workflow import ResultAction
    from reviews import levels
    from tests.factories.applications import png_bytes
    from tests.factories.reviews_levels import closed_round, level_scheme, result

    edition = qc_edition(title=mark("EDITION3-TITLE", PUBLIC))
    a4 = quick_admitted(edition, group=group_a)
    b4 = quick_admitted(edition, group=group_b)
    Application.objects.filter(pk=a4.pk).update(title=mark("A4-TITLE", CHAIN_A))
    Application.objects.filter(pk=b4.pk).update(title=mark("B4-TITLE", CHAIN_B))
    doc = closed_round(edition, name="材料文审")
    for application in (a4, b4):
        result(doc, application, 95)
    scheme = level_scheme(edition, {doc: 100}, levels=[(mark("LEVEL-CERT", CHAIN_A | CHAIN_B), None, None, None)])
    assert levels.scheme_release(actor=staff, scheme=scheme)
    confirmed = {}
    for label, application in (("A4", a4), ("B4", b4)):
        application.refresh_from_db()
        confirmed[label] = application_transition(
            application=application, action=ResultAction.CONFIRM_AWARD, actor=staff
        ).application
    certificates.certificate_template_save(
        actor=staff,
        owner=edition,
        data={
            "title": "荣誉证书",
            "body": "{group}（{unit}）：{topic}\n{members}\n{number}",
            "signer": "上海市质量协会",
        },
        images={"seal": (png_bytes((200, 200)), "seal.png")},
    )
    batch = certificates.certificate_batch_start(actor=staff, edition=edition, queue=False)
    while certificates.certificate_batch_chunk_run(batch_id=batch.pk, lane=0, lanes=1):
        pass
    batch.refresh_from_db()
    assert batch.zip_file, "the certificate batch left no ZIP"
    for label, may_see in (("A4", CHAIN_A), ("B4", CHAIN_B)):
        certificate = certificates.certificate_of(confirmed[label])
        assert certificate is not None, f"no certificate for {label}"
        mark(f"CERT-{label}-NUMBER", may_see, certificate.number)
    urls = {
        reverse("notices:certificate_download", args=[confirmed["A4"].pk]): CHAIN_A,
        reverse("notices:certificate_download", args=[confirmed["B4"].pk]): CHAIN_B,
        reverse("notices:certificate_batch_zip", args=[batch.pk]): STAFF,
    }
    return confirmed, urls
