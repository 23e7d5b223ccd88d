"""State cells of the authorization matrix: every state-dependent mutating action, in each state where it is possible
and in states where it is not.

tests/test_authz_matrix.py checks who may call each URL; this module checks *when*. For each action below the
world's object (tests/authz_world.py) is put into a state, and the allowed role POSTs:

- a possible state: the POST succeeds (no error message) and has its effect (the state moved, the row written);
- an impossible state: the POST is refused (a 4xx, or a page/redirect without a success message) and PostgreSQL's
  per-transaction counters show nothing written (the same check as the matrix's refusals), the state unchanged.

The state machines are the source of truth: the application's transition table (`applications.enums.TRANSITIONS`,
as extended by reviews and notices at start-up), the review round's moves (`reviews.rounds.ROUND_MOVES`), the
score sheet's and the assignment's states, the objection's (`ObjectionState`, with `ObjectionEffect` for what an
upheld one changes), the certificate batch's (`BatchState`) and the presentation session's (`SessionState`). The
coverage tests fail when a machine gains a move or a state that no cell covers. Machines without an enum of their
own have cells for the states their services check: the panel's conclusion (sheets complete; the level scheme
counting the round not voting or released), the level scheme (a level change, the committee vote and its reset),
the results publicity (publish, finalise), a presentation slot's move and its file upload, an on-site visit's
change and photos (by the on-site round's state).

A state where the action already stands where it leads (a repeated request) is answered as done by the views; such
a cell checks only that nothing was written and the state is unchanged.

Cells are keyed `action|state|possible-or-impossible`; tests/authz_summary.py prints "authz states: A actions ×
their states = C cells, W wrong outcomes" after a run.

Objects are put into states through the services (`application_transition` walks the table's own moves, the
shortest way from where the world's object stands); a raw write is used only where no service path exists, with a
comment saying so.
"""

import collections
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import enums as app_enums
from applications.enums import Action, Status, repeats
from applications.models import Application
from applications.services import application_transition
from notices.workflow import ResultAction, ResultStatus
from reviews.enums import ReviewAction, ReviewStatus
from reviews.workflow_levels import LevelAction, LevelStatus
from tests import test_authz_matrix as matrix
from tests.test_authz_matrix import table_writes

pytestmark = pytest.mark.unit

# The matrix's fixture: one world per role, closed after the test.
world_for = matrix.world_for

# --- reaching a state ---------------------------------------------------------------------------------------------


def transitions() -> dict[str, tuple[frozenset[str], str]]:
    """The application's transition table in force (applications' own moves and those higher apps added)."""
    return app_enums.TRANSITIONS


def path_between(start: str, goal: str) -> list[str] | None:
    """The shortest list of moves of the transition table from `start` to `goal` (None when there is none)."""
    queue = collections.deque([(start, [])])
    seen = {start}
    while queue:
        status, path = queue.popleft()
        if status == goal:
            return path
        for action, (sources, target) in sorted(transitions().items()):
            if status in sources and target not in seen:
                seen.add(target)
                queue.append((target, [*path, action]))
    return None


def _formal_step(outcome: str):
    """A formal-review move through its own service, which also writes the FormalReview row the pages read."""

    def step(world, application):
        from reviews import formal

        items = [formal.checklist_ensure(application.edition)[0].code] if outcome == "correct" else []
        deadline = timezone.now() + datetime.timedelta(days=10) if outcome == "correct" else None
        formal.formal_review_decide(
            actor=world.get("staff_user"),
            application=application,
            outcome=outcome,
            reason="形式审查意见",
            correction_items=items,
            correction_deadline=deadline,
        )

    return step


def _resubmit_step(world, application):
    from reviews import formal

    formal.correction_resubmit(actor=application.created_by, application=application)


# Moves whose own service writes more than the status (rows other pages read): the walk uses that service.
SERVICE_STEPS = {
    ReviewAction.FORMAL_ADMIT: _formal_step("admit"),
    ReviewAction.FORMAL_RETURN: _formal_step("correct"),
    ReviewAction.FORMAL_NOT_ADMIT: _formal_step("not_admit"),
    ReviewAction.FORMAL_DEFER: _formal_step("defer"),
    ReviewAction.FORMAL_REJECT: _formal_step("reject"),
    ReviewAction.RESUBMIT_CORRECTION: _resubmit_step,
}


def move_application(world, application: Application, status: str) -> Application:
    """Walk `application` to `status`, the shortest way through the table: each move through its own service where
    it writes more than the status (SERVICE_STEPS), else through `application_transition` (the one service every
    move goes through; the per-page services add only their checks of who, when and what is complete)."""
    application.refresh_from_db()
    path = path_between(application.status, status)
    assert path is not None, f"the transition table has no way from {application.status!r} to {status!r}"
    staff = world.get("staff_user")
    for action in path:
        if action in SERVICE_STEPS:
            SERVICE_STEPS[action](world, application)
        else:
            application_transition(application=application, action=action, actor=staff)
        application.refresh_from_db()
    return application


# --- the cells ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateAction:
    """One state-dependent action: a URL the allowed role POSTs, on a world object put into each state."""

    key: str
    url: str
    role: str
    obj: str  # a world object (an application unless `reach` says otherwise)
    possible: tuple[str, ...]
    impossible: tuple[str, ...]
    machine: str = "application"  # which state machine `possible` / `impossible` name states of
    actions: tuple[str, ...] = ()  # the transition-table moves this cell exercises (coverage)
    kwargs: Callable[[Any], dict] = lambda obj: {"pk": obj.pk}
    data: Callable[[Any, Any], dict] = lambda world, obj: {}
    # Put the object into a state; returns the object to act on.
    reach: Callable[[Any, Any, str], Any] = move_application
    # The object's state now (to see that a refusal left it where it was).
    state_of: Callable[[Any], str] = lambda obj: obj.status
    # Assert the effect of a successful POST (the object refreshed).
    effect: Callable[[Any, Any, str], None] | None = None
    target: str = ""  # for applications: where a success leads (default: the one move's target)
    # Run once the object is in its state, before the POST: what else the action needs there (a ranking, ...).
    prepare: Callable[[Any, Any], None] | None = None
    # Whether an impossible state is where the action leads already (a repeated request, answered as done; it
    # must still write nothing). Default: the application's table says so (`repeats`).
    repeat: Callable[[str], bool] | None = None


def _target_of(action: StateAction) -> str:
    return action.target or transitions()[action.actions[0]][1]


def _possible_of(*actions: str) -> tuple[str, ...]:
    """The states the transition table allows `actions` from (all of them: the same sources)."""
    sources = {frozenset(transitions()[a][0]) for a in actions}
    assert len(sources) == 1, f"{actions} start from different states"
    return tuple(sorted(next(iter(sources))))


def _later(days: int = 10) -> str:
    return f"{timezone.localtime(timezone.now() + datetime.timedelta(days=days)):%Y-%m-%dT%H:%M}"


def _formal_data(outcome: str):
    def data(world, application):
        from reviews import formal

        values = {"outcome": outcome, "reason": "形式审查意见"}
        if outcome == "correct":
            values["correction_items"] = [formal.checklist_ensure(application.edition)[0].code]
            values["correction_deadline"] = _later()
        return values

    return data


def _edit_data(world, application):
    return {
        "revision": str(application.revision),
        "title": "状态矩阵：修改后的课题名称",
        "category": application.subtype_id or application.category_id,
    }


def _upload_data(world, application):
    from tests.factories.applications import pdf_bytes, upload

    requirement = application.edition.attachment_requirements.get(code="report")
    return {"requirement": requirement.pk, "file": upload("成果报告-状态矩阵.pdf", pdf_bytes(text="状态矩阵"))}


def _uploaded(world, application, state):
    assert application.attachments.filter(original_name="成果报告-状态矩阵.pdf").exists(), "the file was not stored"


def _ranked(world, application):
    """Recommending needs the category ranked first (recommenders.services.recommender_rank)."""
    from recommenders.services import ranked_applications, recommender_rank

    recommender = application.unit.recommender
    ranked = ranked_applications(recommender, application.edition, application.category)
    recommender_rank(
        actor=world.actor,
        recommender=recommender,
        edition=application.edition,
        category=application.category,
        ordered_ids=[a.pk for a in ranked],
    )


def _next_edition(world, application):
    """Carrying over needs a later edition of the same programme."""
    from tests.factories.awards import EditionFactory

    EditionFactory(programme=application.edition.programme, year=application.edition.year + 1)


def _sealed(world, application):
    """Revoking verifies the released results against their checksum: seal them as they stand now (the world's
    release has none yet)."""
    from reviews.checksum import released_scheme_seal

    released_scheme_seal(actor=world.get("staff_user"), scheme=application.edition.level_scheme)


def _direct_unit(world, application):
    """The unit is a member that applies directly, confirmed by staff (accounts.services.unit_confirm_direct). The
    membership flags are the unit's registration answers; no service sets them after registration (raw write)."""
    from accounts.models import Unit
    from accounts.services import unit_confirm_direct

    Unit.objects.filter(pk=application.unit_id).update(is_member=True, applies_directly=True)
    unit_confirm_direct(actor=world.get("staff_user"), unit=application.unit, confirmed=True)


def _edited(world, application, state):
    assert application.title == "状态矩阵：修改后的课题名称", "the draft was not saved"


FORMAL_IMPOSSIBLE = (Status.ENDORSED, ReviewStatus.ADMITTED, ReviewStatus.NOT_ADMITTED, LevelStatus.AWARDED)

ACTIONS: list[StateAction] = [
    StateAction(
        "submit",
        "applications:submit",
        "group",
        "app_own_draft",
        possible=_possible_of(Action.SUBMIT),
        impossible=(Status.SUBMITTED, Status.WITHDRAWN, Status.ENDORSED),
        actions=(Action.SUBMIT,),
        data=lambda world, obj: {"confirm": "on"},
    ),
    StateAction(
        "withdraw",
        "applications:withdraw",
        "group",
        "app_own_draft",
        possible=_possible_of(Action.WITHDRAW),
        impossible=(Status.WITHDRAWN, Status.ENDORSED, Status.RETURNED_TO_UNIT),
        actions=(Action.WITHDRAW,),
    ),
    StateAction(
        "edit",
        "applications:edit",
        "group",
        "app_own_draft",
        possible=tuple(sorted(app_enums.status_sets().editable)),
        impossible=(Status.SUBMITTED, Status.WITHDRAWN),
        data=_edit_data,
        effect=_edited,
    ),
    StateAction(
        "upload",
        "applications:attachments",
        "group",
        "app_own_draft",
        possible=tuple(sorted(app_enums.status_sets().editable)),
        impossible=(Status.SUBMITTED, Status.WITHDRAWN, Status.ENDORSED),
        data=_upload_data,
        effect=_uploaded,
    ),
    StateAction(
        "unit_endorse",
        "recommenders:unit_endorse",
        "unit",
        "unitch_own_application",
        possible=_possible_of(Action.UNIT_ENDORSE),
        impossible=(Status.RETURNED_TO_GROUP, Status.ENDORSED, Status.DECLINED),
        actions=(Action.UNIT_ENDORSE,),
    ),
    StateAction(
        "unit_endorse_direct",
        "recommenders:unit_endorse",
        "unit",
        "unitch_own_application",
        possible=_possible_of(Action.UNIT_ENDORSE_DIRECT),
        impossible=(Status.RETURNED_TO_GROUP, Status.RECOMMENDED),
        actions=(Action.UNIT_ENDORSE_DIRECT,),
        prepare=_direct_unit,
    ),
    StateAction(
        "unit_return",
        "recommenders:unit_return",
        "unit",
        "unitch_own_application",
        possible=_possible_of(Action.UNIT_RETURN),
        impossible=(Status.RETURNED_TO_GROUP, Status.ENDORSED, Status.RECOMMENDED),
        actions=(Action.UNIT_RETURN,),
        data=lambda world, obj: {"reason": "请补充现状调查数据。"},
    ),
    StateAction(
        "recommender_return",
        "recommenders:recommender_return",
        "recommender",
        "rec_own_application",
        possible=_possible_of(Action.RECOMMENDER_RETURN),
        impossible=(Status.RETURNED_TO_UNIT, Status.RECOMMENDED, Status.DECLINED),
        actions=(Action.RECOMMENDER_RETURN,),
        data=lambda world, obj: {"reason": "请补充单位意见。"},
    ),
    StateAction(
        "recommend",
        "recommenders:recommender_decide",
        "recommender",
        "rec_own_application",
        possible=_possible_of(Action.RECOMMEND),
        impossible=(Status.RETURNED_TO_UNIT, Status.RECOMMENDED, ReviewStatus.ADMITTED),
        actions=(Action.RECOMMEND,),
        data=lambda world, obj: {"decision": "recommend", "opinion": "同意推荐。", "confirm": "on"},
        prepare=_ranked,
    ),
    StateAction(
        "decline",
        "recommenders:recommender_decide",
        "recommender",
        "rec_own_application",
        possible=_possible_of(Action.DECLINE),
        impossible=(Status.RETURNED_TO_UNIT, Status.DECLINED, ReviewStatus.ADMITTED),
        actions=(Action.DECLINE,),
        data=lambda world, obj: {"decision": "decline", "opinion": "材料不足。", "confirm": "on"},
    ),
    StateAction(
        "reconsider",
        "recommenders:recommender_reconsider",
        "recommender",
        "rec_own_application",
        possible=_possible_of(Action.RECONSIDER),
        impossible=(Status.ENDORSED, Status.RETURNED_TO_UNIT, ReviewStatus.ADMITTED),
        actions=(Action.RECONSIDER,),
    ),
    *[
        StateAction(
            f"formal_{outcome}",
            "reviews:formal_decide",
            "staff",
            "formal_own_application",
            possible=_possible_of(action),
            impossible=FORMAL_IMPOSSIBLE,
            actions=(action,),
            data=_formal_data(outcome),
        )
        for outcome, action in (
            ("admit", ReviewAction.FORMAL_ADMIT),
            ("correct", ReviewAction.FORMAL_RETURN),
            ("defer", ReviewAction.FORMAL_DEFER),
            ("reject", ReviewAction.FORMAL_REJECT),
        )
    ],
    StateAction(
        "formal_not_admit",
        "reviews:formal_decide",
        "staff",
        "formal_own_application",
        possible=_possible_of(ReviewAction.FORMAL_NOT_ADMIT),
        impossible=(*FORMAL_IMPOSSIBLE, ReviewStatus.REJECTED, ReviewStatus.DEFERRED),
        actions=(ReviewAction.FORMAL_NOT_ADMIT,),
        data=_formal_data("not_admit"),
    ),
    StateAction(
        "resubmit_correction",
        "reviews:formal_resubmit",
        "group",
        "formal_own_application",
        possible=_possible_of(ReviewAction.RESUBMIT_CORRECTION),
        impossible=(Status.RECOMMENDED, ReviewStatus.CORRECTED, ReviewStatus.NOT_ADMITTED),
        actions=(ReviewAction.RESUBMIT_CORRECTION,),
    ),
    StateAction(
        "carry_over",
        "reviews:formal_carry_over",
        "staff",
        "formal_own_application",
        possible=_possible_of(ReviewAction.CARRY_OVER),
        impossible=(Status.RECOMMENDED, ReviewStatus.ADMITTED, ReviewStatus.REJECTED),
        actions=(ReviewAction.CARRY_OVER,),
        prepare=_next_edition,
    ),
    StateAction(
        "revoke_award",
        "notices:results_revoke",
        "staff",
        "rs_application",
        possible=_possible_of(ResultAction.REVOKE_AWARD),
        impossible=(LevelStatus.AWARDED, LevelStatus.NOT_AWARDED, ResultStatus.AWARD_REVOKED),
        actions=(ResultAction.REVOKE_AWARD,),
        kwargs=lambda obj: {"edition_pk": obj.edition_id, "application_pk": obj.pk},
        data=lambda world, obj: {"reason": "查实材料造假。"},
        prepare=_sealed,
    ),
]

# --- reviews: the round, the assignment and the score sheet ------------------------------------------------------
# States of a score sheet's cell are "round:<RoundState or not_yet_open>|sheet:<SheetState or none>".


def _round_to(world, round_, state: str):
    """Move a review round to `state`: forward through the round's services (ROUND_MOVES); back to an earlier
    state, or to "not yet open", by a raw write (no service moves a round back; reopen_round is the tests'
    shortcut past the database's own guard)."""
    from reviews import rounds
    from reviews.enums import RoundState
    from reviews.models import ReviewRound
    from tests.factories.reviews import reopen_round

    services = {"open": rounds.round_open, "discussion": rounds.round_open_discussion, "close": rounds.round_close}
    round_.refresh_from_db()
    if state == "not_yet_open":
        _round_to(world, round_, RoundState.OPEN)
        ReviewRound.objects.filter(pk=round_.pk).update(opens_at=timezone.now() + datetime.timedelta(days=1))
        return
    if round_.state == state:
        return
    for move, (sources, target) in rounds.ROUND_MOVES.items():
        if target == state and round_.state in sources:
            services[move](actor=world.get("staff_user"), round=round_)
            return
    if round_.state == RoundState.CLOSED:
        reopen_round(round_, state)
    else:
        ReviewRound.objects.filter(pk=round_.pk).update(state=state)


def _round_state(round_) -> str:
    round_.refresh_from_db()
    return "not_yet_open" if round_.opens_at > timezone.now() else round_.state


def _reach_round(world, round_, state):
    _round_to(world, round_, state)
    return round_


def _items_of(assignment):
    return assignment.round.rubrics.get(category=assignment.application.category, is_current=True).items


def _scores(assignment, share: str) -> dict:
    from decimal import Decimal

    return {
        item["code"]: str((Decimal(item["max_points"]) * Decimal(share)).quantize(Decimal("1")))
        for item in _items_of(assignment)
    }


def _sheet_of(assignment):
    from reviews.models import ScoreSheet

    return ScoreSheet.objects.filter(assignment=assignment).first()


def _reach_sheet(world, assignment, state):
    """The sheet through the expert's own service (reviews.scoring.sheet_save) while the round is open, then the
    round moved."""
    from reviews import scoring

    round_state, sheet_state = (part.split(":", 1)[1] for part in state.split("|"))
    _round_to(world, assignment.round, "open")
    if sheet_state != "none":
        scoring.sheet_save(
            actor=world.get("expert_user"),
            assignment=assignment,
            scores=_scores(assignment, "0.5"),
            comments={},
            comment="初评",
            revision=0,
            submit=sheet_state == "submitted",
        )
    _round_to(world, assignment.round, round_state)
    return assignment


def _sheet_state(assignment) -> str:
    sheet = _sheet_of(assignment)
    return f"round:{_round_state(assignment.round)}|sheet:{sheet.state if sheet else 'none'}"


def _sheet_data(submit: bool):
    def data(world, assignment):
        sheet = _sheet_of(assignment)
        values = {f"score_{code}": value for code, value in _scores(assignment, "0.7").items()}
        values.update({"revision": sheet.revision if sheet else 0, "comment": "复评意见"})
        if submit:
            values["submit"] = "1"
        return values

    return data


def _sheet_written(submitted: bool):
    def effect(world, assignment, state):
        sheet = _sheet_of(assignment)
        from decimal import Decimal

        saved = {code: Decimal(value) for code, value in (sheet.scores if sheet else {}).items()}
        wanted = {code: Decimal(value) for code, value in _scores(assignment, "0.7").items()}
        assert saved == wanted, "the sheet was not saved"
        assert sheet.comment == "复评意见"
        if submitted:
            assert sheet.state == "submitted", f"the sheet is {sheet.state}"

    return effect


def _sheet(round_state: str, sheet_state: str) -> str:
    return f"round:{round_state}|sheet:{sheet_state}"


def _reach_assignment(world, assignment, state):
    """An assignment's answer through the services (decline, a declared conflict, staff removal); back to "offered"
    by a raw write (an offer is made by the assignment run; no service takes an answer back)."""
    from reviews.assign import assignment_decline, assignment_remove
    from reviews.conflicts import conflict_declare
    from reviews.enums import AssignmentState
    from reviews.models import Assignment

    expert = world.get("expert_user")
    if state == AssignmentState.OFFERED:
        Assignment.objects.filter(pk=assignment.pk).update(state=state)
    elif state == AssignmentState.DECLINED:
        assignment_decline(actor=expert, assignment=assignment, reason="时间冲突")
    elif state == AssignmentState.RECUSED:
        conflict_declare(
            actor=expert,
            round=assignment.round,
            expert=expert.expert_profile,
            application=assignment.application,
            reason="曾指导该小组",
        )
    elif state == AssignmentState.REMOVED:
        assignment_remove(actor=world.get("staff_user"), assignment=assignment, reason="调整分组")
    assignment.refresh_from_db()
    return assignment


def _state_moved_to(target: str):
    def effect(world, obj, state):
        assert obj.state == target, f"{obj.state!r}, not {target!r}"

    return effect


def _review_actions() -> list[StateAction]:
    from reviews.enums import AssignmentState, RoundState
    from reviews.rounds import ROUND_MOVES

    open_, draft, discussion, closed = RoundState.OPEN, RoundState.DRAFT, RoundState.DISCUSSION, RoundState.CLOSED
    round_cells = [
        StateAction(
            f"round_{move}",
            "reviews:round_move",
            "staff",
            "ex_round",
            machine="round",
            possible=tuple(sorted(sources)),
            impossible=tuple(sorted(set(RoundState.values) - set(sources))),
            kwargs=lambda obj, move=move: {"pk": obj.pk, "move": move},
            reach=_reach_round,
            state_of=_round_state,
            effect=_state_moved_to(target),
            repeat=lambda state, target=target: state == target,
        )
        for move, (sources, target) in ROUND_MOVES.items()
    ]
    return [
        *round_cells,
        StateAction(
            "sheet_save",
            "reviews:expert_assignment",
            "expert",
            "ex_own_assignment",
            machine="score_sheet",
            # A submitted sheet changed while the round is open is submitted again (it stays complete).
            possible=(_sheet(open_, "none"), _sheet(open_, "draft"), _sheet(open_, "submitted")),
            impossible=(
                _sheet(draft, "none"),
                _sheet("not_yet_open", "none"),
                _sheet(discussion, "draft"),
                _sheet(closed, "draft"),
                _sheet(closed, "submitted"),
            ),
            data=_sheet_data(submit=False),
            reach=_reach_sheet,
            state_of=_sheet_state,
            effect=_sheet_written(submitted=False),
            repeat=lambda state: False,
        ),
        StateAction(
            "sheet_submit",
            "reviews:expert_assignment",
            "expert",
            "ex_own_assignment",
            machine="score_sheet",
            possible=(_sheet(open_, "none"), _sheet(open_, "draft"), _sheet(open_, "submitted")),
            impossible=(
                _sheet("not_yet_open", "none"),
                _sheet(discussion, "none"),
                _sheet(discussion, "submitted"),
                _sheet(closed, "draft"),
            ),
            data=_sheet_data(submit=True),
            reach=_reach_sheet,
            state_of=_sheet_state,
            effect=_sheet_written(submitted=True),
            repeat=lambda state: False,
        ),
        StateAction(
            "assignment_accept",
            "reviews:expert_accept",
            "expert",
            "ex_own_assignment",
            machine="assignment",
            possible=(AssignmentState.OFFERED,),
            impossible=(AssignmentState.DECLINED, AssignmentState.RECUSED, AssignmentState.REMOVED),
            reach=_reach_assignment,
            state_of=lambda obj: obj.state,
            effect=_state_moved_to(AssignmentState.ACCEPTED),
            repeat=lambda state: False,
        ),
        StateAction(
            "assignment_decline",
            "reviews:expert_decline",
            "expert",
            "ex_own_assignment",
            machine="assignment",
            possible=(AssignmentState.OFFERED, AssignmentState.ACCEPTED),
            impossible=(AssignmentState.RECUSED, AssignmentState.REMOVED),
            data=lambda world, obj: {"reason": "出差"},
            reach=_reach_assignment,
            state_of=lambda obj: obj.state,
            effect=_state_moved_to(AssignmentState.DECLINED),
            repeat=lambda state: False,
        ),
    ]


ACTIONS += _review_actions()

# --- reviews: the expert's declaration (声明) ------------------------------------------------------------------


def _reach_declaration(world, assignment, state):
    """Signed through `declaration_sign` (the world's expert has signed already); unsigned by deleting the
    signature, a raw write: no service withdraws a signature."""
    from reviews.declaration import declaration_sign
    from reviews.models import DeclarationSignature

    round_ = assignment.round
    if state == "unsigned":
        DeclarationSignature.objects.filter(round=round_, expert=assignment.expert).delete()
    else:
        declaration_sign(actor=world.get("expert_user"), round=round_)
    return round_


def _declaration_state(round_) -> str:
    from reviews.models import DeclarationSignature

    return "signed" if DeclarationSignature.objects.filter(round=round_).exists() else "unsigned"


ACTIONS += [
    StateAction(
        "declaration_sign",
        "reviews:expert_declaration",
        "expert",
        "ex_own_assignment",
        machine="declaration",
        possible=("unsigned",),
        impossible=("signed",),
        kwargs=lambda round_: {"round_pk": round_.pk},
        data=lambda world, round_: {"confirm": "on"},
        reach=_reach_declaration,
        state_of=_declaration_state,
        effect=lambda world, round_, state: _assert_equal(_declaration_state(round_), "signed"),
        # Signing again is a no-op (the page shows the signature); it must still write nothing.
        repeat=lambda state: state == "signed",
    ),
]


def _assert_equal(value, wanted):
    assert value == wanted, f"{value!r}, not {wanted!r}"


# --- notices: objections during the results publicity (公示) -------------------------------------------------------
# States are "window:<not_started|open|ended>|application:<status>": objections are taken while the window is
# open, against an application on the publicity's list (awarded).


def _objection_state(publicity) -> str:
    now = timezone.now()
    window = "not_started" if now < publicity.starts_at else "ended" if now >= publicity.ends_at else "open"
    application = Application.objects.get(pk=publicity.authz_application_id)
    return f"window:{window}|application:{application.status}"


def _reach_objection(world, edition, state):
    """The window's dates are moved by a raw write (time passing has no service; staff set the dates once when they
    start the publicity); the application through the transition table."""
    from notices.models_results import ResultsPublicity

    window, status = (part.split(":", 1)[1] for part in state.split("|"))
    application = world.get("rs_application")
    move_application(world, application, status)
    now = timezone.now()
    starts, ends = {
        "not_started": (now + datetime.timedelta(days=1), now + datetime.timedelta(days=8)),
        "open": (now - datetime.timedelta(days=1), now + datetime.timedelta(days=6)),
        "ended": (now - datetime.timedelta(days=8), now - datetime.timedelta(minutes=1)),
    }[window]
    ResultsPublicity.objects.filter(edition=edition).update(starts_at=starts, ends_at=ends, finalised_at=None)
    publicity = ResultsPublicity.objects.get(edition=edition)
    publicity.authz_application_id = application.pk  # kept for state_of (refresh_from_db keeps plain attributes)
    return publicity


def _objection_data(world, publicity):
    return {
        "application": publicity.authz_application_id,
        "real_name": "李四",
        "mobile": "13912345678",
        "reason": "该成果的数据与现场不符。",
        "consent": "on",
    }


def _objection_filed(world, publicity, state):
    assert publicity.objections.filter(application_id=publicity.authz_application_id).exists(), "no objection filed"


def _window(window: str, status: str = LevelStatus.AWARDED) -> str:
    return f"window:{window}|application:{status}"


ACTIONS += [
    StateAction(
        "objection_file",
        "notices:objection_new",
        "anonymous",
        "rs_edition",
        machine="publicity",
        possible=(_window("open"),),
        impossible=(
            _window("not_started"),
            _window("ended"),
            _window("open", ResultStatus.AWARD_CONFIRMED),
            _window("open", LevelStatus.NOT_AWARDED),
        ),
        kwargs=lambda publicity: {"edition_pk": publicity.edition_id},
        data=_objection_data,
        reach=_reach_objection,
        state_of=_objection_state,
        effect=_objection_filed,
        repeat=lambda state: False,
    ),
]

# --- reviews: the release of the result list (评定) -------------------------------------------------------------
# States are "round:<RoundState>|scheme:<unreleased|released>" for an edition whose one counted round is that round.


def _reach_release(world, edition, state):
    """A level scheme counting one round of the edition (the levels factory: staff set it up on the rules page),
    the round moved through its services and the list released through `scheme_release`."""
    from reviews import levels
    from tests.factories.reviews import review_round
    from tests.factories.reviews_levels import level_scheme

    round_state, released = (part.split(":", 1)[1] for part in state.split("|"))
    world.get("lv_application")  # the edition's candidate
    round_ = review_round(edition)
    scheme = level_scheme(edition, {round_: 100}, levels=[("标杆级", None, "100", None)])
    _round_to(world, round_, round_state)
    if released == "released":
        levels.scheme_release(actor=world.get("staff_user"), scheme=scheme)
    scheme.authz_round = round_
    return scheme


def _release_state(scheme) -> str:
    scheme.authz_round.refresh_from_db()
    return f"round:{scheme.authz_round.state}|scheme:{'released' if scheme.is_released else 'unreleased'}"


def _released(world, scheme, state):
    application = world.get("lv_application")
    application.refresh_from_db()
    assert scheme.is_released, "the list was not released"
    assert application.status in (LevelStatus.AWARDED, LevelStatus.NOT_AWARDED), application.status


ACTIONS += [
    StateAction(
        "release",
        "reviews:levels_release",
        "staff",
        "lv_edition",
        machine="release",
        possible=("round:closed|scheme:unreleased",),
        impossible=(
            "round:open|scheme:unreleased",
            "round:discussion|scheme:unreleased",
            "round:closed|scheme:released",
        ),
        actions=(LevelAction.AWARD, LevelAction.NOT_AWARD),
        kwargs=lambda scheme: {"edition_pk": scheme.edition_id},
        reach=_reach_release,
        state_of=_release_state,
        effect=_released,
        repeat=lambda state: state.endswith("scheme:released"),
    ),
]

# --- reviews: the panel's conclusion (合议) -----------------------------------------------------------------------
# States are "sheets:<complete|incomplete>|levels:<none|counted|voting|released>": the leader concludes once every
# sheet of the panel is submitted, and only while the combined ranking the conclusion feeds (its agreed score is an
# adjustment of the round's result, reviews.levels) can still change: not once the committee votes or the list is
# released (the released results' checksum includes the adjusted scores).


def _counting_scheme(world, edition, round_, *, vote: bool = False):
    """The edition's level scheme counting `round_` alone (the levels factory: staff set it up on the rules page);
    with `vote`, the world's staff member is its committee (scheme_save, the settings page's service)."""
    from reviews import levels
    from tests.factories.reviews_levels import level_scheme

    scheme = level_scheme(edition, {round_: 100}, levels=[("标杆级", None, "100", None)])
    if vote:
        levels.scheme_save(
            actor=world.get("staff_user"),
            scheme=scheme,
            weights={round_.pk: 100},
            tie_break=[],
            vote_required=True,
            threshold=(1, 1),
            members=[world.get("staff_user")],
        )
    return scheme


def _scheme_to(world, scheme, round_, state: str):
    """A scheme from "counted" (no votes, unreleased) to "voting" (a committee vote cast, vote_cast) or
    "released" (the round closed and the list released, scheme_release)."""
    from reviews import levels

    if state == "voting":
        levels.vote_cast(actor=world.get("staff_user"), scheme=scheme, approve=True)
    elif state == "released":
        _round_to(world, round_, "closed")
        levels.scheme_release(actor=world.get("staff_user"), scheme=scheme)


def _levels_state_of(round_) -> str:
    from reviews.models_levels import CommitteeVote, SchemeRound

    counted = SchemeRound.objects.filter(round=round_).select_related("scheme").first()
    if counted is None:
        return "none"
    scheme = counted.scheme
    if scheme.is_released:
        return "released"
    return "voting" if CommitteeVote.objects.filter(scheme=scheme).exists() else "counted"


def _reach_panel(world, panel, state):
    """Incomplete: another expert of the pool is assigned the panel's application and has no sheet yet (the
    assignment factory: the assignment run's own result, without running the solver)."""
    from tests.factories.reviews import assigned, pool_expert

    sheets, levels_state = (part.split(":", 1)[1] for part in state.split("|"))
    round_ = panel.round
    if sheets == "incomplete":
        assigned(round_, panel.authz_application, pool_expert(round_.edition.programme))
    if levels_state != "none":
        scheme = _counting_scheme(world, round_.edition, round_, vote=levels_state == "voting")
        if levels_state == "counted":
            _round_to(world, round_, "closed")  # the consensus meeting after scoring closed, before the vote
        _scheme_to(world, scheme, round_, levels_state)
    return panel


def _panel_state(panel) -> str:
    from reviews.panel import panel_complete

    return f"sheets:{'complete' if panel_complete(panel) else 'incomplete'}|levels:{_levels_state_of(panel.round)}"


def _conclusion_data(world, panel):
    prefix = f"app{panel.authz_application.pk}"
    return {f"{prefix}-recommended_level": "标杆级", f"{prefix}-notes": "状态矩阵：合议结论"}


def _concluded(world, panel, state):
    from reviews.models import PanelConclusion

    conclusion = PanelConclusion.objects.filter(panel=panel, application=panel.authz_application).first()
    assert conclusion is not None and conclusion.notes == "状态矩阵：合议结论", "the conclusion was not recorded"


def _panel(sheets: str, levels_state: str = "none") -> str:
    return f"sheets:{sheets}|levels:{levels_state}"


ACTIONS += [
    StateAction(
        "panel_conclude",
        "reviews:panel_conclude",
        "expert",
        "pn_own_panel",
        machine="panel",
        possible=(_panel("complete"), _panel("complete", "counted")),
        impossible=(
            _panel("incomplete"),
            _panel("complete", "voting"),
            _panel("complete", "released"),
        ),
        kwargs=lambda panel: {"pk": panel.pk, "application_pk": panel.authz_application.pk},
        data=_conclusion_data,
        reach=_reach_panel,
        state_of=_panel_state,
        effect=_concluded,
        repeat=lambda state: False,
    ),
]


# Naming (or changing) a panel's leader: staff, while the conclusions the leader records can still change — the
# same "levels" states as the conclusion, whatever the sheets.


def _leader_data(world, panel):
    from reviews.panel import panel_members

    others = [e for e in panel_members(panel.round, panel.category_id) if e.pk != panel.leader_id]
    panel.authz_leader = others[0]
    return {"category": panel.category_id, "leader": others[0].pk}


def _leader_named(world, panel, state):
    assert panel.leader_id == panel.authz_leader.pk, "the leader was not changed"


ACTIONS += [
    StateAction(
        "panel_leader",
        "reviews:panel_leader",
        "staff",
        "pn_own_panel",
        machine="panel",
        possible=(_panel("complete"), _panel("complete", "counted")),
        impossible=(_panel("complete", "voting"), _panel("complete", "released")),
        kwargs=lambda panel: {"pk": panel.round_id},
        data=_leader_data,
        reach=_reach_panel,
        state_of=_panel_state,
        effect=_leader_named,
        repeat=lambda state: False,
    ),
]

# --- reviews: the combined ranking before the release (评定): a level change and the committee vote ----------------
# States are "vote:<required|none>|votes:<none|other|mine>|<unreleased|released>" of lv_edition's scheme counting one
# round. A level changes only before the vote begins and the release; a committee member votes once, before the
# release, on a scheme that takes a vote.


def _reach_scheme(world, edition, state):
    from reviews import levels
    from reviews.models import ReviewRound
    from tests.factories.reviews import review_round

    vote, votes, released = (part.split(":", 1)[-1] for part in state.split("|"))
    world.get("lv_application")  # the edition's candidate
    round_ = review_round(edition)
    _round_to(world, round_, "closed")
    scheme = _counting_scheme(world, edition, round_, vote=vote == "required")
    if votes != "none":
        # Another committee member votes (added through scheme_save, with the world's staff member).
        other = staff_member_other(world)
        levels.scheme_save(
            actor=world.get("staff_user"),
            scheme=scheme,
            weights={round_.pk: 100},
            tie_break=[],
            vote_required=True,
            threshold=(1, 2),
            members=[world.get("staff_user"), other],
        )
        voter = world.get("staff_user") if votes == "mine" else other
        levels.vote_cast(actor=voter, scheme=scheme, approve=True)
    if released == "released":
        levels.scheme_release(actor=world.get("staff_user"), scheme=scheme)
    assert ReviewRound.objects.filter(edition=edition).count() == 1
    scheme.refresh_from_db()
    return scheme


def staff_member_other(world):
    from tests.factories import staff_user

    return staff_user(email="committee-2@authz.test")


def _scheme_state(scheme) -> str:
    from reviews.models_levels import CommitteeVote

    votes = CommitteeVote.objects.filter(scheme=scheme)
    staff = scheme.authz_staff_pk
    mine = votes.filter(member_id=staff).exists()
    who = "mine" if mine else "other" if votes.exists() else "none"
    return (
        f"vote:{'required' if scheme.vote_required else 'none'}|votes:{who}|"
        f"{'released' if scheme.is_released else 'unreleased'}"
    )


def _reach_scheme_for(world, edition, state):
    scheme = _reach_scheme(world, edition, state)
    scheme.authz_staff_pk = world.get("staff_user").pk  # kept for state_of
    scheme.authz_application = world.get("lv_application")
    return scheme


def _level_change_data(world, scheme):
    """The level the application does not have now (no level when it has one)."""
    from reviews import levels

    table = levels.combined_table(scheme, with_chain_scores=False)
    row = next((r for r in table.rows if r.application_id == scheme.authz_application.pk), None)
    wanted = None if row is not None and row.level else scheme.levels.first()
    scheme.authz_wanted = wanted
    return {"level": wanted.pk if wanted else "", "reason": "状态矩阵：委员会意见"}


def _level_changed(world, scheme, state):
    from reviews.models_levels import LevelDecision

    decision = LevelDecision.objects.filter(application=scheme.authz_application).first()
    wanted = scheme.authz_wanted
    assert decision is not None and decision.changed, "the level was not changed"
    assert decision.level_id == (wanted.pk if wanted else None), f"the level is {decision.level}, not {wanted}"


def _voted(world, scheme, state):
    assert scheme.votes.filter(member=world.get("staff_user")).exists(), "the vote was not recorded"


def _scheme(vote: str, votes: str, released: str = "unreleased") -> str:
    return f"vote:{vote}|votes:{votes}|{released}"


ACTIONS += [
    StateAction(
        "level_change",
        "reviews:levels_change",
        "staff",
        "lv_edition",
        machine="scheme",
        possible=(_scheme("none", "none"), _scheme("required", "none")),
        impossible=(_scheme("required", "other"), _scheme("required", "mine"), _scheme("none", "none", "released")),
        kwargs=lambda scheme: {"edition_pk": scheme.edition_id, "application_pk": scheme.authz_application.pk},
        data=_level_change_data,
        reach=_reach_scheme_for,
        state_of=_scheme_state,
        effect=_level_changed,
        repeat=lambda state: False,
    ),
    StateAction(
        "committee_vote",
        "reviews:levels_vote",
        "staff",
        "lv_edition",
        machine="scheme",
        possible=(_scheme("required", "none"), _scheme("required", "other")),
        impossible=(
            _scheme("none", "none"),
            _scheme("required", "mine"),
            _scheme("required", "mine", "released"),
        ),
        kwargs=lambda scheme: {"edition_pk": scheme.edition_id},
        data=lambda world, scheme: {"approve": "yes"},
        reach=_reach_scheme_for,
        state_of=_scheme_state,
        effect=_voted,
        # Voting again is answered "you have voted already"; it must still write nothing.
        repeat=lambda state: "votes:mine" in state,
    ),
    StateAction(
        "committee_votes_reset",
        "reviews:levels_votes_reset",
        "staff",
        "lv_edition",
        machine="scheme",
        possible=(_scheme("required", "other"), _scheme("required", "mine")),
        impossible=(_scheme("required", "none"), _scheme("required", "mine", "released")),
        kwargs=lambda scheme: {"edition_pk": scheme.edition_id},
        data=lambda world, scheme: {"reason": "等级需调整"},
        reach=_reach_scheme_for,
        state_of=_scheme_state,
        effect=lambda world, scheme, state: _assert_equal(scheme.votes.count(), 0),
        repeat=lambda state: False,
    ),
]


# --- notices: handling an objection (异议处理) -----------------------------------------------------------------------
# States are the objection's (notices.models_results.ObjectionState): staff assign, note, ask the applicant and
# conclude while it is open (received or under investigation); a concluded objection (upheld or dismissed) is closed.


def _reach_objection_state(world, edition, state):
    """Filed through `objection_file` while the window is open (dates as for objection_file above), assigned
    through `objection_assign`, concluded through `objection_conclude` (an upheld one withdraws the award). The
    world's release has no checksum yet: sealed first, as staff do once (`released_scheme_seal`)."""
    from notices import results
    from notices.models_results import ObjectionState
    from reviews.models_levels import AwardLevel

    publicity = _reach_objection(world, edition, _window("open"))
    application = world.get("rs_application")
    # A lower level to lower to: the world's released scheme has one level (built raw, as the world builds its
    # release; no service adds a level to a released scheme).
    AwardLevel.objects.get_or_create(scheme=edition.level_scheme, position=1, defaults={"name": "优秀级"})
    _sealed(world, application)
    objection = results.objection_file(
        publicity=publicity,
        application_id=application.pk,
        real_name="李四",
        mobile="13912345678",
        reason="该成果的数据与现场不符。",
        consent=True,
    )
    staff = world.get("staff_user")
    if state == ObjectionState.INVESTIGATING:
        results.objection_assign(actor=staff, objection=objection, assignee=staff)
    elif state in (ObjectionState.UPHELD, ObjectionState.DISMISSED):
        results.objection_conclude(
            actor=staff,
            objection=objection,
            upheld=state == ObjectionState.UPHELD,
            answer="经核查，异议属实。" if state == ObjectionState.UPHELD else "经核查，异议不成立。",
            effect="withdraw" if state == ObjectionState.UPHELD else "",
        )
    objection.refresh_from_db()
    return objection


def _objection_effect(check: Callable[[Any, Any], bool], what: str):
    def effect(world, objection, state):
        assert check(world, objection), f"the objection was not {what}"

    return effect


def _objection_cells() -> list[StateAction]:
    from notices.models_results import ObjectionState

    open_states = (ObjectionState.RECEIVED, ObjectionState.INVESTIGATING)
    closed = (ObjectionState.UPHELD, ObjectionState.DISMISSED)
    steps = {
        "assign": (
            lambda world, o: {"step": "assign", "assignee": world.get("staff_user").pk},
            lambda world, o: o.assignee_id == world.get("staff_user").pk and o.state == ObjectionState.INVESTIGATING,
            "assigned",
        ),
        "note": (
            lambda world, o: {"step": "note", "text": "状态矩阵：电话核实"},
            lambda world, o: o.notes.filter(text="状态矩阵：电话核实").exists(),
            "noted",
        ),
        "request": (
            lambda world, o: {"step": "request", "question": "请说明数据来源。", "deadline": _later(3)},
            lambda world, o: o.requests.filter(question="请说明数据来源。").exists(),
            "asked",
        ),
        "dismiss": (
            lambda world, o: {"step": "conclude", "upheld": "0", "effect": "", "answer": "经核查，异议不成立。"},
            lambda world, o: o.state == ObjectionState.DISMISSED,
            "dismissed",
        ),
        "uphold_lower": (
            lambda world, o: {
                "step": "conclude",
                "upheld": "1",
                "effect": "lower",
                "level": o.publicity.edition.level_scheme.levels.get(position=1).pk,
                "answer": "经核查，异议部分属实。",
            },
            lambda world, o: o.state == ObjectionState.UPHELD and o.application.level_decision.level.position == 1,
            "upheld (the level lowered)",
        ),
        "uphold_withdraw": (
            lambda world, o: {"step": "conclude", "upheld": "1", "effect": "withdraw", "answer": "经核查，异议属实。"},
            lambda world, o: o.state == ObjectionState.UPHELD and o.application.status == LevelStatus.NOT_AWARDED,
            "upheld (the award withdrawn)",
        ),
    }
    return [
        StateAction(
            f"objection_{step}",
            "notices:objection_detail",
            "staff",
            "rs_edition",
            machine="objection",
            possible=open_states,
            impossible=closed,
            data=data,
            reach=_reach_objection_state,
            state_of=lambda obj: obj.state,
            effect=_objection_effect(check, what),
            repeat=lambda state: False,
        )
        for step, (data, check, what) in steps.items()
    ]


ACTIONS += _objection_cells()

# --- notices: the applicant's answer to the secretariat's question about an objection --------------------------------
# States are "objection:<open|concluded>|request:<unanswered|answered>": the group answers a request once, while the
# objection is open.


def _reach_objection_request(world, edition, state):
    """The objection as for the handling cells; the question through `objection_request`, answered through
    `objection_respond`, the objection dismissed through `objection_conclude`."""
    from notices import results

    objection_state, request_state = (part.split(":", 1)[1] for part in state.split("|"))
    objection = _reach_objection_state(world, edition, "received")
    staff = world.get("staff_user")
    asked = results.objection_request(
        actor=staff,
        objection=objection,
        question="请说明数据来源。",
        deadline=timezone.now() + datetime.timedelta(days=3),
    )
    if request_state == "answered":
        results.objection_respond(actor=world.get("group_user"), request=asked, response="数据来自现场记录。")
    if objection_state == "concluded":
        results.objection_conclude(actor=staff, objection=objection, upheld=False, answer="经核查，异议不成立。")
    return asked


def _request_state(asked) -> str:
    objection = asked.objection
    objection.refresh_from_db()
    return (
        f"objection:{'open' if objection.is_open else 'concluded'}|"
        f"request:{'answered' if asked.answered_at else 'unanswered'}"
    )


def _request_answered(world, asked, state):
    assert asked.response == "状态矩阵：这是小组的说明。", "the answer was not stored"


ACTIONS += [
    StateAction(
        "objection_answer",
        "notices:objection_answer",
        "group",
        "rs_edition",
        machine="objection_request",
        possible=("objection:open|request:unanswered",),
        impossible=("objection:open|request:answered", "objection:concluded|request:unanswered"),
        data=lambda world, asked: {"response": "状态矩阵：这是小组的说明。"},
        reach=_reach_objection_request,
        state_of=_request_state,
        effect=_request_answered,
        repeat=lambda state: False,
    ),
]

# --- notices: the publicity (公示) and the finalisation (结果公布) ----------------------------------------------------
# States are "publicity:<none|scheduled|open|ended|finalised>|objections:<none|open>" of rs_other_edition (released
# levels, an awarded application). Staff publish (or change) the publicity until it starts; they finalise once it
# has ended with every objection concluded.


def _reach_publicity(world, edition, state):
    """Published through `publicity_publish` with the start chosen so that the window is where the state says
    (a start in the past is how a window that has run is reached without waiting); an objection filed through
    `objection_file` at a time inside the window; finalised through `edition_finalise`."""
    from notices import results
    from reviews.checksum import released_scheme_seal

    window, objections = (part.split(":", 1)[1] for part in state.split("|"))
    application = world.get("rs_other_application")
    staff = world.get("staff_user")
    released_scheme_seal(actor=staff, scheme=edition.level_scheme)
    now = timezone.now()
    start = {
        "scheduled": now + datetime.timedelta(days=2),
        "open": now - datetime.timedelta(hours=1),
        "ended": now - datetime.timedelta(days=40),
        "finalised": now - datetime.timedelta(days=40),
    }.get(window)
    if start is not None:
        publicity = results.publicity_publish(actor=staff, edition=edition, starts_at=start, working_days=7)
        if objections == "open":
            results.objection_file(
                publicity=publicity,
                application_id=application.pk,
                real_name="李四",
                mobile="13912345678",
                reason="该成果的数据与现场不符。",
                consent=True,
                now=publicity.starts_at + datetime.timedelta(hours=1),
            )
        if window == "finalised":
            results.edition_finalise(actor=staff, publicity=publicity)
    edition.authz_application = application
    return edition


def _publicity_state(edition) -> str:
    from notices.models_results import OPEN_OBJECTION_STATES, ResultsPublicity

    publicity = ResultsPublicity.objects.filter(edition=edition).first()
    if publicity is None:
        return "publicity:none|objections:none"
    now = timezone.now()
    if publicity.is_finalised:
        window = "finalised"
    else:
        window = "scheduled" if now < publicity.starts_at else "open" if now < publicity.ends_at else "ended"
    objections = "open" if publicity.objections.filter(state__in=OPEN_OBJECTION_STATES).exists() else "none"
    return f"publicity:{window}|objections:{objections}"


def _publish_data(world, edition):
    edition.authz_starts = _later(3)
    return {"starts_at": edition.authz_starts, "working_days": "7"}


def _published(world, edition, state):
    publicity = edition.results_publicity
    assert f"{timezone.localtime(publicity.starts_at):%Y-%m-%dT%H:%M}" == edition.authz_starts, "not published"


def _finalised(world, edition, state):
    application = edition.authz_application
    application.refresh_from_db()
    assert edition.results_publicity.is_finalised, "the results were not finalised"
    assert application.status == ResultStatus.AWARD_CONFIRMED, application.status


def _publicity(window: str, objections: str = "none") -> str:
    return f"publicity:{window}|objections:{objections}"


ACTIONS += [
    StateAction(
        "publicity_publish",
        "notices:results_publish",
        "staff",
        "rs_other_edition",
        machine="results",
        possible=(_publicity("none"), _publicity("scheduled")),
        impossible=(_publicity("open"), _publicity("ended"), _publicity("finalised")),
        kwargs=lambda edition: {"edition_pk": edition.pk},
        data=_publish_data,
        reach=_reach_publicity,
        state_of=_publicity_state,
        effect=_published,
        repeat=lambda state: False,
    ),
    StateAction(
        "results_finalise",
        "notices:results_finalise",
        "staff",
        "rs_other_edition",
        machine="results",
        possible=(_publicity("ended"),),
        impossible=(
            _publicity("scheduled"),
            _publicity("open"),
            _publicity("ended", "open"),
            _publicity("finalised"),
        ),
        actions=(ResultAction.CONFIRM_AWARD,),
        kwargs=lambda edition: {"edition_pk": edition.pk},
        reach=_reach_publicity,
        state_of=_publicity_state,
        effect=_finalised,
        repeat=lambda state: False,
    ),
]

# --- notices: the certificate batch (获奖证书) ------------------------------------------------------------------------
# States are the edition's latest batch's (notices.models_certificates.BatchState), or "none": staff start a batch
# unless one is running, and resume a running one (its worker died).


def _reach_batch(world, edition, state):
    """Started through `certificate_batch_start` (lanes not queued: the test runs them), finished by running its
    lanes (`certificate_batch_chunk_run`, what the task does); failed the way a batch fails in use: the template
    changed while it ran (`certificate_template_save`)."""
    from notices import certificates
    from notices.models_certificates import BatchState
    from tests.factories.certificates import certificate_template

    world.get("ct_pair")
    staff = world.get("staff_user")
    if state != "none":
        batch = certificates.certificate_batch_start(actor=staff, edition=edition, queue=False)
        if state == BatchState.FAILED:
            certificate_template(edition, title="荣誉证书（修订）")
        if state in (BatchState.FINISHED, BatchState.FAILED):
            while certificates.certificate_batch_chunk_run(batch_id=batch.pk, lane=0, lanes=1):
                pass
    return edition


def _batch_state(edition) -> str:
    from notices.certificates import latest_batch

    batch = latest_batch(edition)
    return batch.state if batch else "none"


def _reach_latest_batch(world, edition, state):
    from notices.certificates import latest_batch

    batch = latest_batch(_reach_batch(world, edition, state))
    batch.authz_heartbeat = batch.heartbeat_at
    return batch


def _batch_started(world, edition, state):
    from notices.certificates import running_batch

    assert running_batch(edition) is not None, "no batch was started"


def _batch_resumed(world, batch, state):
    assert batch.is_running and batch.heartbeat_at > batch.authz_heartbeat, "the batch was not resumed"


def _certificate_cells() -> list[StateAction]:
    from notices.models_certificates import BatchState

    return [
        StateAction(
            "certificate_batch_start",
            "notices:certificate_batch_start",
            "staff",
            "ct_edition",
            machine="certificate_batch",
            possible=("none", BatchState.FINISHED, BatchState.FAILED),
            impossible=(BatchState.RUNNING,),
            kwargs=lambda edition: {"edition_pk": edition.pk},
            reach=_reach_batch,
            state_of=_batch_state,
            effect=_batch_started,
            repeat=lambda state: False,
        ),
        StateAction(
            "certificate_batch_resume",
            "notices:certificate_batch_resume",
            "staff",
            "ct_edition",
            machine="certificate_batch",
            possible=(BatchState.RUNNING,),
            impossible=(BatchState.FINISHED, BatchState.FAILED),
            reach=_reach_latest_batch,
            state_of=lambda batch: batch.state,
            effect=_batch_resumed,
            repeat=lambda state: False,
        ),
    ]


ACTIONS += _certificate_cells()


# --- reviews: the presentation competition's sessions (发表赛) -------------------------------------------------------
# States are "round:<RoundState>|session:<SessionState>" of pr_session (pr_round's first session, judged by the
# world's expert, holding own_group's presentation): staff close and reopen a session; its judges score while it and
# the round are open; staff move a presentation between open sessions of an open round (on the day: a group swaps
# sessions); the group uploads its file while the session is open, before the session's deadline.


def _session_to(world, session, state: str):
    """The session through `session_close` / `session_reopen` (while the round is open), then the round."""
    from reviews import presentation

    round_state, session_state = (part.split(":", 1)[1] for part in state.split("|"))
    staff = world.get("staff_user")
    session.refresh_from_db()
    if session_state == "closed":
        presentation.session_close(actor=staff, session=session)
    elif session.is_closed:
        presentation.session_reopen(actor=staff, session=session, reason="状态矩阵")
    _round_to(world, session.round, round_state)
    session.refresh_from_db()


def _reach_session(world, session, state):
    _session_to(world, session, state)
    return session


def _session_state(session) -> str:
    session.refresh_from_db()
    return f"round:{_round_state(session.round)}|session:{session.state}"


def _judge_assignment(world, session):
    from reviews.models import Assignment

    slot = session.slots.get()
    return Assignment.objects.get(
        round=session.round, application=slot.application, expert=world.get("expert_user").expert_profile
    )


def _judge_data(world, session):
    assignment = _judge_assignment(world, session)
    sheet = _sheet_of(assignment)
    values = {f"score_{code}": value for code, value in _scores(assignment, "0.7").items()}
    values.update({"revision": sheet.revision if sheet else 0, "comment": "发表赛评语"})
    return values


def _judged(world, session, state):
    sheet = _sheet_of(_judge_assignment(world, session))
    assert sheet is not None and sheet.comment == "发表赛评语", "the judge's sheet was not saved"


def _reach_slot_move(world, slot, state):
    """States "round:<RoundState>|from:<SessionState>|to:<SessionState>": the slot's session and pr_other_session."""
    round_state, source, target = (part.split(":", 1)[1] for part in state.split("|"))
    other = world.get("pr_other_session")
    _session_to(world, slot.session, f"round:open|session:{source}")
    _session_to(world, other, f"round:{round_state}|session:{target}")
    slot.authz_target = other
    return slot


def _slot_move_state(slot) -> str:
    return (
        f"round:{_round_state(slot.round)}|from:{slot.session.state}|"
        f"to:{type(slot.session).objects.get(pk=slot.authz_target.pk).state}"
    )


def _slot_moved(world, slot, state):
    assert slot.session_id == slot.authz_target.pk, "the presentation was not moved"


def _reach_upload(world, slot, state):
    """States "round:<RoundState>|session:<SessionState>|deadline:<ahead|passed>": the deadline set through
    `session_change` (the session page's service) before the session is closed."""
    from reviews import presentation

    round_state, session_state, deadline = (part.split(":", 1)[1] for part in state.split("|"))
    when = timezone.now() + datetime.timedelta(days=1 if deadline == "ahead" else -1)
    presentation.session_change(actor=world.get("staff_user"), session=slot.session, data={"upload_deadline": when})
    _session_to(world, slot.session, f"round:{round_state}|session:{session_state}")
    return slot


def _upload_state(slot) -> str:
    session = type(slot.session).objects.get(pk=slot.session_id)
    deadline = "ahead" if session.upload_deadline > timezone.now() else "passed"
    return f"round:{_round_state(slot.round)}|session:{session.state}|deadline:{deadline}"


def _presentation_file(world, slot):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.reviews.test_presentation_services import MINIMAL_PDF

    return {"file": SimpleUploadedFile("发表材料.pdf", MINIMAL_PDF + b"%authz-states\n")}


def _uploaded_presentation(world, slot, state):
    assert slot.file_name == "发表材料.pdf", "the presentation file was not stored"


def _session_change_data(world, session):
    return {
        "name": "状态矩阵：第一场",
        "venue": "上海市质量协会 5楼会议室",
        "starts_at": _later(4),
        "slot_minutes": "20",
        "upload_deadline": _later(3),
        "instructions": "",
    }


def _second_judge(world, session):
    """Another expert of the programme's pool to add as a judge (the pool factory)."""
    from tests.factories.reviews import pool_expert

    session.authz_judge = pool_expert(session.round.edition.programme)


def _judges_data(world, session):
    return {"judges": [world.get("expert_user").expert_profile.pk, session.authz_judge.pk]}


def _presentation_cells() -> list[StateAction]:
    from reviews.enums import SessionState

    def sess(round_state, session_state):
        return f"round:{round_state}|session:{session_state}"

    o, c = SessionState.OPEN, SessionState.CLOSED
    return [
        StateAction(
            "session_close",
            "reviews:presentation_session_close",
            "staff",
            "pr_session",
            machine="session",
            # Closing a session of a closed round freezes what the round froze already; it is allowed.
            possible=(sess("open", o), sess("closed", o)),
            impossible=(sess("open", c),),
            reach=_reach_session,
            state_of=_session_state,
            effect=lambda world, session, state: _assert_equal(session.state, c),
            repeat=lambda state: state.endswith(f"session:{c}"),
        ),
        StateAction(
            "session_notify",
            "reviews:presentation_session_notify",
            "staff",
            "pr_session",
            machine="session",
            # The notice says when and where to present: only before the session has taken place.
            possible=(sess("open", o),),
            impossible=(sess("open", c), sess("closed", o), sess("closed", c)),
            reach=_reach_session,
            state_of=_session_state,
            effect=lambda world, session, state: _assert_equal(
                session.slots.filter(notified_at__isnull=True).count(), 0
            ),
            repeat=lambda state: False,
        ),
        StateAction(
            "session_reopen",
            "reviews:presentation_session_reopen",
            "staff",
            "pr_session",
            machine="session",
            possible=(sess("open", c),),
            impossible=(sess("open", o), sess("closed", c)),
            data=lambda world, session: {"reason": "评委迟到，重新开放评分。"},
            reach=_reach_session,
            state_of=_session_state,
            effect=lambda world, session, state: _assert_equal(session.state, o),
            repeat=lambda state: state == sess("open", o),
        ),
        StateAction(
            "session_judge_score",
            "reviews:presentation_judge_slot",
            "expert",
            "pr_session",
            machine="session",
            possible=(sess("open", o),),
            impossible=(sess("open", c), sess("discussion", o), sess("closed", o), sess("closed", c)),
            kwargs=lambda session: {"pk": session.pk, "slot_pk": session.slots.get().pk},
            data=_judge_data,
            reach=_reach_session,
            state_of=_session_state,
            effect=_judged,
            repeat=lambda state: False,
        ),
        StateAction(
            "session_change",
            "reviews:presentation_session",
            "staff",
            "pr_session",
            machine="session",
            possible=(sess("open", o),),
            # After the round closed the schedule is the record of what took place.
            impossible=(sess("open", c), sess("closed", o)),
            data=_session_change_data,
            reach=_reach_session,
            state_of=_session_state,
            effect=lambda world, session, state: _assert_equal(session.name, "状态矩阵：第一场"),
            repeat=lambda state: False,
        ),
        StateAction(
            "session_judges",
            "reviews:presentation_session_judges",
            "staff",
            "pr_session",
            machine="session",
            possible=(sess("open", o),),
            impossible=(sess("open", c), sess("closed", o)),
            data=_judges_data,
            reach=_reach_session,
            prepare=_second_judge,
            state_of=_session_state,
            effect=lambda world, session, state: _assert_equal(session.judges.count(), 2),
            repeat=lambda state: False,
        ),
        StateAction(
            "session_slot_move",
            "reviews:presentation_slot_move",
            "staff",
            "pr_own_slot",
            machine="slot_move",
            possible=(f"round:open|from:{o}|to:{o}",),
            impossible=(f"round:open|from:{c}|to:{o}", f"round:open|from:{o}|to:{c}", f"round:closed|from:{o}|to:{o}"),
            data=lambda world, slot: {"session": slot.authz_target.pk},
            reach=_reach_slot_move,
            state_of=_slot_move_state,
            effect=_slot_moved,
            repeat=lambda state: False,
        ),
        StateAction(
            "session_file_upload",
            "reviews:presentation_group_slot",
            "group",
            "pr_own_slot",
            machine="session_upload",
            possible=(f"{sess('open', o)}|deadline:ahead",),
            impossible=(
                f"{sess('open', c)}|deadline:ahead",
                f"{sess('open', o)}|deadline:passed",
                f"{sess('closed', o)}|deadline:ahead",
            ),
            data=_presentation_file,
            reach=_reach_upload,
            state_of=_upload_state,
            effect=_uploaded_presentation,
            repeat=lambda state: False,
        ),
    ]


ACTIONS += _presentation_cells()


# --- reviews: on-site visits (现场评审) -------------------------------------------------------------------------------
# States are the on-site round's (RoundState): staff change a visit (its time, place, panel) and the visit's panel
# adds photos until the round is closed.


def _reach_visit(world, visit, state):
    """The visit's expert in the programme's pool (the world's way, as for the presentation judge: a pool entry;
    the pool's import is a file upload), then the round moved."""
    from reviews.models import PoolEntry

    PoolEntry.objects.get_or_create(
        programme=visit.round.edition.programme,
        expert=world.get("expert_user").expert_profile,
        defaults={"categories": ["problem_solving", "innovation"]},
    )
    _round_to(world, visit.round, state)
    return visit


def _visit_edit_data(world, visit):
    from reviews import onsite

    panel = onsite.visit_with_panel(visit).panel
    return {
        "starts_at": _later(5).replace("T", " "),
        "address": "状态矩阵：上海市浦东新区张江路 1 号",
        "notes": "",
        "experts": [a.expert_id for a in panel],
    }


def _visit_photo_data(world, visit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories.reviews_onsite import png_bytes

    return {"photo": SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png"), "caption": "状态矩阵"}


def _onsite_cells() -> list[StateAction]:
    from reviews.enums import RoundState

    open_, discussion, closed = RoundState.OPEN, RoundState.DISCUSSION, RoundState.CLOSED
    return [
        StateAction(
            "visit_edit",
            "reviews:visit_edit",
            "staff",
            "on_own_visit",
            machine="onsite_round",
            possible=(open_, discussion),
            impossible=(closed,),
            data=_visit_edit_data,
            reach=_reach_visit,
            state_of=lambda visit: _round_state(visit.round),
            effect=lambda world, visit, state: _assert_equal(visit.address, "状态矩阵：上海市浦东新区张江路 1 号"),
            repeat=lambda state: False,
        ),
        StateAction(
            "visit_photo_add",
            "reviews:visit_photo_upload",
            "expert",
            "on_own_visit",
            machine="onsite_round",
            possible=(open_, discussion),
            impossible=(closed,),
            data=_visit_photo_data,
            reach=_reach_visit,
            state_of=lambda visit: _round_state(visit.round),
            effect=lambda world, visit, state: _assert_equal(visit.photos.filter(caption="状态矩阵").count(), 1),
            repeat=lambda state: False,
        ),
    ]


ACTIONS += _onsite_cells()


# Moves of the transition table no per-application URL makes: each is made for a whole edition by the page named,
# so no single application can be put "into a state" for it; each still must be named here (coverage).
EDITION_WIDE = {
    LevelAction.AWARD: "reviews:levels_release (the release decides every candidate; state cells: release)",
    LevelAction.NOT_AWARD: "reviews:levels_release (state cells: release)",
    "confirm_award": "notices:results_finalise (finalising the edition confirms every award left; state cells: "
    "results_finalise)",
    "withdraw_award": "notices:objection_detail (an upheld objection's conclusion; state cells: "
    "objection_uphold_withdraw)",
}


def cells():
    for action in ACTIONS:
        for state in action.possible:
            yield pytest.param(action.key, state, True, id=f"{action.key}|{state}|possible")
        for state in action.impossible:
            yield pytest.param(action.key, state, False, id=f"{action.key}|{state}|impossible")


BY_KEY = {action.key: action for action in ACTIONS}


def queued_messages(response) -> list:
    storage = getattr(response.wsgi_request, "_messages", None)
    return list(storage) if storage is not None else []


def form_errors(response) -> list[str]:
    errors = []
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if hasattr(value, "errors") and hasattr(value, "is_bound") and value.is_bound and value.errors:
                errors.append(str(value.errors))
    return errors


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "state", "possible"), list(cells()))
def test_state_cell(key, state, possible, world_for):
    action = BY_KEY[key]
    world = world_for(action.role)
    obj = action.reach(world, world.get(action.obj), state)
    if action.prepare:
        action.prepare(world, obj)
    obj.refresh_from_db()
    assert action.state_of(obj) == state, f"{key}: could not put {action.obj} into {state!r}"
    # The object already stands where the move leads: a repeated request (a double click), which the views answer
    # as done. It must still change nothing.
    if action.repeat is not None:
        repeated = not possible and action.repeat(state)
    else:
        repeated = not possible and any(repeats(state, move) for move in action.actions)

    client = Client()
    if world.actor is not None:
        client.force_login(world.actor)
    url = reverse(action.url, kwargs=action.kwargs(obj))
    data = action.data(world, obj)
    before = table_writes()
    response = client.post(url, data)
    after = table_writes()
    changed = {table: after[table] - before.get(table, 0) for table in after if after[table] != before.get(table)}
    obj.refresh_from_db()
    levels = {m.level for m in queued_messages(response)}
    said = " | ".join(str(m) for m in queued_messages(response)) or "(no message)"
    where = f"POST {url} as {action.role} on {state!r}: HTTP {response.status_code}, {said}"

    assert response.status_code < 500, where
    if possible:
        assert response.status_code < 400, f"{where}: a possible action was refused"
        assert messages.ERROR not in levels, f"{where}: a possible action was refused"
        assert not form_errors(response), f"{where}: {form_errors(response)}"
        if action.effect:
            action.effect(world, obj, state)
        else:
            assert action.state_of(obj) == _target_of(action), f"{where}: the state did not move"
    else:
        if not repeated:
            assert messages.SUCCESS not in levels, f"{where}: an impossible action reported success"
        assert action.state_of(obj) == state, f"{where}: the state moved to {action.state_of(obj)!r}"
        assert not changed, f"{where}: refused but wrote rows: {changed}"


# --- coverage -----------------------------------------------------------------------------------------------------


def test_every_move_of_the_application_has_state_cells():
    """Every move of the transition table has a cell in each state it is possible from and one where it is not
    (or is named as edition-wide); a move added to the table without cells fails here."""
    problems = []
    covered = collections.defaultdict(lambda: {"possible": set(), "impossible": set()})
    for action in ACTIONS:
        for move in action.actions:
            covered[move]["possible"] |= set(action.possible)
            covered[move]["impossible"] |= set(action.impossible)
    for move, (sources, _target) in sorted(transitions().items()):
        if move in EDITION_WIDE:
            continue
        if move not in covered:
            problems.append(f"{move}: no state cell (add a StateAction, or name it in EDITION_WIDE with the page)")
            continue
        missing = set(sources) - covered[move]["possible"]
        if missing:
            problems.append(f"{move}: possible from {sorted(missing)} but no cell tries it there")
        wrong = covered[move]["possible"] - set(sources)
        if wrong:
            problems.append(f"{move}: cells call {sorted(wrong)} possible; the table does not allow it from there")
        if not covered[move]["impossible"]:
            problems.append(f"{move}: no cell tries it in a state where it is impossible")
        clash = covered[move]["impossible"] & set(sources)
        if clash:
            problems.append(f"{move}: cells call {sorted(clash)} impossible; the table allows it from there")
    problems += [f"{move}: named in EDITION_WIDE, not in the table" for move in set(EDITION_WIDE) - set(transitions())]
    assert not problems, "\n".join(problems)


def test_every_application_status_is_covered():
    """Every status of the application's table is tried by some cell (possible or impossible): a status added to
    the machine that no cell reaches fails here."""
    tried = set()
    for action in ACTIONS:
        if action.machine == "application":
            tried |= set(action.possible) | set(action.impossible)
    untried = sorted(set(app_enums.STATUS_TABLE) - tried)
    assert not untried, f"no state cell puts an application into: {', '.join(untried)}"


def test_every_state_of_the_review_machines_is_covered():
    """The round's moves (reviews.rounds.ROUND_MOVES) each have cells in every state they start from; every state of
    the round, the score sheet and the assignment is tried by some cell."""
    from reviews.enums import AssignmentState, RoundState, SheetState
    from reviews.rounds import ROUND_MOVES

    problems = []
    by_key = {a.key: a for a in ACTIONS}
    for move, (sources, _target) in ROUND_MOVES.items():
        cell = by_key.get(f"round_{move}")
        if cell is None or set(cell.possible) != set(sources) or not cell.impossible:
            problems.append(f"round move {move!r}: no cells for each state it starts from and one it does not")
    tried = collections.defaultdict(set)
    for action in ACTIONS:
        for state in (*action.possible, *action.impossible):
            if action.machine == "score_sheet":
                round_part, sheet_part = (part.split(":", 1)[1] for part in state.split("|"))
                tried["sheet round"].add(round_part)
                tried["sheet"].add(sheet_part)
            else:
                tried[action.machine].add(state)
    wanted = {
        "round": set(RoundState.values),
        "sheet round": {*RoundState.values, "not_yet_open"},
        "sheet": {*SheetState.values, "none"},
        "assignment": set(AssignmentState.values),
    }
    for machine, states in wanted.items():
        untried = sorted(states - tried[machine])
        if untried:
            problems.append(f"{machine}: no state cell tries {', '.join(untried)}")
    assert not problems, "\n".join(problems)


def test_every_state_of_the_results_and_session_machines_is_covered():
    """The objection's, the certificate batch's and the presentation session's states (their enums) are each tried
    by some cell; every step of an objection has a cell in each open state and in a concluded one, and an upheld
    objection has a cell for each of its effects (ObjectionEffect); a state or an effect added to those enums
    without cells fails here."""
    from notices.models_certificates import BatchState
    from notices.models_results import OPEN_OBJECTION_STATES, ObjectionEffect, ObjectionState
    from reviews.enums import RoundState, SessionState

    problems = []
    tried = collections.defaultdict(set)
    for action in ACTIONS:
        for state in (*action.possible, *action.impossible):
            if action.machine == "session":
                round_part, session_part = (part.split(":", 1)[1] for part in state.split("|"))
                tried["session round"].add(round_part)
                tried["session"].add(session_part)
            else:
                tried[action.machine].add(state)
    wanted = {
        "objection": set(ObjectionState.values),
        "certificate_batch": {*BatchState.values, "none"},
        "session": set(SessionState.values),
        "session round": {RoundState.OPEN, RoundState.CLOSED},
    }
    for machine, states in wanted.items():
        untried = sorted(states - tried[machine])
        if untried:
            problems.append(f"{machine}: no state cell tries {', '.join(untried)}")
    for action in ACTIONS:
        if action.machine != "objection":
            continue
        if set(action.possible) != set(OPEN_OBJECTION_STATES):
            problems.append(f"{action.key}: cells in {sorted(action.possible)}, not every open state")
        if not set(action.impossible) - set(OPEN_OBJECTION_STATES) or set(action.impossible) & set(
            OPEN_OBJECTION_STATES
        ):
            problems.append(f"{action.key}: impossible only in concluded states, and in one at least")
    keys = {action.key for action in ACTIONS}
    for effect in ObjectionEffect.values:
        if f"objection_uphold_{effect}" not in keys:
            problems.append(f"an upheld objection's effect {effect!r} has no cell objection_uphold_{effect}")
    assert not problems, "\n".join(problems)
