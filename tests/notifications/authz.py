"""Objects of notifications for the authorization matrix (tests/authz_matrix.yaml). Prefixed "nt_".

A message belongs to its recipient: "own" is a message to the signed-in person (to a passer-by for anonymous),
"other" one to somebody else.
"""

from notifications.models import PortalMessage
from tests.authz_world import register_object
from tests.factories import UserFactory


def _message(recipient) -> PortalMessage:
    return PortalMessage.objects.create(
        recipient=recipient, event="submit", language="en", subject="Application submitted", body="Submitted."
    )


@register_object("nt_own_message")
def _nt_own_message(world):
    return _message(world.actor or UserFactory())


@register_object("nt_other_message")
def _nt_other_message(world):
    return _message(UserFactory())
