"""Writes of 联合推荐 (joint recommendation): the lead recommender invites further recommending organisations, the
invited organisation confirms or declines. Each write is atomic, audited, and tells the other side by mail."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import Membership, Recommender
from applications.enums import status_sets
from applications.models import Application
from core.audit import audit_record
from core.exceptions import BusinessRuleError
from core.mail import mail_after_commit

from .models_joint import CoRecommendation, CoRecommendationState
from .services import recommendation_open


def joint_problem(application: Application) -> str:
    """Why the lead cannot invite now ("" when it can): the programme, the status, the deadline."""
    if not application.edition.programme.accepts_co_applicants:
        return _("This programme does not take joint recommendations.")
    if application.unit.recommender_id is None:
        return _("The application has no recommending organisation.")
    if application.status not in status_sets().recommender_desk:
        return _("Joint recommendation is possible only while the application is with its recommending organisation.")
    if not recommendation_open(application.edition):
        return _("The recommendation deadline has passed.")
    return ""


def _member_emails(recommender_id: int, *, deciders_only: bool = False) -> list[str]:
    members = Membership.objects.filter(
        role=Role.RECOMMENDER, recommender_id=recommender_id, is_active=True, user__is_active=True
    ).exclude(user__email="")
    if deciders_only:
        members = members.filter(can_decide=True)
    return list(members.values_list("user__email", flat=True))


@transaction.atomic
def corecommendation_invite(
    *, actor, application: Application, recommender: Recommender, note: str = ""
) -> CoRecommendation:
    """Invite `recommender` to recommend `application` jointly (again, after it declined)."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("edition__programme", "unit")
        .get(pk=application.pk)
    )
    if problem := joint_problem(application):
        raise BusinessRuleError(problem)
    if recommender.pk == application.unit.recommender_id:
        raise BusinessRuleError(_("The application's own recommending organisation leads the recommendation."))
    if not recommender.is_active:
        raise BusinessRuleError(_("This recommending organisation is not active."))
    now = timezone.now()
    row = CoRecommendation.objects.filter(application=application, recommender=recommender).first()
    if row is not None and row.state != CoRecommendationState.DECLINED:
        raise BusinessRuleError(_("This organisation has been invited already."))
    before = row.state if row else None
    if row is None:
        row = CoRecommendation(application=application, recommender=recommender)
    row.state = CoRecommendationState.INVITED
    row.invited_by, row.invited_at, row.note = actor, now, note.strip()
    row.decided_by, row.decided_at = None, None
    row.save()
    audit_record(
        actor=actor,
        obj=row,
        action="corecommendation.invited",
        changes={"state": [before, row.state], "recommender": [None, recommender.name]},
        note=row.note,
    )
    mail_after_commit(
        to=_member_emails(recommender.pk),
        template="recommenders/mail/joint_invited",
        context={"application": application, "lead": application.unit.recommender, "row": row},
    )
    return row


@transaction.atomic
def corecommendation_decide(
    *, actor, co_recommendation: CoRecommendation, confirm: bool, note: str = ""
) -> CoRecommendation:
    """The invited organisation confirms (joins the recommendation) or declines."""
    row = (
        CoRecommendation.objects.select_for_update(of=("self",))
        .select_related("application__edition__programme", "application__unit__recommender", "recommender")
        .get(pk=co_recommendation.pk)
    )
    if row.state != CoRecommendationState.INVITED:
        raise BusinessRuleError(_("This invitation has been answered already."))
    if not recommendation_open(row.application.edition):
        raise BusinessRuleError(_("The recommendation deadline has passed."))
    if not row.recommender.is_active:
        raise BusinessRuleError(_("This recommending organisation is not active."))
    if confirm and row.application.status not in status_sets().recommender_desk:
        raise BusinessRuleError(_("The application is no longer with its recommending organisation."))
    before = row.state
    row.state = CoRecommendationState.CONFIRMED if confirm else CoRecommendationState.DECLINED
    row.decided_by, row.decided_at, row.note = actor, timezone.now(), note.strip() or row.note
    row.save(update_fields=["state", "decided_by", "decided_at", "note", "updated_at"])
    audit_record(
        actor=actor,
        obj=row,
        action=f"corecommendation.{row.state}",
        changes={"state": [before, row.state]},
        note=note.strip(),
    )
    lead = row.application.unit.recommender
    if lead is not None:
        mail_after_commit(
            to=_member_emails(lead.pk, deciders_only=True),
            template="recommenders/mail/joint_decided",
            context={"application": row.application, "row": row},
        )
    return row
