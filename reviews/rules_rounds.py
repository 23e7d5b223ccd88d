"""Who may manage review rounds: their settings, rubrics, conflicts, assignment, progress and closing (staff)."""

import rules

from accounts.rules import is_staff_member

rules.add_perm("reviews.manage_rounds", is_staff_member)
