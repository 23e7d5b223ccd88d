"""Run callables at the same moment on real, separate PostgreSQL connections, and collect what each one did.

Each call runs in its own thread. Django gives every thread its own database connection, so the calls are really
concurrent transactions: a missing row lock shows as a broken count, not as a lucky pass (inside one `TestCase`
transaction, or on SQLite, `select_for_update` locks nothing). The threads wait at a `threading.Barrier` and are
released together; each closes its own connection when done. Tests using this need
`@pytest.mark.django_db(transaction=True)`: the threads see committed rows only.

`RACE_RUNS` (environment, default 3) is how many times the race battery repeats each scenario.
"""

import os
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections

from core.exceptions import BusinessRuleError

JOIN_TIMEOUT = 120


def race_runs() -> int:
    return max(1, int(os.environ.get("RACE_RUNS", "3")))


@dataclass(frozen=True)
class Outcome:
    """What one concurrent call did: its return value, or the exception it raised."""

    result: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def code(self) -> str:
        """ "ok"; a refusal's `BusinessRuleError.code`; or "crash" for any other exception (a deadlock, an
        integrity error: what a race must never produce)."""
        if self.error is None:
            return "ok"
        if isinstance(self.error, BusinessRuleError):
            return self.error.code
        return "crash"

    @property
    def message(self) -> str:
        if self.error is None:
            return ""
        return str(self.error) if isinstance(self.error, BusinessRuleError) else repr(self.error)


def run_at_once(calls: Sequence[Callable[[], Any]], *, timeout: float = 60) -> list[Outcome]:
    """Run every call in its own thread (own connection), all released together; the outcomes in call order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Outcome | None] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            try:
                outcomes[index] = Outcome(result=call())
            except BaseException as error:
                outcomes[index] = Outcome(error=error)
        except threading.BrokenBarrierError as error:
            outcomes[index] = Outcome(error=error)
        finally:
            connections.close_all()  # this thread's own connections only (they are per thread)

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    hung = [i for i, thread in enumerate(threads) if thread.is_alive()]
    assert not hung, f"calls {hung} did not finish within {JOIN_TIMEOUT} s (a lock never released?)"
    return [o if o is not None else Outcome(error=RuntimeError("no outcome")) for o in outcomes]


def run_n_at_once(call: Callable[[], Any], n: int, *, timeout: float = 60) -> list[Outcome]:
    """The same call `n` times at once (a double click is n=2)."""
    return run_at_once([call] * n, timeout=timeout)


def codes(outcomes: Sequence[Outcome]) -> Counter:
    """How many outcomes had each code, e.g. Counter({"quota": 4, "ok": 2})."""
    return Counter(o.code for o in outcomes)


class Scenario:
    """The runs of one race scenario: `check` each run (with the facts that show what happened), then `report`
    prints the scenario's line ("race unit_quota: 3/3 runs, 2 of 4 accepted", shown with `pytest -s`) and fails
    with the first broken run's facts."""

    def __init__(self, name: str):
        self.name = name
        self.held: list[bool] = []
        self.broken: list[dict] = []

    def check(self, held: bool, **facts) -> bool:
        self.held.append(bool(held))
        if not held:
            self.broken.append({"run": len(self.held), **facts})
        return bool(held)

    def report(self, detail: str) -> None:
        print(f"race {self.name}: {sum(self.held)}/{len(self.held)} runs, {detail}")
        broken = len(self.broken)
        assert not broken, f"{self.name}: {broken} of {len(self.held)} runs broke the rule: {self.broken[0]}"
