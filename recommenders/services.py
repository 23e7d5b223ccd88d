"""Unit endorsement and recommender scoring, ranking, recommendation within quotas, and hand-ins.

Every status change goes through `applications.services.application_transition`; quota checks lock a row
(the unit for unit quotas, the recommender for recommendation quotas) before counting, so concurrent
requests are serialised and a quota is never exceeded.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Recommender, Unit
from applications.enums import Action, Status, status_sets
from applications.models import Application
from applications.services import application_transition
from awards import scores as scores_module
from awards.enums import PhaseKind
from core import roles
from core.audit import audit_record, diff, snapshot
from core.exceptions import BusinessRuleError
from core.files import (
    atomic_with_files,
    clean_filename,
    delete_replaced_file_after_commit,
    save_file,
    validate_file,
)

from .enums import HANDIN_UPLOAD_TYPES, Decision, EndorsementLevel, HandInKind
from .models import Dossier, Endorsement, Evaluation, HandIn
from .selectors import (
    QUOTA_PER_UNIT,
    QUOTA_RECOMMENDER_TOTAL,
    QUOTA_UNIT_ENDORSEMENTS,
    RECOMMENDATION_QUOTAS,
    quota_usage,
)

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


def phase_open(edition, kind: str, *, now=None) -> bool:
    """Whether `_check_phase_open` lets an action of the phase `kind` through now (for the pages' permissions)."""
    try:
        _check_phase_open(edition, kind, now=now)
    except BusinessRuleError:
        return False
    return True


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


@transaction.atomic
def self_evaluation_save(*, actor, application: Application, scores: dict, opinion: str) -> Evaluation:
    """The unit's self-evaluation (自评) and recommendation opinion. Editable until the unit decides."""
    locked = Application.objects.select_for_update(of=("self",)).select_related("edition").get(pk=application.pk)
    if locked.status not in status_sets().unit_desk:
        raise BusinessRuleError(_("The unit has already decided on this application."), code="locked")
    _check_phase_open(locked.edition, PhaseKind.UNIT_ENDORSEMENT)
    rubric = rubric_for(locked)
    clean, total = scores_module.clean_sheet(rubric.items.all(), scores)
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
    if locked.status not in status_sets().recommender_desk:
        raise BusinessRuleError(_("This application is not waiting for your organisation's review."), code="locked")
    _check_phase_open(locked.edition, PhaseKind.RECOMMENDATION)
    rubric = rubric_for(locked)
    clean, total = scores_module.clean_sheet(rubric.items.all(), scores)
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


@atomic_with_files()
def unit_scan_upload(*, actor, application: Application, uploaded_file) -> Endorsement:
    """Store the unit's stamped scoring-and-recommendation form (scan), checked as a real PDF or image."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in status_sets().unit_desk:
        raise BusinessRuleError(_("The unit has already decided on this application."), code="locked")
    form = scoring_form_state(locked)
    if not form["form_current"]:
        raise BusinessRuleError(
            _(
                "First build the scoring-and-recommendation form with the saved scores and opinion (step 2); then "
                "print it, have it signed and stamped, and upload its scan."
            ),
            code="form_missing",
        )
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
        if endorsement.scan_form_version == form["version"]:
            return endorsement
        raise BusinessRuleError(
            _(
                "This is the scan uploaded before the scores or the opinion changed; upload the scan of the form "
                "built with the saved scores and opinion."
            ),
            code="scan_stale",
        )
    endorsement.scan_sha256, endorsement.scan_mime = digest, mime
    endorsement.scan_form_version, endorsement.scan_uploaded_at = form["version"], timezone.now()
    endorsement.scan_name = clean_filename(uploaded_file.name, default="scan")
    replaced = endorsement.scan.name or ""
    save_file(endorsement.scan, digest[:16], ContentFile(data))
    endorsement.save()
    delete_replaced_file_after_commit(Endorsement, "scan", replaced)  # the old scan would otherwise stay an orphan
    audit_record(actor=actor, obj=locked, action="application.unit_scan_uploaded", changes={"scan": [old, digest]})
    return endorsement


def scoring_form_state(application: Application) -> dict:
    """The generated 成果评分与推荐意见表 against the saved scores and opinion.

    `version`: the fingerprint of what the form prints now (scores, total, opinion, heading); `document`: the
    generated form (or None); `form_current`: it is built and prints exactly the saved scores and opinion."""
    from documents.selectors import document_for

    from .documents_unit import SCORING_OPINION_FORM, scoring_form_version

    version = scoring_form_version(application)
    document = document_for(SCORING_OPINION_FORM, application)
    current = document is not None and document.is_ready and document.source_version == version
    return {"version": version, "document": document, "form_current": current}


def scan_is_current(endorsement: Endorsement | None, version: str) -> bool:
    """The stamped scan was uploaded after the form with the saved scores and opinion was generated."""
    return bool(endorsement and endorsement.scan_sha256 and endorsement.scan_form_version == version)


def unit_endorsement_problems(application: Application, *, form_state: dict | None = None) -> list[str]:
    """What the unit still has to do before it can endorse: the self-evaluation, the opinion, the form generated
    from them, and the stamped scan of that form (uploaded after it was generated, with nothing changed since)."""
    problems = []
    endorsement = next((e for e in application.endorsements.all() if e.level == EndorsementLevel.UNIT), None)
    has_self_evaluation = any(e.level == EndorsementLevel.UNIT for e in application.evaluations.all())
    has_opinion = endorsement is not None and bool(endorsement.opinion.strip())
    if not has_self_evaluation:
        problems.append(_("Fill in the self-evaluation."))
    if not has_opinion:
        problems.append(_("Write the recommendation opinion."))
    state = form_state or scoring_form_state(application)
    scan_current = scan_is_current(endorsement, state["version"])
    if has_self_evaluation and has_opinion and not state["form_current"] and not scan_current:
        problems.append(_("Build the scoring-and-recommendation form with the saved scores and opinion."))
    if endorsement is None or not endorsement.scan_sha256:
        problems.append(_("Upload the stamped scoring-and-recommendation form."))
    elif not scan_current:
        problems.append(
            _(
                "The stamped scan is not of the form with the saved scores and opinion (they changed after it was "
                "uploaded): build the form again, print, stamp and scan it, and upload the new scan."
            )
        )
    return problems


def applies_directly(unit: Unit) -> bool:
    """A confirmed direct member: its endorsement goes straight to the association."""
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
        direct = applies_directly(unit)

        def check(_fresh: Application) -> None:
            # Only for a real move: a repeated endorsement (a double click) is answered by the transition as a no-op.
            _check_phase_open(locked.edition, PhaseKind.UNIT_ENDORSEMENT)
            problems = unit_endorsement_problems(locked)
            if problems:
                raise BusinessRuleError(" ".join(problems), code="incomplete")
            for use in quota_usage(locked, kinds=(QUOTA_UNIT_ENDORSEMENTS,)):
                if use.full:
                    raise BusinessRuleError(
                        _(
                            "Your unit has already endorsed %(used)s application(s); this edition allows %(quota)s "
                            "per unit."
                        )
                        % {"used": use.used, "quota": use.quota},
                        code="quota",
                    )
            if not direct and unit.recommender_id is None:
                raise BusinessRuleError(
                    _(
                        "Your unit applies directly to the association, which has not confirmed it yet; ask the "
                        "secretariat to confirm before endorsing."
                    ),
                    code="direct_unconfirmed",
                )

        result, changed = application_transition(
            application=locked,
            action=Action.UNIT_ENDORSE_DIRECT if direct else Action.UNIT_ENDORSE,
            actor=actor,
            fields={"return_reason": ""},
            prepare=check,
        )
        if changed:
            Endorsement.objects.filter(application=locked, level=EndorsementLevel.UNIT).update(
                decision=Decision.ENDORSED, decided_by=actor, decided_at=timezone.now(), updated_at=timezone.now()
            )
            if not direct and unit.recommender_id:
                Endorsement.objects.get_or_create(
                    application=locked,
                    level=EndorsementLevel.RECOMMENDER,
                    defaults={"recommender_id": unit.recommender_id},
                )
    return result


def unit_return(*, actor, application: Application, reason: str) -> Application:
    """The unit returns an application to its group (or applicant) with a reason; they edit and resubmit."""
    if not reason.strip():
        raise BusinessRuleError(_("Give the reason for returning the application."))
    _check_phase_open(application.edition, PhaseKind.UNIT_ENDORSEMENT)
    with transaction.atomic():
        result, changed = application_transition(
            application=application,
            action=Action.UNIT_RETURN,
            actor=actor,
            note=reason.strip(),
            fields={"return_reason": reason.strip()},
        )
        if changed:  # a repeated return (a double click) changes nothing and sends no second mail
            # A unit may return before it saved anything: the row then records who returned it and when.
            Endorsement.objects.update_or_create(
                application=result,
                level=EndorsementLevel.UNIT,
                defaults={"decision": Decision.RETURNED, "decided_by": actor, "decided_at": timezone.now()},
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


def _check_decider(actor, recommender_id: int) -> None:
    """Only a member who decides for the organisation recommends, declines, returns, ranks and hands in; its
    other members review and score."""
    if recommender_id not in roles.decider_recommender_ids(actor):
        raise BusinessRuleError(
            _("Only a member who decides for your organisation can do this; reviewers score."), code="not_decider"
        )


def recommender_return(*, actor, application: Application, recommender: Recommender, reason: str) -> Application:
    if not reason.strip():
        raise BusinessRuleError(_("Give the reason for returning the application."))
    _check_recommender(application, recommender)
    _check_decider(actor, recommender.pk)
    _check_phase_open(application.edition, PhaseKind.RECOMMENDATION)
    with transaction.atomic():
        result, changed = application_transition(
            application=application,
            action=Action.RECOMMENDER_RETURN,
            actor=actor,
            note=reason.strip(),
            fields={"return_reason": reason.strip()},
        )
        if changed:
            Endorsement.objects.filter(application=result, level=EndorsementLevel.UNIT).update(
                decision=Decision.RETURNED
            )
            Endorsement.objects.filter(application=result, level=EndorsementLevel.RECOMMENDER).update(
                decision=Decision.RETURNED, decided_by=actor, decided_at=timezone.now()
            )
    return result


def quota_problem(*, application: Application, recommender: Recommender) -> str | None:
    """Why recommending this application would break a quota, or None. Call under the recommender lock: the
    places are counted by `selectors.quota_usage`, the count the queue and unit pages show as "n of N used"."""
    for use in quota_usage(application, kinds=RECOMMENDATION_QUOTAS):
        if not use.full:
            continue
        if use.kind == QUOTA_RECOMMENDER_TOTAL:
            return _(
                "Your organisation has already recommended %(used)s application(s), its quota for this edition."
            ) % {"used": use.used}
        if use.kind == QUOTA_PER_UNIT:
            return _("%(unit)s already has %(used)s recommended application(s); at most %(quota)s per unit.") % {
                "unit": application.unit.name,
                "used": use.used,
                "quota": use.quota,
            }
        return _(
            "%(unit)s already has %(used)s recommended application(s) of the type “%(category)s”; at most "
            "%(quota)s per unit and type."
        ) % {
            "unit": application.unit.name,
            "used": use.used,
            "category": application.category.name,
            "quota": use.quota,
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
    _check_decider(actor, recommender.pk)
    with transaction.atomic():
        Recommender.objects.select_for_update().get(pk=recommender.pk)
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("edition", "unit", "category")
            .prefetch_related("edition__phases")
            .get(pk=application.pk)
        )
        _check_phase_open(locked.edition, PhaseKind.RECOMMENDATION)

        def check(_fresh: Application) -> None:
            # Only for a real move: a repeated decision (a double click) is answered by the transition as a no-op.
            if not opinion.strip():
                raise BusinessRuleError(
                    _("Write the recommendation opinion.")
                    if recommend
                    else _("Give the reason for not recommending the application."),
                    code="opinion",
                )
            if recommend:
                problem = ranking_problem(recommender=recommender, edition=locked.edition, category=locked.category)
                if problem:
                    raise BusinessRuleError(problem, code="ranking")
                problem = quota_problem(application=locked, recommender=recommender)
                if problem:
                    raise BusinessRuleError(problem, code="quota")

        result, changed = application_transition(
            application=locked,
            action=Action.RECOMMEND if recommend else Action.DECLINE,
            actor=actor,
            note=opinion.strip(),
            prepare=check,
        )
        if changed:
            endorsement, _created = Endorsement.objects.get_or_create(
                application=locked, level=EndorsementLevel.RECOMMENDER, defaults={"recommender": recommender}
            )
            endorsement.decision = Decision.RECOMMENDED if recommend else Decision.DECLINED
            endorsement.opinion = opinion.strip()
            endorsement.decided_by, endorsement.decided_at, endorsement.recommender = actor, timezone.now(), recommender
            endorsement.save()
    return result


def recommender_reconsider(*, actor, application: Application, recommender: Recommender) -> Application:
    """Undo a recommendation or a decline before the deadline: the application waits for a decision again."""
    _check_recommender(application, recommender)
    _check_decider(actor, recommender.pk)
    _check_phase_open(application.edition, PhaseKind.RECOMMENDATION)
    with transaction.atomic():
        result, changed = application_transition(application=application, action=Action.RECONSIDER, actor=actor)
        if changed:
            Endorsement.objects.filter(application=result, level=EndorsementLevel.RECOMMENDER).update(
                decision=Decision.PENDING, decided_by=actor, decided_at=timezone.now()
            )
    return result


# What a recommending organisation ranks: the applications of a category on its desk (reviewed, not sent back).
RANKED_STATUSES = tuple(s for s in Status if s in status_sets().recommender_desk)


def _rank_problems(numbers: dict[int, str], ranks: dict[int, object]) -> list[str]:
    """What keeps `ranks` ({application pk: rank}) from being the ranks 1..n of the applications `numbers`
    ({pk: number}) each given once; [] when they are."""
    n = len(numbers)
    problems, given = [], {}
    for pk, number in numbers.items():
        raw = ranks.get(pk)
        if raw is None or str(raw).strip() == "":
            problems.append(_("“%(number)s” has no rank.") % {"number": number})
            continue
        try:
            rank = int(str(raw).strip())
        except ValueError:
            rank = None
        if rank is None or not 1 <= rank <= n:
            problems.append(
                _("“%(number)s”: the rank must be a whole number from 1 to %(n)s.") % {"number": number, "n": n}
            )
            continue
        given.setdefault(rank, []).append(number)
    for rank, holders in sorted(given.items()):
        if len(holders) > 1:
            problems.append(
                _("Rank %(rank)s is given to %(numbers)s; each rank goes to one application.")
                % {"rank": rank, "numbers": "、".join(f"“{h}”" for h in holders)}
            )
    return problems  # n ranks within 1..n with no rank given twice: a permutation of 1..n


def ranked_applications(recommender: Recommender, edition, category) -> list[Application]:
    return list(
        Application.objects.filter(
            edition=edition, category=category, unit__recommender=recommender, status__in=status_sets().recommender_desk
        ).order_by("number", "pk")
    )


def ranking_problem(*, recommender: Recommender, edition, category) -> str | None:
    """Why the saved ranking of a category is not complete (ranks 1..n, each once, over the applications it
    reviews now), or None. Recommending needs a complete ranking of the application's category."""
    applications = ranked_applications(recommender, edition, category)
    saved = dict(
        Endorsement.objects.filter(
            application__in=applications, level=EndorsementLevel.RECOMMENDER, rank__isnull=False
        ).values_list("application_id", "rank")
    )
    problems = _rank_problems({a.pk: a.number or str(a.pk) for a in applications}, saved)
    if not problems:
        return None
    return _(
        "Rank the applications of “%(category)s” first (1 to %(n)s, each rank once) and save the ranking: %(problems)s"
    ) % {"category": category.name, "n": len(applications), "problems": " ".join(problems)}


@transaction.atomic
def recommender_rank(
    *,
    actor,
    recommender: Recommender,
    edition,
    category,
    ranks: dict[int, object] | None = None,
    ordered_ids: list[int] | None = None,
) -> None:
    """Rank the organisation's applications of one category (1 = best): `ranks` gives each application's rank
    ({pk: rank}; `ordered_ids` lists them best first instead). The ranks must be 1..n, each given once, over
    every application of the category the organisation reviews (endorsed, recommended or declined)."""
    _check_decider(actor, recommender.pk)
    _check_phase_open(edition, PhaseKind.RECOMMENDATION)
    Recommender.objects.select_for_update().get(pk=recommender.pk)  # decisions check the ranking under this lock
    if ranks is None:
        ids = list(ordered_ids or [])
        if len(ids) != len(set(ids)):
            raise BusinessRuleError(_("The ranking must list each application of the category once."))
        ranks = {pk: rank for rank, pk in enumerate(ids, start=1)}
    applications = {a.pk: a for a in ranked_applications(recommender, edition, category)}
    if not set(ranks) <= set(applications):
        raise BusinessRuleError(_("The ranking must list each application of the category once."))
    problems = _rank_problems({pk: a.number or str(pk) for pk, a in applications.items()}, ranks)
    if problems:
        raise BusinessRuleError(
            _("Ranks must be 1 to %(n)s, each given once: %(problems)s")
            % {"n": len(applications), "problems": " ".join(problems)},
            code="ranking",
        )
    clean = {pk: int(str(ranks[pk]).strip()) for pk in applications}
    for pk, rank in clean.items():
        endorsement, _created = Endorsement.objects.get_or_create(
            application_id=pk, level=EndorsementLevel.RECOMMENDER, defaults={"recommender": recommender}
        )
        if endorsement.rank != rank:
            endorsement.rank = rank
            endorsement.save(update_fields=["rank", "updated_at"])
    ordered = sorted(clean, key=clean.get)
    audit_record(
        actor=actor,
        obj=recommender,
        action="recommender.ranked",
        changes={"ranking": [None, [applications[pk].number for pk in ordered]]},
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
    _check_decider(actor, locked.recommender_id)
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
            number = None
        if number is None or not number.is_finite():  # "NaN" parses but cannot even be compared with 0
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


@atomic_with_files()
def hand_in(*, actor, dossier: Dossier, kind: str, data: bytes, file_name: str, mime_type: str | None = None) -> HandIn:
    """Hand in one item of the dossier (an upload, or the portal's generated table). Replaceable until the
    recommendation deadline; handing in the same bytes again is a no-op."""
    locked = Dossier.objects.select_for_update(of=("self",)).select_related("edition").get(pk=dossier.pk)
    _check_decider(actor, locked.recommender_id)
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
    item.file_name, item.mime_type, item.sha256, item.handed_in_by = clean_filename(file_name), mime_type, digest, actor
    replaced = item.file.name if existing else ""
    save_file(item.file, digest[:16], ContentFile(data))
    item.save()
    delete_replaced_file_after_commit(HandIn, "file", replaced)  # one row per kind: the old file has no row left
    audit_record(actor=actor, obj=locked, action=f"dossier.handed_in.{kind}", changes={kind: [old, digest]})
    return item


@dataclass(frozen=True)
class GeneratedHandIn:
    """What `hand_in_generated_request` did: the table's document, and the hand-in if it is made already (None
    while the document is being generated; the task hands it in when the file is ready)."""

    document: object
    hand_in: HandIn | None


def _generated_document_kind(kind: str) -> str:
    from .documents_recommender import handin_document_kind

    document_kind = handin_document_kind(kind)
    if document_kind is None:
        raise BusinessRuleError(_("This item is not generated by the portal."), code="not_generated")
    return document_kind


def hand_in_generated_request(*, actor, dossier: Dossier, kind: str) -> GeneratedHandIn:
    """Hand in the portal's current table of `kind` (推荐表, 评审汇总表, 活动统计表) without building it in the request.

    If the table's document is built from the current rows already, its bytes are handed in at once. Otherwise the
    document goes to `pending` (pages show it as being generated) and `recommenders.hand_in_generated` is queued
    after commit: it builds the document and hands in exactly the file it built. The decider, the open phase and
    the saved statistics are checked here, and `hand_in` checks them again when the task hands in."""
    from documents.services import document_request

    document_kind = _generated_document_kind(kind)
    dossier = Dossier.objects.select_related("edition", "recommender").get(pk=dossier.pk)
    _check_decider(actor, dossier.recommender_id)
    if not recommendation_open(dossier.edition):
        raise BusinessRuleError(_("The recommendation phase has ended; the hand-ins are locked."), code="phase_closed")
    if kind == HandInKind.ACTIVITY_STATISTICS and not dossier.statistics:
        raise BusinessRuleError(_("Fill in and save the activity statistics first."), code="statistics_missing")
    with transaction.atomic():
        document = document_request(kind=document_kind, obj=dossier, actor=actor, queue=False)
        if document.is_ready:  # document_request keeps `ready` only for a file of the current version
            return GeneratedHandIn(document=document, hand_in=_hand_in_document(actor, dossier, kind, document))
        transaction.on_commit(
            lambda: _queue_hand_in(dossier_id=dossier.pk, kind=kind, actor_id=actor.pk, document_id=document.pk)
        )
    # Without a worker (development, eager tests) the task has run on commit: report what it did.
    document.refresh_from_db()
    done = (
        HandIn.objects.filter(dossier=dossier, kind=kind, sha256=document.checksum).first()
        if document.is_ready
        else None
    )
    return GeneratedHandIn(document=document, hand_in=done)


def _queue_hand_in(**ids) -> None:
    from .tasks import hand_in_generated

    hand_in_generated.delay(**ids)


def _hand_in_document(actor, dossier: Dossier, kind: str, document) -> HandIn:
    with document.file.open("rb") as handle:
        data = handle.read()
    return hand_in(
        actor=actor, dossier=dossier, kind=kind, data=data, file_name=document.filename, mime_type=document.mime_type
    )


def hand_in_generated_complete(*, actor, dossier: Dossier, kind: str, document_id: int) -> HandIn | None:
    """The queued half of `hand_in_generated_request` (run by the task): build the document (a no-op when it is
    current) and hand in its file. A failed build is recorded on the document, which the dossier page shows; a
    hand-in refused meanwhile (the phase ended, the member no longer decides) is audited as
    `dossier.handin_refused`. Idempotent: handing in the same bytes again changes nothing."""
    from documents.services import document_build

    _generated_document_kind(kind)
    document = document_build(document_id=document_id, actor=actor)
    if not document.is_ready:
        return None
    try:
        return _hand_in_document(actor, dossier, kind, document)
    except BusinessRuleError as error:
        audit_record(
            actor=actor, obj=dossier, action="dossier.handin_refused", changes={"kind": kind}, note=error.message
        )
        return None
