"""The one way a higher app adds statuses and moves to an application's life (reviews: formal review outcomes).

    extend(
        statuses=[AddedStatus("admitted", _("Admitted"), Level.ASSOCIATION, order=40)],
        actions=[AddedAction("formal_admit", _("Admit"), {"recommended"}, "admitted", actor=is_staff)],
    )

Called once from the higher app's AppConfig.ready(). The status table, the transition table, every derived status
set (who sees and who queues what), the `applications.<action>` permissions and the labels all follow; the status
still changes only through `application_transition`, which now accepts the added moves.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import enums, rules


@dataclass(frozen=True)
class AddedStatus:
    value: str
    label: object
    level: str
    order: int
    closed: bool = False


@dataclass(frozen=True)
class AddedAction:
    value: str
    label: object
    sources: Iterable[str]
    target: str
    actor: Callable  # a django-rules predicate (user, application)
    conditions: tuple = field(default_factory=tuple)


def extend(*, statuses: Iterable[AddedStatus] = (), actions: Iterable[AddedAction] = ()) -> None:
    actions = list(actions)
    enums.add_statuses(
        {s.value: (s.label, enums.StatusInfo(s.level, s.order, s.closed)) for s in statuses},
        {a.value: (a.label, frozenset(a.sources), a.target) for a in actions},
    )
    for action in actions:
        rules.add_action(action.value, action.actor, *action.conditions)
