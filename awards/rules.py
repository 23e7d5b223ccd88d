"""Who may see and configure programmes and editions. Views and templates check these same permissions."""

import rules

from accounts.rules import is_staff_member

from .enums import PhaseKind


@rules.predicate
def is_published(user, edition):
    """An edition with its application window scheduled is public; one still being prepared is not."""
    return edition is not None and any(phase.kind == PhaseKind.APPLICATION for phase in edition.phases.all())


# Configuring programmes and editions is the secretariat's job.
rules.add_perm("awards.manage_editions", is_staff_member)
# An edition's published information (notice, schedule, categories, required files) is public: anyone, signed in
# or not, reads it before deciding to apply. Staff also see editions still being prepared. The configuration pages
# check `awards.manage_editions`.
rules.add_perm("awards.view_edition", is_published | is_staff_member)
