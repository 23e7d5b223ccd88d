"""Who may see a round's results and its review summary (评审汇总表): secretariat staff only — never experts,
units or recommenders (the figures beside the experts' include the unit's and the recommender's scores)."""

import rules

from accounts.rules import is_staff_member

rules.add_perm("reviews.view_results", is_staff_member)
