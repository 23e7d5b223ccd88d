"""Who may see and configure programmes and editions. Views and templates check these same permissions."""

import rules

from accounts.rules import is_staff_member


@rules.predicate
def is_signed_in(user):
    return getattr(user, "is_authenticated", False) and user.is_active


# Configuring programmes and editions is the secretariat's job.
rules.add_perm("awards.manage_editions", is_staff_member)
# An edition's published information (schedule, categories, required files) is for every signed-in user;
# the configuration pages check `awards.manage_editions`.
rules.add_perm("awards.view_edition", is_signed_in)
