"""Who may manage notices, results, books, shared cases and certificates: the secretariat. Reading published notices
and cases needs no permission; a group gives its consent to share its own award-confirmed application; the asked
applicant and unit answer an objection; owners download their certificate while the award stands."""

import rules

from accounts.rules import is_staff_member
from applications.rules import is_applicant, is_recommender, is_unit_contact
from core import roles

from .workflow import CERTIFIED_STATUSES


@rules.predicate
def is_group_member_of(user, application):
    return application is not None and application.group_id in roles.group_ids(user)


@rules.predicate
def is_award_confirmed(user, application):
    return application is not None and application.status in CERTIFIED_STATUSES


rules.add_perm("notices.manage_notices", is_staff_member)

# 公示 and 结果公布: staff publish, handle objections, finalise and revoke. An answer to an objection is written by
# the applicant (the group; for unit programmes the unit) or its unit's contact.
rules.add_perm("notices.manage_results", is_staff_member)


@rules.predicate
def is_asked(user, request):
    if request is None:
        return False
    application = request.objection.application
    return bool(is_applicant(user, application) or is_unit_contact(user, application))


rules.add_perm("notices.answer_objection", is_asked)
rules.add_perm("notices.manage_books", is_staff_member)
rules.add_perm("notices.manage_cases", is_staff_member)
rules.add_perm("notices.consent_case", is_group_member_of & is_award_confirmed)


# 获奖证书: staff manage templates and batches; the group, its unit's contacts and its recommender download the
# certificate of their own application while the award stands (a revoked award's certificate is staff's only).
rules.add_perm("notices.manage_certificates", is_staff_member)

rules.add_perm(
    "notices.download_certificate",
    is_staff_member | (is_award_confirmed & (is_applicant | is_unit_contact | is_recommender)),
)
