"""Who may manage the expert pool (# pool): secretariat staff."""

import rules

from accounts.rules import is_staff_member

rules.add_perm("reviews.manage_pool", is_staff_member)
