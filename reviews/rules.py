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

# 评定: the combined ranking, staff's staged levels and the release are staff's; the committee vote is cast by the
# scheme's committee members (staff users), one each.


@rules.predicate
def is_committee_member(user, scheme):
    return scheme is not None and scheme.committee.filter(pk=user.pk).exists()


rules.add_perm("reviews.manage_levels", is_staff_member)


@rules.predicate
def is_member_of_slot_group(user, slot):
    from core import roles

    return slot is not None and slot.application.group_id in roles.group_ids(user)


# 发表赛: the presenting group's members upload the slot's file (staff, the unit and the recommender see the slot on
# the group's dashboard but not that page, which answers them 403).
rules.add_perm("reviews.upload_presentation_file", is_member_of_slot_group)
rules.add_perm("reviews.vote_levels", is_staff_member & is_committee_member)


@rules.predicate
def is_visit_panel_member(user, visit):
    from .onsite import visit_panel_member

    return visit is not None and visit_panel_member(user, visit)


@rules.predicate
def is_panel_leader(user, panel):
    from .selectors_expert import expert_of

    expert = expert_of(user)
    return panel is not None and expert is not None and expert.is_active and panel.leader_id == expert.pk


# On-site review: staff schedule visits; staff and the visit's panel see it and add photos.
rules.add_perm("reviews.manage_visits", is_staff_member)
rules.add_perm("reviews.view_visit", is_staff_member | is_visit_panel_member)
# 合议: staff name leaders; the leader (and staff) see the panel's scores and record its conclusions.
rules.add_perm("reviews.manage_panels", is_staff_member)
rules.add_perm("reviews.lead_panel", is_staff_member | is_panel_leader)
