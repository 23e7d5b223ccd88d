"""Who may do what with notices. Views and templates use these same permissions."""

import rules

from accounts.rules import is_staff_member


@rules.predicate
def is_signed_in(user):
    return getattr(user, "is_authenticated", False) and user.is_active


@rules.predicate
def is_recipient(user, message):
    return message is not None and getattr(user, "pk", None) == message.recipient_id


# Every signed-in person has an inbox; a message is its recipient's only.
rules.add_perm("notifications.view_inbox", is_signed_in)
rules.add_perm("notifications.view_message", is_signed_in & is_recipient)
# The wording of the notices is the secretariat's.
rules.add_perm("notifications.manage_templates", is_staff_member)
