"""Who may manage notices: the secretariat. Reading published notices needs no permission."""

import rules

from accounts.rules import is_staff_member

rules.add_perm("notices.manage_notices", is_staff_member)
