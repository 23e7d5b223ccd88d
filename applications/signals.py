"""The signals of an application's moves, for apps above applications (which it cannot import).

`transition_requested` is sent by `application_transition` under the row lock, after the move was found allowed by
the transition table and before anything is written. A receiver vetoes the move by raising `TransitionVetoed` with
a message for the user: the transaction rolls back, the status stays, and the caller shows the message (it is a
`BusinessRuleError`, which every view already shows as is). Any other exception also aborts the move (a bug).

    receiver(sender=Application, application, action, from_status, to_status, actor, note)

`transition_committed` is sent once the move committed (`transaction.on_commit`), never on rollback, with
`send_robust`: a failing receiver is logged and the others still run; the move stands. Use it for notices and
follow-up work; look data up again rather than trusting the instance to be current.

    receiver(sender=Application, application, action, from_status, to_status, actor, note, event)
"""

import logging

from django.dispatch import Signal

from core.exceptions import BusinessRuleError

logger = logging.getLogger(__name__)

transition_requested = Signal()
transition_committed = Signal()


class TransitionVetoed(BusinessRuleError):
    """Raised by a `transition_requested` receiver to refuse a move; `message` is shown to the user as is."""

    def __init__(self, message, *, code: str = "vetoed"):
        super().__init__(message, code=code)


def send_committed(sender, **kwargs) -> None:
    """Send `transition_committed` robustly: log each failing receiver, never raise."""
    for receiver, response in transition_committed.send_robust(sender, **kwargs):
        if isinstance(response, Exception):
            logger.error(
                "transition_committed receiver %s failed for application %s (%s)",
                getattr(receiver, "__qualname__", receiver),
                getattr(kwargs.get("application"), "pk", None),
                kwargs.get("action"),
                exc_info=(type(response), response, response.__traceback__),
            )
