"""State cells of the authorization matrix: every state-dependent mutating action, in each state where it is possible
and in states where it is not.

tests/test_authz_matrix.py checks who may call each URL; this module checks *when*. For each action below the
world's object (tests/authz_world.py) is put into a state, and the allowed role POSTs:

- a possible state: the POST succeeds (no error message) and has its effect (the state moved, the row written);
- an impossible state: the POST is refused (a 4xx, or a page/redirect without a success message) and PostgreSQL's
  per-transaction counters show nothing written (the same check as the matrix's refusals), the state unchanged.

The state machines are the source of truth: the application's transition table (`applications.enums.TRANSITIONS`,
as extended by reviews and notices at start-up), the review round's and the score sheet's states. A coverage test
fails when a machine gains an action or a state that no cell covers.

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

# Moves of the transition table no per-application URL makes: each is made for a whole edition by the page named,
# so no single application can be put "into a state" for it; each still must be named here (coverage).
EDITION_WIDE = {
    LevelAction.AWARD: "reviews:levels_release (the release decides every candidate of the edition)",
    LevelAction.NOT_AWARD: "reviews:levels_release",
    "confirm_award": "notices:results_finalise (finalising the edition confirms every award left)",
    "withdraw_award": "notices:objection_detail (an upheld objection's conclusion)",
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
    repeated = not possible and any(repeats(state, move) for move in action.actions)

    client = Client()
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


def test_summary(capsys):
    """The size of the state matrix (printed; `-s` or the terminal summary shows it)."""
    total = sum(len(a.possible) + len(a.impossible) for a in ACTIONS)
    with capsys.disabled():
        print(f"\nauthz states: {len(ACTIONS)} actions × their states = {total} cells")
    assert total >= 2 * len(ACTIONS)
