"""Who may do what to which account object. Views and templates check these same permissions."""

import rules

from core import roles


@rules.predicate
def is_staff_member(user):
    return roles.is_staff(user)


@rules.predicate
def is_expert(user):
    return roles.is_expert(user)


@rules.predicate
def is_unit_contact_of(user, unit):
    return unit is not None and unit.pk in roles.unit_ids(user)


@rules.predicate
def is_recommender_of_unit(user, unit):
    return unit is not None and unit.recommender_id is not None and unit.recommender_id in roles.recommender_ids(user)


@rules.predicate
def is_member_of_recommender(user, recommender):
    return recommender is not None and recommender.pk in roles.recommender_ids(user)


@rules.predicate
def leads_group(user, group):
    return group is not None and group.pk in roles.led_group_ids(user)


@rules.predicate
def is_contact_of_group_unit(user, group):
    return group is not None and group.unit_id in roles.unit_ids(user)


@rules.predicate
def is_recommender_of_group_unit(user, group):
    return group is not None and group.unit.recommender_id in roles.recommender_ids(user)


rules.add_perm("accounts.access_staff_console", is_staff_member)
rules.add_perm("accounts.access_expert_channel", is_expert)

rules.add_perm("accounts.view_recommender", is_staff_member | is_member_of_recommender)

rules.add_perm("accounts.view_unit", is_staff_member | is_unit_contact_of | is_recommender_of_unit)
rules.add_perm("accounts.approve_unit", is_staff_member | is_recommender_of_unit)

rules.add_perm(
    "accounts.view_group",
    is_staff_member | leads_group | is_contact_of_group_unit | is_recommender_of_group_unit,
)
rules.add_perm("accounts.change_group", is_staff_member | leads_group)
rules.add_perm("accounts.approve_group", is_staff_member | is_contact_of_group_unit)
