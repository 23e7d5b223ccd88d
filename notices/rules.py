"""Who may manage notices: the secretariat. Reading published notices needs no permission."""

import rules

from accounts.rules import is_staff_member

rules.add_perm("notices.manage_notices", is_staff_member)

# 公示 and 结果公布: staff publish, handle objections, finalise and revoke. An answer to an objection is written by
# the applicant (the group; for unit programmes the unit) or its unit's contact.
rules.add_perm("notices.manage_results", is_staff_member)


@rules.predicate
def is_asked(user, request):
    from applications.rules import is_applicant, is_unit_contact

    if request is None:
        return False
    application = request.objection.application
    return bool(is_applicant(user, application) or is_unit_contact(user, application))


rules.add_perm("notices.answer_objection", is_asked)
