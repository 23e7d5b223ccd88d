"""The canary world: one full QC edition whose every sensitive field carries a unique marker string.

Two chains of organisations, A and B:

    recommender A → unit A → group A → application A1 (admitted, reviewed, awarded, in the publicity)
    recommender B → unit B → group B → application B1 (admitted, reviewed, not awarded)

Two experts score both applications blind in an open document round (submitted sheets, comments on every item and
overall, a distinctive total each). The edition has a closed earlier round with results, a released level list
(A1 awarded, B1 not), a started publicity with a public notice, and an objection against A1 with a request to its
applicant. A second edition holds a staged (unreleased) level decision of group A.

Every marker is a `Marker`: the text (or, for a score, the figure) and the roles that may see it. Anything a role
is not listed for is forbidden to it. Roles: anonymous, group_a (leader of group A), unit_a (contact of unit A),
recommender_a (a reviewer of recommender A who does not decide), expert_1, expert_2, staff.
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

ROLES = ("anonymous", "group_a", "unit_a", "recommender_a", "expert_1", "expert_2", "staff")

# Who may see what, by the kind of data. "public": everyone (it is in the publicity list or a public notice).
PUBLIC = frozenset(ROLES)
CHAIN_A = frozenset({"group_a", "unit_a", "recommender_a", "staff"})
UNIT_A_SIDE = frozenset({"unit_a", "recommender_a", "staff"})  # the unit's own records, not its groups'
REVIEWERS = frozenset({"expert_1", "expert_2"})
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
    rec_b = RecommenderFactory(name=mark("REC-B-NAME", PUBLIC), contact_name=mark("REC-B-CONTACT", STAFF))
    unit_a = UnitFactory(
        name=mark("UNIT-A-NAME", PUBLIC),  # named in the publicity list (A1 is awarded)
        recommender=rec_a,
        address=mark("UNIT-A-ADDRESS", CHAIN_A),
        contact_name=mark("UNIT-A-CONTACT", CHAIN_A),
        contact_phone=mark("UNIT-A-PHONE", CHAIN_A, "021-64417301", numeric=True),
        contact_email="canary-unit-a@example.test",
    )
    unit_b = UnitFactory(
        name=mark("UNIT-B-NAME", STAFF),
        recommender=rec_b,
        address=mark("UNIT-B-ADDRESS", STAFF),
        contact_name=mark("UNIT-B-CONTACT", STAFF),
        contact_phone=mark("UNIT-B-PHONE", STAFF, "021-64417302", numeric=True),
        contact_email="canary-unit-b@example.test",
    )
    leader_a = UserFactory(
        full_name=mark("GROUP-A-LEADER", CHAIN_A),
        mobile=mark("GROUP-A-LEADER-MOBILE", CHAIN_A, "13964417303", numeric=True),
        email="canary-leader-a@example.test",
    )
    leader_b = UserFactory(
        full_name=mark("GROUP-B-LEADER", STAFF),
        mobile=mark("GROUP-B-LEADER-MOBILE", STAFF, "13964417304", numeric=True),
        email="canary-leader-b@example.test",
    )
    group_a = eligible_group(unit_a, members=0, leader=leader_a, name=mark("GROUP-A-NAME", PUBLIC))
    group_b = eligible_group(unit_b, members=0, leader=leader_b, name=mark("GROUP-B-NAME", STAFF))
    for side, group, may_see in (("A", group_a, CHAIN_A), ("B", group_b, STAFF)):
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
    contact_b = UserFactory(full_name=mark("UNIT-B-USER", STAFF), email="canary-contact-b@example.test")
    Membership.objects.create(user=contact_b, role=Role.UNIT, unit=unit_b)
    reviewer_a = recommender_member(
        rec_a, can_decide=False, full_name=mark("REC-A-REVIEWER", {"recommender_a", "staff"})
    )
    # Staff act on A1 (formal review, levels): its timeline names them to the chain, as it does every actor.
    staff = staff_user(full_name=mark("STAFF-NAME", CHAIN_A | STAFF), email="canary-staff@example.test")
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
        edition=edition, group=group_b, actor=contact_b, title=mark("B1-TITLE", STAFF | REVIEWERS)
    )
    a1, b1 = (
        application_transition(application=a, action=ReviewAction.FORMAL_ADMIT, actor=staff).application
        for a in (a1, b1)
    )

    # --- what the chain wrote and uploaded: opinions, the scan's and the report's file names, PDF metadata -----------
    for label, application, may_see in (("A1", a1, CHAIN_A), ("B1", b1, STAFF)):
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
        scores, left = {}, Decimal(figure)
        for item in rubric.items:
            points = min(Decimal(item["max_points"]), left)
            scores[item["code"]] = str(points)
            left -= points
        assert left == 0, "the rubric's maximum is below the canary total"
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
    from notices.results import publicity_publish

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

    # --- a second edition whose level list is staged, not released ---------------------------------------------------
    staged_edition = qc_edition(title=mark("EDITION2-TITLE", PUBLIC))
    a2 = quick_admitted(staged_edition, group=group_a)
    Application.objects.filter(pk=a2.pk).update(title=mark("A2-TITLE", CHAIN_A))
    staged_scheme = LevelScheme.objects.create(edition=staged_edition)
    staged_level = AwardLevel.objects.create(scheme=staged_scheme, position=0, name=mark("LEVEL-STAGED", STAFF))
    LevelDecision.objects.create(scheme=staged_scheme, application=a2, level=staged_level, released=False)

    users = {
        "anonymous": None,
        "group_a": leader_a,
        "unit_a": contact_a,
        "recommender_a": reviewer_a,
        "expert_1": experts[0].user,
        "expert_2": experts[1].user,
        "staff": staff,
    }
    names = [m.name for m in markers]
    assert len(names) == len(set(names)), "two canary markers share a name"
    return CanaryWorld(
        users=users,
        markers=markers,
        edition=edition,
        applications={"A1": a1, "B1": b1, "A2": a2, "A3": a3},
        round=blind,
    )
