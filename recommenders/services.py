"""Unit endorsement and recommender scoring, ranking, recommendation within quotas, and hand-ins.

Every status change goes through `applications.services.application_transition`; quota checks lock a row
(the unit for unit quotas, the recommender for recommendation quotas) before counting, so concurrent
requests are serialised and a quota is never exceeded.
"""

import hashlib
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import Membership, Recommender, Unit
from applications.enums import Action, Status
from applications.models import Application
from applications.services import application_transition, unit_contact_emails
from awards.enums import PhaseKind
from core.audit import audit_record, diff, snapshot
from core.exceptions import BusinessRuleError
from core.files import validate_file
from core.mail import mail_after_commit

from .enums import HANDIN_UPLOAD_TYPES, Decision, EndorsementLevel, HandInKind
from .models import Dossier, Endorsement, Evaluation, HandIn

SCAN_TYPES = ["application/pdf", "image/jpeg", "image/png"]
SCAN_MAX_MB = 10


# --- Deadlines --------------------------------------------------------------------------------------------------


def _check_phase_open(edition, kind: str, *, now=None) -> None:
    """Refuse an action after its phase has ended (the server decides, whatever the page showed)."""
    phase = edition.phase(kind)
    now = now or timezone.now()
    if phase is not None and now >= phase.ends_at:
        raise BusinessRuleError(
            _("The %(phase)s phase ended at %(end)s (Beijing time); decisions are locked.")
            % {"phase": phase.get_kind_display(), "end": f"{timezone.localtime(phase.ends_at):%Y-%m-%d %H:%M}"},
            code="phase_closed",
        )


def recommendation_open(edition, *, now=None) -> bool:
    phase = edition.phase(PhaseKind.RECOMMENDATION)
    return phase is None or (now or timezone.now()) < phase.ends_at


# --- Scores -----------------------------------------------------------------------------------------------------


def rubric_for(application: Application):
    category = application.subtype or application.category
    rubric = category.rubric or application.category.rubric
    if rubric is None:
        raise BusinessRuleError(_("The edition has no rubric for this category; ask the secretariat."))
    return rubric


def clean_scores(rubric, raw: dict) -> tuple[dict, Decimal]:
    """Item scores as Decimals with one decimal place, each within 0..max; returns (scores, total)."""
    scores, problems = {}, []
    for item in rubric.items.all():
        value = raw.get(item.code)
        try:
            number = Decimal(str(value).strip()) if value not in (None, "") else None
            if number is not None and not number.is_finite():  # "NaN", "Infinity" parse but are no scores
                raise InvalidOperation
        except InvalidOperation:
            number = None
            problems.append(_("“%(item)s”: enter a number.") % {"item": item.name})
            continue
        if number is None:
            problems.append(_("“%(item)s”: give a score.") % {"item": item.name})
            continue
        if number < 0 or number > item.max_points:
            problems.append(
                _("“%(item)s”: the score must be between 0 and %(max)s.") % {"item": item.name, "max": item.max_points}
            )
            continue
        if number != number.quantize(Decimal("0.1")):
            problems.append(_("“%(item)s”: use at most one decimal place.") % {"item": item.name})
            continue
        scores[item.code] = str(number.quantize(Decimal("0.1")))
    if problems:
        raise BusinessRuleError(" ".join(problems), code="scores")
    return scores, sum((Decimal(v) for v in scores.values()), Decimal("0"))


@transaction.atomic
def self_evaluation_save(*, actor, application: Application, scores: dict, opinion: str) -> Evaluation:
    """The unit's self-evaluation (自评) and recommendation opinion. Editable until the unit decides."""
    locked = Application.objects.select_for_update(of=("self",)).select_related("edition").get(pk=application.pk)
    if locked.status not in (Status.SUBMITTED, Status.RETURNED_TO_UNIT):
        raise BusinessRuleError(_("The unit has already decided on this application."), code="locked")
    _check_phase_open(locked.edition, PhaseKind.UNIT_ENDORSEMENT)
    rubric = rubric_for(locked)
    clean, total = clean_scores(rubric, scores)
    evaluation = Evaluation.objects.filter(application=locked, level=EndorsementLevel.UNIT).first()
    before = snapshot(evaluation, ["scores", "total", "comment"]) if evaluation else {}
    if evaluation is None:
        evaluation = Evaluation(application=locked, level=EndorsementLevel.UNIT, rubric=rubric, reviewer=actor)
    evaluation.scores, evaluation.total, evaluation.comment, evaluation.reviewer = clean, total, opinion, actor
    evaluation.save()
    endorsement, _created = Endorsement.objects.get_or_create(application=locked, level=EndorsementLevel.UNIT)
    endorsement.opinion = opinion.strip()
    endorsement.save(update_fields=["opinion", "updated_at"])
    audit_record(
        actor=actor,
        obj=locked,
        action="application.self_evaluated",
        changes=diff(before, evaluation) if before else {"total": [None, str(total)]},
    )
    return evaluation


@transaction.atomic
def recommender_evaluation_save(
    *, actor, application: Application, recommender: Recommender, scores: dict, comment: str = ""
) -> Evaluation:
    """One reviewer of the recommending organisation scores independently; one sheet per reviewer."""
    locked = (
        Application.objects.select_for_update(of=("self",)).select_related("edition", "unit").get(pk=application.pk)
    )
    if locked.unit.recommender_id != recommender.pk:
        raise BusinessRuleError(_("This application is not under your organisation."))
    if locked.status not in (Status.ENDORSED, Status.RECOMMENDED, Status.DECLINED):
        raise BusinessRuleError(_("This application is not waiting for your organisation's review."), code="locked")
    _check_phase_open(locked.edition, PhaseKind.RECOMMENDATION)
    rubric = rubric_for(locked)
    clean, total = clean_scores(rubric, scores)
    evaluation, created = Evaluation.objects.select_for_update().get_or_create(
        application=locked,
        level=EndorsementLevel.RECOMMENDER,
        reviewer=actor,
        defaults={"recommender": recommender, "rubric": rubric, "scores": clean, "total": total, "comment": comment},
    )
    if not created:
        before = snapshot(evaluation, ["scores", "total", "comment"])
        evaluation.scores, evaluation.total, evaluation.comment = clean, total, comment
        evaluation.save()
        changes = diff(before, evaluation)
    else:
        changes = {"total": [None, str(total)]}
    if changes:
        audit_record(actor=actor, obj=locked, action="application.recommender_scored", changes=changes)
    return evaluation


# --- Unit decisions ---------------------------------------------------------------------------------------------


@transaction.atomic
def unit_scan_upload(*, actor, application: Application, uploaded_file) -> Endorsement:
    """Store the unit's stamped scoring-and-recommendation form (scan), checked as a real PDF or image."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in (Status.SUBMITTED, Status.RETURNED_TO_UNIT):
        raise BusinessRuleError(_("The unit has already decided on this application."), code="locked")
    data = uploaded_file.read()
    mime = validate_file(
        data=data, allowed_types=SCAN_TYPES, max_mb=SCAN_MAX_MB, label=_("Stamped scoring-and-recommendation form")
    )
    digest = hashlib.sha256(data).hexdigest()
    endorsement, _created = Endorsement.objects.select_for_update().get_or_create(
        application=locked, level=EndorsementLevel.UNIT
    )
    old = endorsement.scan_sha256 or None
    if old == digest:
        return endorsement
    endorsement.scan_sha256, endorsement.scan_mime = digest, mime
    endorsement.scan_name = (uploaded_file.name or "scan")[-150:]
    endorsement.scan.save(digest[:16], ContentFile(data), save=False)
    endorsement.save()
    audit_record(actor=actor, obj=locked, action="application.unit_scan_uploaded", changes={"scan": [old, digest]})
    return endorsement


def unit_endorsement_problems(application: Application) -> list[str]:
    """What the unit still has to do before it can endorse."""
    problems = []
    endorsement = next((e for e in application.endorsements.all() if e.level == EndorsementLevel.UNIT), None)
    has_self_evaluation = any(e.level == EndorsementLevel.UNIT for e in application.evaluations.all())
    if not has_self_evaluation:
        problems.append(_("Fill in the self-evaluation."))
    if endorsement is None or not endorsement.opinion.strip():
        problems.append(_("Write the recommendation opinion."))
    if endorsement is None or not endorsement.scan_sha256:
        problems.append(_("Upload the stamped scoring-and-recommendation form."))
    return problems


def _applies_directly(unit: Unit) -> bool:
    return unit.applies_directly and unit.direct_confirmed


def unit_endorse(*, actor, application: Application) -> Application:
    """The unit endorses: needs the self-evaluation, the opinion and the stamped scan; respects the edition's
    unit quota (counted under a lock on the unit row). A confirmed direct member goes straight to the
    association; the others go to their recommending organisation, whose members are notified."""
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=application.unit_id)
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("edition")
            .prefetch_related("endorsements", "evaluations", "edition__phases")
            .get(pk=application.pk)
        )
        if locked.status in (Status.ENDORSED, Status.RECOMMENDED):
            return locked  # a double click
        _check_phase_open(locked.edition, PhaseKind.UNIT_ENDORSEMENT)
        problems = unit_endorsement_problems(locked)
        if problems:
            raise BusinessRuleError(" ".join(problems), code="incomplete")
        quota = locked.edition.unit_quota
        if quota:
            used = (
                Endorsement.objects.filter(
                    level=EndorsementLevel.UNIT,
                    decision=Decision.ENDORSED,
                    application__edition=locked.edition,
                    application__unit=unit,
                )
                .exclude(application=locked)
                .count()
            )
            if used >= quota:
                raise BusinessRuleError(
                    _("Your unit has already endorsed %(used)s application(s); this edition allows %(quota)s per unit.")
                    % {"used": used, "quota": quota},
                    code="quota",
                )
        direct = _applies_directly(unit)
        if not direct and unit.recommender_id is None:
            raise BusinessRuleError(
                _(
                    "Your unit applies directly to the association, which has not confirmed it yet; ask the "
                    "secretariat to confirm before endorsing."
                ),
                code="direct_unconfirmed",
            )
        result = application_transition(
            application=locked,
            action=Action.UNIT_ENDORSE_DIRECT if direct else Action.UNIT_ENDORSE,
            actor=actor,
            fields={"return_reason": ""},
        )
        Endorsement.objects.filter(application=locked, level=EndorsementLevel.UNIT).update(
            decision=Decision.ENDORSED, decided_by=actor, decided_at=timezone.now(), updated_at=timezone.now()
        )
        if not direct and unit.recommender_id:
            Endorsement.objects.get_or_create(
                application=locked, level=EndorsementLevel.RECOMMENDER, defaults={"recommender_id": unit.recommender_id}
            )
    if not direct and unit.recommender_id:
        mail_after_commit(
            to=recommender_emails(unit.recommender),
            template="recommenders/email/endorsed",
            context={"application": result},
        )
    return result


def recommender_emails(recommender: Recommender) -> list[str]:
    return list(
        Membership.objects.filter(
            role=Role.RECOMMENDER, recommender=recommender, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def applicant_emails(application: Application) -> list[str]:
    if application.group_id:
        return [application.group.leader.email]
    return unit_contact_emails(application.unit)


def unit_return(*, actor, application: Application, reason: str) -> Application:
    """The unit returns an application to its group (or applicant) with a reason; they edit and resubmit."""
    if not reason.strip():
        raise BusinessRuleError(_("Give the reason for returning the application."))
    _check_phase_open(application.edition, PhaseKind.UNIT_ENDORSEMENT)
    with transaction.atomic():
        if Application.objects.select_for_update().get(pk=application.pk).status == Status.RETURNED_TO_GROUP:
            return application  # a double click: returned already, no second mail
        result = application_transition(
            application=application,
            action=Action.UNIT_RETURN,
            actor=actor,
            note=reason.strip(),
            fields={"return_reason": reason.strip()},
        )
        # A unit may return before it saved anything: the row then records who returned it and when.
        Endorsement.objects.update_or_create(
            application=result,
            level=EndorsementLevel.UNIT,
            defaults={"decision": Decision.RETURNED, "decided_by": actor, "decided_at": timezone.now()},
        )
    mail_after_commit(
        to=applicant_emails(result),
        template="recommenders/email/returned",
        context={"application": result, "reason": reason.strip()},
    )
    return result


# --- Recommender decisions --------------------------------------------------------------------------------------


def _check_recommender(application: Application, recommender: Recommender) -> None:
    if application.unit.recommender_id != recommender.pk:
        raise BusinessRuleError(_("This application is not under your organisation."))
    if not recommender.is_active:
        raise BusinessRuleError(
            _("Your organisation's right to recommend has been revoked; contact the secretariat."), code="revoked"
        )


def recommender_return(*, actor, application: Application, recommender: Recommender, reason: str) -> Application:
    if not reason.strip():
        raise BusinessRuleError(_("Give the reason for returning the application."))
    _check_recommender(application, recommender)
    _check_phase_open(application.edition, PhaseKind.RECOMMENDATION)
    with transaction.atomic():
        result = application_transition(
            application=application,
            action=Action.RECOMMENDER_RETURN,
            actor=actor,
            note=reason.strip(),
            fields={"return_reason": reason.strip()},
        )
        Endorsement.objects.filter(application=result, level=EndorsementLevel.UNIT).update(decision=Decision.RETURNED)
        Endorsement.objects.filter(application=result, level=EndorsementLevel.RECOMMENDER).update(
            decision=Decision.RETURNED, decided_by=actor, decided_at=timezone.now()
        )
    mail_after_commit(
        to=unit_contact_emails(result.unit),
        template="recommenders/email/returned",
        context={"application": result, "reason": reason.strip()},
    )
    return result


def quota_problem(*, application: Application, recommender: Recommender) -> str | None:
    """Why recommending this application would break a quota, or None. Call under the recommender lock."""
    edition = application.edition
    recommended = Application.objects.filter(
        edition=edition, status=Status.RECOMMENDED, unit__recommender=recommender
    ).exclude(pk=application.pk)
    if edition.recommender_total_quota is not None:
        used = recommended.count()
        if used >= edition.recommender_total_quota:
            return _(
                "Your organisation has already recommended %(used)s application(s), its quota for this edition."
            ) % {"used": used}
    if edition.recommend_per_unit is not None:
        used = recommended.filter(unit_id=application.unit_id).count()
        if used >= edition.recommend_per_unit:
            return _("%(unit)s already has %(used)s recommended application(s); at most %(quota)s per unit.") % {
                "unit": application.unit.name,
                "used": used,
                "quota": edition.recommend_per_unit,
            }
    if edition.recommend_per_unit_category is not None:
        used = recommended.filter(unit_id=application.unit_id, category_id=application.category_id).count()
        if used >= edition.recommend_per_unit_category:
            return _(
                "%(unit)s already has %(used)s recommended application(s) of the type “%(category)s”; at most "
                "%(quota)s per unit and type."
            ) % {
                "unit": application.unit.name,
                "used": used,
                "category": application.category.name,
                "quota": edition.recommend_per_unit_category,
            }
    return None


def recommender_decide(
    *, actor, application: Application, recommender: Recommender, recommend: bool, opinion: str = ""
) -> Application:
    """Recommend or decline an endorsed application; either can be changed until the recommendation deadline.

    Recommending locks the recommender's row and counts its recommendations before accepting, so of twenty
    concurrent requests against a quota of two exactly two pass and the others get the reason.
    """
    _check_recommender(application, recommender)
    with transaction.atomic():
        Recommender.objects.select_for_update().get(pk=recommender.pk)
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("edition", "unit", "category")
            .prefetch_related("edition__phases")
            .get(pk=application.pk)
        )
        _check_phase_open(locked.edition, PhaseKind.RECOMMENDATION)
        target = Status.RECOMMENDED if recommend else Status.DECLINED
        if locked.status == target:
            return locked  # a double click
        if recommend:
            problem = quota_problem(application=locked, recommender=recommender)
            if problem:
                raise BusinessRuleError(problem, code="quota")
        result = application_transition(
            application=locked,
            action=Action.RECOMMEND if recommend else Action.DECLINE,
            actor=actor,
            note=opinion.strip(),
        )
        endorsement, _created = Endorsement.objects.get_or_create(
            application=locked, level=EndorsementLevel.RECOMMENDER, defaults={"recommender": recommender}
        )
        endorsement.decision = Decision.RECOMMENDED if recommend else Decision.DECLINED
        if opinion.strip():
            endorsement.opinion = opinion.strip()
        endorsement.decided_by, endorsement.decided_at, endorsement.recommender = actor, timezone.now(), recommender
        endorsement.save()
    return result


def recommender_reconsider(*, actor, application: Application, recommender: Recommender) -> Application:
    """Undo a recommendation or a decline before the deadline: the application waits for a decision again."""
    _check_recommender(application, recommender)
    _check_phase_open(application.edition, PhaseKind.RECOMMENDATION)
    with transaction.atomic():
        result = application_transition(application=application, action=Action.RECONSIDER, actor=actor)
        Endorsement.objects.filter(application=result, level=EndorsementLevel.RECOMMENDER).update(
            decision=Decision.PENDING, decided_by=actor, decided_at=timezone.now()
        )
    return result


@transaction.atomic
def recommender_rank(*, actor, recommender: Recommender, edition, category, ordered_ids: list[int]) -> None:
    """Rank the organisation's applications of one category (1 = best), in the order given."""
    _check_phase_open(edition, PhaseKind.RECOMMENDATION)
    applications = {
        a.pk: a
        for a in Application.objects.filter(
            pk__in=ordered_ids, edition=edition, category=category, unit__recommender=recommender
        )
    }
    if set(applications) != set(ordered_ids) or len(ordered_ids) != len(set(ordered_ids)):
        raise BusinessRuleError(_("The ranking must list each application of the category once."))
    for rank, pk in enumerate(ordered_ids, start=1):
        endorsement, _created = Endorsement.objects.get_or_create(
            application_id=pk, level=EndorsementLevel.RECOMMENDER, defaults={"recommender": recommender}
        )
        if endorsement.rank != rank:
            endorsement.rank = rank
            endorsement.save(update_fields=["rank", "updated_at"])
    audit_record(
        actor=actor,
        obj=recommender,
        action="recommender.ranked",
        changes={"ranking": [None, [applications[pk].number for pk in ordered_ids]]},
        note=f"{edition} · {category}",
    )


# --- Hand-ins ---------------------------------------------------------------------------------------------------


def dossier_for(*, recommender: Recommender, edition) -> Dossier:
    dossier, _created = Dossier.objects.get_or_create(recommender=recommender, edition=edition)
    return dossier


@transaction.atomic
def statistics_save(*, actor, dossier: Dossier, data: dict) -> Dossier:
    """The activity statistics (活动统计表), validated against the edition's fields."""
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("edition").get(pk=dossier.pk)
    _check_phase_open(locked.edition, PhaseKind.RECOMMENDATION)
    clean, problems = {}, []
    for field in locked.edition.statistics_fields:
        value = str(data.get(field["code"], "")).strip()
        if value == "":
            problems.append(_("“%(label)s”: give a figure (0 if none).") % {"label": field["label"]})
            continue
        try:
            number = Decimal(value)
        except InvalidOperation:
            problems.append(_("“%(label)s”: enter a number.") % {"label": field["label"]})
            continue
        if number < 0 or (field.get("kind") == "int" and number != number.to_integral_value()):
            problems.append(
                _("“%(label)s”: enter a whole number of 0 or more.") % {"label": field["label"]}
                if field.get("kind") == "int"
                else _("“%(label)s”: enter 0 or more.") % {"label": field["label"]}
            )
            continue
        clean[field["code"]] = int(number) if field.get("kind") == "int" else str(number)
    if problems:
        raise BusinessRuleError(" ".join(problems), code="statistics")
    before = snapshot(locked, ["statistics"])
    locked.statistics = clean
    locked.save(update_fields=["statistics", "updated_at"])
    audit_record(actor=actor, obj=locked, action="dossier.statistics_saved", changes=diff(before, locked))
    return locked


@transaction.atomic
def hand_in(*, actor, dossier: Dossier, kind: str, data: bytes, file_name: str, mime_type: str | None = None) -> HandIn:
    """Hand in one item of the dossier (an upload, or the portal's generated table). Replaceable until the
    recommendation deadline; handing in the same bytes again is a no-op."""
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("edition").get(pk=dossier.pk)
    _check_phase_open(locked.edition, PhaseKind.RECOMMENDATION)
    if kind in HANDIN_UPLOAD_TYPES:
        mime_type = validate_file(
            data=data, allowed_types=HANDIN_UPLOAD_TYPES[kind], max_mb=20, label=HandInKind(kind).label
        )
    elif mime_type is None:
        raise BusinessRuleError(_("This item is generated by the portal; hand in the generated file."))
    digest = hashlib.sha256(data).hexdigest()
    existing = HandIn.objects.filter(dossier=locked, kind=kind).first()
    if existing and existing.sha256 == digest:
        return existing
    item = existing or HandIn(dossier=locked, kind=kind)
    old = item.sha256 or None
    item.file_name, item.mime_type, item.sha256, item.handed_in_by = file_name[-150:], mime_type, digest, actor
    item.file.save(digest[:16], ContentFile(data), save=False)
    item.save()
    audit_record(actor=actor, obj=locked, action=f"dossier.handed_in.{kind}", changes={kind: [old, digest]})
    return item
