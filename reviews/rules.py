"""Who may do what in the association's review. Staff (the secretariat) run every part; experts reach their own
work through the expert channel's selectors (`selectors_expert`), which scope each page to the signed-in expert.
The per-application moves of formal review have their own permissions `applications.<action>` (generated from the
transition table by `applications.workflow.extend`). Registered on import, from `ReviewsConfig.ready`."""

import rules

from accounts.rules import is_staff_member

rules.add_perm("reviews.formal_review", is_staff_member)
rules.add_perm("reviews.manage_pool", is_staff_member)
rules.add_perm("reviews.manage_rounds", is_staff_member)
rules.add_perm("reviews.manage_declaration", is_staff_member)
rules.add_perm("reviews.correct_sheet", is_staff_member)
# Results show the unit's and the recommender's scores beside the experts': never experts, units or recommenders.
rules.add_perm("reviews.view_results", is_staff_member)
