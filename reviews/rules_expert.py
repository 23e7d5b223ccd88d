"""Who may act in the expert channel and on the declaration (registered on import, from reviews/apps.py)."""

import rules

from accounts.rules import is_staff_member

rules.add_perm("reviews.manage_declaration", is_staff_member)
rules.add_perm("reviews.correct_sheet", is_staff_member)
