"""优秀案例在线分享: the group's consent (summary, and optionally the report), staff's publication, and the public
reads. A public case shows only the achievement (topic, group, unit, category, level, edition, summary), never a
person; the report is served through `case_report` only while consented and published."""

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Attachment
from core.audit import audit_record
from core.exceptions import BusinessRuleError

from .compendium import SUMMARY_CODE
from .models_books import CaseShare
from .workflow import CERTIFIED_STATUSES

REPORT_CODE = "report"  # awards/defaults.py: 成果报告


# --- Writes ---------------------------------------------------------------------------------------------------------


def case_consent_set(*, actor, application: Application, summary: bool, report: bool) -> CaseShare:
    """Give, change or withdraw the group's consent. Withdrawing the summary unpublishes the case at once (and
    takes the report with it). Audited; a call that changes nothing writes nothing."""
    if application.status not in CERTIFIED_STATUSES:
        raise BusinessRuleError(_("Only an award-confirmed application can be shared."), code="not_confirmed")
    report = report and summary
    with transaction.atomic():
        share = CaseShare.objects.select_for_update().filter(application=application).first()
        if share is None:
            if not summary:
                return CaseShare(application=application)  # nothing given, nothing to withdraw: no row
            share = CaseShare(application=application)
        before = {"consent_summary": share.consent_summary, "consent_report": share.consent_report}
        if share.pk and before == {"consent_summary": summary, "consent_report": report}:
            return share
        share.consent_summary = summary
        share.consent_report = report
        share.consented_by = actor
        share.consented_at = timezone.now()
        if not summary:
            share.published = False
        share.save()
        audit_record(
            actor=actor,
            obj=share,
            action="case.consent_changed",
            changes={key: [value, getattr(share, key)] for key, value in before.items()},
        )
    return share


def case_publish(*, actor, share: CaseShare, published: bool) -> CaseShare:
    """Staff publish or unpublish a consented case. Refused without the group's consent or once the award is no
    longer confirmed. Audited; a no-op writes nothing."""
    with transaction.atomic():
        share = CaseShare.objects.select_for_update().select_related("application").get(pk=share.pk)
        if share.published == published:
            return share
        if published and not share.consent_summary:
            raise BusinessRuleError(_("The group has not consented to sharing."), code="no_consent")
        if published and share.application.status not in CERTIFIED_STATUSES:
            raise BusinessRuleError(_("Only an award-confirmed application can be shared."), code="not_confirmed")
        share.published = published
        share.save(update_fields=["published", "updated_at"])
        audit_record(
            actor=actor,
            obj=share,
            action="case.published" if published else "case.unpublished",
            changes={"published": [not published, published]},
        )
    return share


# --- Reads ----------------------------------------------------------------------------------------------------------


def _public():
    # A revoked award leaves the public list at once, whatever the share row says.
    return CaseShare.objects.filter(
        published=True, consent_summary=True, application__status__in=CERTIFIED_STATUSES
    ).select_related(
        "application__edition",
        "application__category",
        "application__group",
        "application__unit",
        "application__level_decision__level",
    )


def public_cases():
    return _public().order_by("-application__edition__year", "application__number", "pk")


def public_case(pk: int) -> CaseShare:
    share = _public().filter(pk=pk).first()
    if share is None:
        raise Http404
    return share


def case_summary(share: CaseShare) -> str:
    answers = share.application.answers if isinstance(share.application.answers, dict) else {}
    return str(answers.get(SUMMARY_CODE) or "").strip()


def case_level(share: CaseShare) -> str:
    decision = getattr(share.application, "level_decision", None)
    return decision.level.name if decision and decision.level else ""


def case_report(share: CaseShare) -> Attachment | None:
    """The current report file, only when the group consented to sharing it."""
    if not share.consent_report:
        return None
    return (
        Attachment.objects.filter(application=share.application, is_current=True, requirement__code=REPORT_CODE)
        .order_by("-pk")
        .first()
    )


def staff_cases():
    return CaseShare.objects.select_related(
        "application__edition", "application__unit", "application__group", "consented_by"
    ).order_by("-pk")


def share_of(application) -> CaseShare | None:
    return CaseShare.objects.filter(application=application).first()
