"""Who may manage notices: the secretariat. Reading published notices needs no permission."""

import rules

from accounts.rules import is_staff_member
from applications.rules import is_applicant, is_recommender, is_unit_contact

rules.add_perm("notices.manage_notices", is_staff_member)

# 获奖证书: staff manage templates and batches; the group, its unit's contacts and its recommender download the
# certificate of their own application while the award stands (a revoked award's certificate is staff's only).
rules.add_perm("notices.manage_certificates", is_staff_member)


@rules.predicate
def is_certified(user, application):
    from .workflow import CERTIFIED_STATUSES

    return application is not None and application.status in CERTIFIED_STATUSES


rules.add_perm(
    "notices.download_certificate",
    is_staff_member | (is_certified & (is_applicant | is_unit_contact | is_recommender)),
)
