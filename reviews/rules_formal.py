"""Who does formal review: staff (the secretariat). The per-application moves have their own permissions
`applications.<action>` (generated from the transition table by `applications.workflow.extend`)."""

import rules

from accounts.rules import is_staff_member

rules.add_perm("reviews.formal_review", is_staff_member)
