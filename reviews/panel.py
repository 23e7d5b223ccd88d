"""Panels (评审组), their leaders (评审组长) and the consensus meeting (合议).

A panel is the experts of a round who judge one category: those with a live assignment on an application of that
category. A presentation round has a panel per session instead: its judges, through the live assignments of the
session's slots (a conflicted judge's blank slot has none, so it never holds the panel up). Staff may name one of
them leader. Once every live assignment of the panel has a submitted sheet, the
leader (and staff) see all of the panel's scores and comments, and record the panel's conclusion per application:
the agreed score (the round's result, or the result adjusted with a reason) and a recommended level. Other
experts never see this page. `panel_conclusions(round_)` is how the combined ranking reads the conclusions.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Expert
from awards import scores
from core import roles
from core.audit import audit_record
from core.exceptions import BusinessRuleError

from .conflicts import conflict_pairs
from .enums import LIVE_ASSIGNMENT_STATES, RoundKind, RoundState, SheetState
from .models import Assignment, Panel, PanelConclusion, PresentationSession, ReviewRound, RoundRubric, SessionSlot
from .results import round_results
from .scoring import rubric_items

LEVEL_MAX_LENGTH = 40


def _members_qs(round_: ReviewRound, category_id: int, session_id: int | None = None):
    """The live assignments of a category's panel, or of a session's (those on the session's slots: a slot is
    unique per round and application, so the join adds no duplicates)."""
    live = Assignment.objects.filter(round=round_, state__in=LIVE_ASSIGNMENT_STATES)
    if session_id is not None:
        return live.filter(application__presentation_slots__session_id=session_id)
    return live.filter(application__category_id=category_id)


def _panel_assignments(panel: Panel):
    return _members_qs(panel.round, panel.category_id, panel.session_id)


def panel_members(round_: ReviewRound, category_id: int, session_id: int | None = None) -> list[Expert]:
    ids = _members_qs(round_, category_id, session_id).values("expert")
    return list(Expert.objects.filter(pk__in=ids).select_related("user").order_by("user__full_name", "pk"))


@transaction.atomic
def panel_leader_set(
    *, actor, round: ReviewRound, category, expert: Expert | None, session: PresentationSession | None = None
) -> Panel:
    """Name `expert` (one of the panel's experts) leader of the round's panel for `category` — for `session` in a
    presentation round, which judges per session — or clear the leader (None). Staff only, and only while the
    panel's conclusions can still change (not once the committee votes on a list counting the round or the list is
    released: who concluded is then part of the record). Locks the panel row; audited `panel.leader_set`; a no-op
    writes nothing."""
    if not roles.is_staff(actor):
        raise BusinessRuleError(_("Only the secretariat names panel leaders."), code="staff")
    _refuse_if_ranking_frozen(round)
    if (round.kind == RoundKind.PRESENTATION) != (session is not None):
        raise BusinessRuleError(
            _("A presentation round has a panel per session; other rounds a panel per category."), code="panel_kind"
        )
    if session is not None:
        if session.round_id != round.pk:
            raise BusinessRuleError(_("The session is not part of this round."), code="session_round")
        category = session.category
    session_id = session.pk if session is not None else None
    if expert is not None and not _members_qs(round, category.pk, session_id).filter(expert=expert).exists():
        raise BusinessRuleError(_("The leader must be one of the panel's experts."), code="not_member")
    panel, _created = Panel.objects.get_or_create(round=round, category=category, session=session)
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    old = panel.leader_id
    new = expert.pk if expert else None
    if old != new:
        panel.leader_id = new
        panel.save(update_fields=["leader", "updated_at"])
        audit_record(actor=actor, obj=panel, action="panel.leader_set", changes={"leader": [old, new]})
    return panel


# --- What the leader sees ------------------------------------------------------------------------------------------


@dataclass
class ExpertSheet:
    expert: Expert
    total: Decimal | None
    items: list[tuple[str, str, str]]  # (item name, score, comment)
    comment: str


@dataclass
class ApplicationReview:
    application: object
    code: str
    round_score: Decimal | None
    sheets: list[ExpertSheet] = field(default_factory=list)
    conclusion: PanelConclusion | None = None


@dataclass
class PanelReview:
    panel: Panel
    missing: list[tuple[Expert, int]]  # experts with unsubmitted sheets, and how many
    rows: list[ApplicationReview]
    max_points: Decimal | None

    @property
    def complete(self) -> bool:
        return not self.missing


def _hidden_for(user, round_: ReviewRound) -> set[int]:
    """Applications the viewing expert is conflicted with (staff: none): left out of their page and refused."""
    if roles.is_staff(user):
        return set()
    expert = getattr(user, "expert_profile", None)
    if expert is None:
        return set()
    return {a for e, a in conflict_pairs(round_) if e == expert.pk}


def panel_review(panel: Panel, user) -> PanelReview:
    """The panel's applications with every member's submitted sheet (items, comments), the round's result and the
    conclusion, plus the members whose sheets are missing. Applications the viewer is conflicted with are left
    out."""
    round_ = panel.round
    assignments = list(
        _panel_assignments(panel)
        .select_related("expert__user", "application", "sheet__rubric")
        .order_by("code", "application_id", "expert__user__full_name")
    )
    hidden = _hidden_for(user, round_)
    results = {row.application_id: row.result for row in round_results(round_).rows}
    conclusions = {c.application_id: c for c in PanelConclusion.objects.filter(panel=panel)}
    missing: dict[int, list] = {}
    rows: dict[int, ApplicationReview] = {}
    for assignment in assignments:
        sheet = getattr(assignment, "sheet", None)
        if sheet is None or sheet.state != SheetState.SUBMITTED:
            missing.setdefault(assignment.expert_id, [assignment.expert, 0])[1] += 1
            continue
        if assignment.application_id in hidden:
            continue
        row = rows.setdefault(
            assignment.application_id,
            ApplicationReview(
                application=assignment.application,
                code=assignment.code,
                round_score=results.get(assignment.application_id),
                conclusion=conclusions.get(assignment.application_id),
            ),
        )
        row.sheets.append(
            ExpertSheet(
                expert=assignment.expert,
                total=sheet.total,
                items=[
                    (item.localized("name"), sheet.scores.get(item.code, ""), sheet.comments.get(item.code, ""))
                    for item in rubric_items(sheet.rubric)
                ],
                comment=sheet.comment,
            )
        )
    rubric = RoundRubric.objects.filter(round=round_, category_id=panel.category_id, is_current=True).first()
    return PanelReview(
        panel=panel,
        missing=[tuple(pair) for pair in missing.values()],
        rows=list(rows.values()),
        max_points=rubric.total_points if rubric else None,
    )


def panel_complete(panel: Panel) -> bool:
    live = _panel_assignments(panel)
    return live.exists() and not live.exclude(sheet__state=SheetState.SUBMITTED).exists()


def _decimal(value, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise BusinessRuleError(_("%(label)s must be a number.") % {"label": label}, code="number")
    return number


def _refuse_if_ranking_frozen(round_: ReviewRound) -> None:
    """The agreed score is an adjustment of the combined ranking (`panel_adjustments`): once the committee votes
    on a list counting this round, or the list is released, a new conclusion would change the list under the votes
    or the released results behind their checksum (publicity, finalisation and certificates then stop as
    tampered). The schemes are locked, like a level change locks its scheme."""
    from .levels import _refuse_if_frozen
    from .models_levels import LevelScheme

    for scheme in LevelScheme.objects.select_for_update().filter(rounds__round=round_).order_by("pk"):
        _refuse_if_frozen(scheme)


def ranking_frozen(round_: ReviewRound) -> str:
    """Why the panels' conclusions and leaders of `round_` can no longer change ("" while they can): the page's
    read of what `_refuse_if_ranking_frozen` enforces under its lock."""
    from .levels import _refuse_if_frozen
    from .models_levels import LevelScheme

    try:
        for scheme in LevelScheme.objects.filter(rounds__round=round_).order_by("pk"):
            _refuse_if_frozen(scheme)
    except BusinessRuleError as error:
        return str(error.message)
    return ""


@transaction.atomic
def panel_conclusion_record(
    *,
    actor,
    panel: Panel,
    application,
    agreed_score=None,
    adjustment=None,
    reason: str = "",
    recommended_level: str = "",
    notes: str = "",
) -> PanelConclusion:
    """Record (or change) the panel's conclusion on `application`: the agreed score is `agreed_score`, else the
    round's result plus `adjustment` (+/− points), else the round's result. A score that differs from the round's
    result needs a reason; it stays within 0 and the rubric's total. Only the panel's leader (not for an
    application they are conflicted with) and staff, and only once every live assignment of the panel is
    submitted and while no level scheme counting the round is being voted on or released. Locks the panel;
    audited `panel_conclusion.recorded` with the scores before and after."""
    panel = Panel.objects.select_for_update(of=("self",)).select_related("round", "leader").get(pk=panel.pk)
    is_staff = roles.is_staff(actor)
    if not is_staff and (panel.leader is None or panel.leader.user_id != getattr(actor, "pk", None)):
        raise BusinessRuleError(_("Only the panel's leader records its conclusions."), code="not_leader")
    if not panel_complete(panel):
        raise BusinessRuleError(
            _("Not every expert of the panel has submitted: the conclusion waits."), code="incomplete"
        )
    _refuse_if_ranking_frozen(panel.round)
    if not _panel_assignments(panel).filter(application=application).exists():
        raise BusinessRuleError(_("This application is not judged by this panel."), code="not_in_panel")
    if application.pk in _hidden_for(actor, panel.round):
        raise BusinessRuleError(_("You have a conflict of interest with this application."), code="conflict")
    row = next((r for r in round_results(panel.round).rows if r.application_id == application.pk), None)
    round_score = row.result if row else None
    agreed = _decimal(agreed_score, _("The agreed score"))
    delta = _decimal(adjustment, _("The adjustment"))
    if agreed is None and delta is not None:
        if round_score is None:
            raise BusinessRuleError(_("There is no round result to adjust."), code="no_result")
        agreed = round_score + delta
    if agreed is None:
        agreed = round_score
    agreed = scores.round_half_up(agreed)
    rubric = RoundRubric.objects.filter(round=panel.round, category_id=panel.category_id, is_current=True).first()
    top = rubric.total_points if rubric else None
    if agreed is not None and (agreed < 0 or (top is not None and agreed > top)):
        raise BusinessRuleError(_("The agreed score must be between 0 and %(max)s.") % {"max": top}, code="score_range")
    reason = (reason or "").strip()
    if agreed != round_score and not reason:
        raise BusinessRuleError(
            _("The agreed score differs from the round's result: give the reason."), code="reason_required"
        )
    level = (recommended_level or "").strip()
    if len(level) > LEVEL_MAX_LENGTH:
        raise BusinessRuleError(_("The recommended level is too long."), code="level")
    conclusion = PanelConclusion.objects.filter(panel=panel, application=application).first()
    before_score = conclusion.agreed_score if conclusion else round_score
    before_level = conclusion.recommended_level if conclusion else ""
    if conclusion is None:
        conclusion = PanelConclusion(panel=panel, application=application)
    conclusion.round_score = round_score
    conclusion.agreed_score = agreed
    conclusion.reason = reason if agreed != round_score else ""
    conclusion.recommended_level = level
    conclusion.notes = (notes or "").strip()
    conclusion.recorded_by = actor
    conclusion.save()
    audit_record(
        actor=actor,
        obj=conclusion,
        action="panel_conclusion.recorded",
        changes={
            "score": [None if before_score is None else str(before_score), None if agreed is None else str(agreed)],
            "round_score": [None, None if round_score is None else str(round_score)],
            "recommended_level": [before_level, level],
        },
        note=conclusion.reason,
    )
    return conclusion


# --- Selectors -----------------------------------------------------------------------------------------------------


def panel_conclusions(round_: ReviewRound) -> dict[int, PanelConclusion]:
    """{application id: the panel's conclusion} for every application of the round that has one (an application
    sits in one session per round, so one panel concludes on it)."""
    return {
        c.application_id: c
        for c in PanelConclusion.objects.filter(panel__round=round_).select_related("panel__leader__user")
    }


def round_panels(round_: ReviewRound) -> list[dict]:
    """Each panel of the round with live assignments — per category, or per session in a presentation round: its
    panel (or None), its members and whether all are submitted (for the staff's panel page). Rows carry
    `category`, `session` (None outside presentation rounds) and `key` (unique per row, for the form ids)."""
    rows = list(
        Assignment.objects.filter(round=round_, state__in=LIVE_ASSIGNMENT_STATES)
        .select_related("application__category", "expert__user", "sheet")
        .order_by("application__category__position", "application__category_id", "expert__user__full_name")
    )
    by_session = round_.kind == RoundKind.PRESENTATION
    sessions = {}
    if by_session:
        sessions = {
            slot.application_id: slot.session
            for slot in SessionSlot.objects.filter(round=round_).select_related("session__category")
        }
        # An assignment off every session (not made by the session tools) belongs to no panel.
        rows = [a for a in rows if a.application_id in sessions]
        rows.sort(key=lambda a: (sessions[a.application_id].starts_at, sessions[a.application_id].pk))
    panels = {
        (p.session_id if by_session else p.category_id): p
        for p in Panel.objects.filter(round=round_, session__isnull=not by_session).select_related("leader__user")
    }
    out: dict[int, dict] = {}
    for assignment in rows:
        category = assignment.application.category
        session = sessions.get(assignment.application_id)
        key = session.pk if by_session else category.pk
        entry = out.setdefault(
            key,
            {
                "key": f"s{key}" if by_session else f"c{key}",
                "category": category,
                "session": session,
                "panel": panels.get(key),
                "members": {},
                "submitted": 0,
                "total": 0,
            },
        )
        entry["members"].setdefault(assignment.expert_id, assignment.expert)
        entry["total"] += 1
        sheet = getattr(assignment, "sheet", None)
        if sheet is not None and sheet.state == SheetState.SUBMITTED:
            entry["submitted"] += 1
    for entry in out.values():
        entry["members"] = list(entry["members"].values())
    return list(out.values())


def panels_led_by(user) -> list[Panel]:
    """The panels the user leads, in rounds past preparation."""
    expert = getattr(user, "expert_profile", None)
    if expert is None:
        return []
    return list(
        Panel.objects.filter(leader=expert)
        .exclude(round__state=RoundState.DRAFT)
        .select_related("round", "category", "session")
        .order_by("-round__opens_at", "category__position")
    )


def panel_for(user, pk) -> Panel | None:
    """Panel `pk` for its leader or staff (None for anyone else: the page answers 404)."""
    panel = Panel.objects.filter(pk=pk).select_related("round__edition", "category", "session", "leader__user").first()
    if panel is None or not user.has_perm("reviews.lead_panel", panel):
        return None
    return panel


def panel_adjustments(round_: ReviewRound) -> dict[int, tuple]:
    """The panel's agreed scores as an adjustment source of the combined ranking (`levels.register_adjustment_source`):
    {application id: (agreed score, note)}; the note carries the reason and the level the panel recommends."""
    found = {}
    for application_id, conclusion in panel_conclusions(round_).items():
        if conclusion.agreed_score is None:
            continue
        parts = [conclusion.reason.strip()]
        if conclusion.recommended_level:
            parts.append(_("Panel recommends: %(level)s") % {"level": conclusion.recommended_level})
        found[application_id] = (conclusion.agreed_score, " · ".join(p for p in parts if p))
    return found
