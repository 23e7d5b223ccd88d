"""形式审查: staff check each application that reached the association against the edition's checklist and decide
its outcome (参评, 完善后参评, 不评, 缓评, 驳回); the group hands back a correction before its deadline.

Services are keyword-only and write the audit log in their transaction; every status change goes through
`applications.services.application_transition` with the move of `enums.OUTCOME_ACTION`. Selectors read a fixed
number of queries whatever the number of applications.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.enums import TRANSITIONS
from applications.models import Application
from applications.services import application_extend_deadline, application_transition
from awards.models import Category, Edition
from core.audit import audit_record, diff, snapshot
from core.exceptions import BusinessRuleError

from .enums import OUTCOME_ACTION, FormalOutcome, ReviewAction, ReviewStatus
from .models import ChecklistItem, FormalReview
from .workflow import FORMAL_DECIDED, FORMAL_REVIEW_QUEUE

# The checklist an edition starts with (staff edit it per edition): code, Chinese label, English label.
DEFAULT_CHECKLIST = (
    ("attachments", "附件齐全、清晰可读", "Attachments complete and legible"),
    ("stamped_scan", "盖章扫描件齐全且与申报材料一致", "Stamped scan present and matching"),
    ("category", "申报类别正确", "Category is right"),
    ("eligibility", "符合申报资格", "Eligibility"),
    ("limits", "字数、页数符合要求", "Word and page limits respected"),
    ("earlier_topics", "已核查往年相似课题", "Earlier similar topics flagged"),
    ("anonymous_report", "成果报告未出现单位名称（盲审）", "Report does not name the unit (for blind rounds)"),
)

# The audit action of a checklist change (the others are in enums.AUDIT_ACTIONS).
AUDIT_LABELS = {"formal_review.checklist_changed": gettext_lazy("formal review checklist changed")}

# Outcomes that need no written reason (参评).
REASON_OPTIONAL = frozenset({FormalOutcome.ADMIT})

EXPIRED_REASON = gettext_lazy("The correction was not handed back before its deadline.")


# --- Checklist --------------------------------------------------------------------------------------------------


def checklist_ensure(edition: Edition) -> list[ChecklistItem]:
    """The edition's active checklist, in order; the default items are created first when it has none at all.
    Idempotent (a concurrent first call is absorbed by the unique code per edition)."""
    if not ChecklistItem.objects.filter(edition=edition).exists():
        ChecklistItem.objects.bulk_create(
            [
                ChecklistItem(edition=edition, code=code, label=label, label_en=label_en, position=position)
                for position, (code, label, label_en) in enumerate(DEFAULT_CHECKLIST, start=1)
            ],
            ignore_conflicts=True,
        )
    return list(ChecklistItem.objects.filter(edition=edition, is_active=True).order_by("position", "id"))


def checklist_for_decision(application: Application) -> list[ChecklistItem]:
    """The active checklist items a check or a decision on `application` may name. The defaults are created only
    for an application a decision can still move: a refused request (the application is past formal review)
    writes nothing."""
    decidable = frozenset().union(*(TRANSITIONS[action][0] for action in OUTCOME_ACTION.values()))
    if application.status in decidable:
        return checklist_ensure(application.edition)
    return list(
        ChecklistItem.objects.filter(edition_id=application.edition_id, is_active=True).order_by("position", "id")
    )


@transaction.atomic
def checklist_save(*, actor, edition: Edition, formset) -> int:
    """Save the staff's edit of an edition's checklist (a valid model formset over its items: rename, reorder,
    deactivate, add). Items are never deleted, so decisions that named them keep their meaning. Returns the number
    of items changed or added."""
    changed = 0
    for form in formset.forms:
        if not form.has_changed():
            continue
        item = form.save(commit=False)
        before = snapshot(item, ["code", "label", "label_en", "position", "is_active"]) if item.pk else None
        item.edition = edition
        try:
            item.full_clean()
        except ValidationError as error:
            raise BusinessRuleError(" ".join(error.messages), code="invalid") from error
        item.save()
        changes = diff(before, item) if before else {"code": [None, item.code], "label": [None, item.label]}
        audit_record(actor=actor, obj=edition, action="formal_review.checklist_changed", changes=changes)
        changed += 1
    return changed


# --- Selectors --------------------------------------------------------------------------------------------------

QUEUE = "queue"  # the status filter value for "waiting for a decision"


def formal_editions() -> list[Edition]:
    """Editions that have applications at the association (the queue's edition choice), newest first."""
    return list(
        Edition.objects.filter(applications__status__in=FORMAL_REVIEW_QUEUE | FORMAL_DECIDED)
        .distinct()
        .select_related("programme")
        .order_by("-year", "programme__code")
    )


def formal_queue(edition: Edition, *, category: Category | None = None, status: str = "") -> list[Application]:
    """The applications of `edition` in formal review: waiting ones first, then decided ones; filtered by category
    and by status (`QUEUE` for the waiting ones, or one decided status). Two queries, whatever their number."""
    statuses = FORMAL_REVIEW_QUEUE | FORMAL_DECIDED
    if status == QUEUE:
        statuses = FORMAL_REVIEW_QUEUE
    elif status:
        statuses = statuses & {status}
    applications = Application.objects.filter(edition=edition, status__in=statuses)
    if category is not None:
        applications = applications.filter(Q(category=category) | Q(subtype=category))
    return list(
        applications.select_related("category", "subtype", "group", "unit__recommender", "formal_review")
        .annotate(
            waiting=Case(
                When(status__in=FORMAL_REVIEW_QUEUE, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("waiting", "category__position", "number", "id")
    )


def formal_review_of(application: Application) -> FormalReview | None:
    return FormalReview.objects.filter(application=application).select_related("decided_by", "carried_from").first()


def next_edition(application: Application) -> Edition | None:
    """The programme's next edition after the application's (where a deferred application is carried over)."""
    return (
        Edition.objects.filter(programme_id=application.edition.programme_id, year__gt=application.edition.year)
        .order_by("year")
        .first()
    )


def outcomes_for(**scope) -> list[FormalReview]:
    """Decided formal reviews of the applications in `scope` (e.g. `application__unit=unit`), newest first."""
    return list(
        FormalReview.objects.filter(**scope)
        .exclude(outcome="")
        .select_related("application__edition", "application__category", "application__group", "application__unit")
        .order_by("-decided_at", "-id")[:50]
    )


# --- Services ---------------------------------------------------------------------------------------------------


def _check_codes(edition: Edition, codes) -> set[str]:
    known = {item.code for item in checklist_ensure(edition)}
    unknown = set(codes) - known
    if unknown:
        raise BusinessRuleError(
            _("Unknown checklist items: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}, code="unknown_check"
        )
    return known


def _require_in_queue(application: Application) -> None:
    if application.status not in FORMAL_REVIEW_QUEUE:
        raise BusinessRuleError(
            _("This application is “%(status)s”: it is not waiting for formal review.")
            % {"status": application.get_status_display()},
            code="not_in_queue",
        )


@transaction.atomic
def formal_review_save_checks(*, actor, application: Application, checks: dict) -> FormalReview:
    """Save staff's checklist for an application waiting in the queue (code -> True fine / False a problem).
    Locks the application; writes the audit row when something changed."""
    locked = Application.objects.select_for_update().select_related("edition").get(pk=application.pk)
    _require_in_queue(locked)
    _check_codes(locked.edition, checks)
    review, _created = FormalReview.objects.get_or_create(application=locked)
    before = snapshot(review, ["checks"])
    review.checks = {code: bool(value) for code, value in checks.items()}
    review.save(update_fields=["checks", "updated_at"])
    changes = diff(before, review)
    if changes:
        audit_record(actor=actor, obj=locked, action="formal_review.checked", changes=changes)
    return review


def _validate_decision(edition, outcome, reason, correction_items, correction_deadline, now) -> None:
    if outcome not in FormalOutcome.values:
        raise BusinessRuleError(_("Choose an outcome."), code="outcome")
    if outcome not in REASON_OPTIONAL and not reason.strip():
        raise BusinessRuleError(
            _("Give the reason for “%(outcome)s”: the group, its unit and its recommender read it.")
            % {"outcome": FormalOutcome(outcome).label},
            code="reason",
        )
    if outcome == FormalOutcome.CORRECT:
        if not correction_items:
            raise BusinessRuleError(_("Name the items the group must correct."), code="items")
        _check_codes(edition, correction_items)
        if correction_deadline is None or correction_deadline <= now:
            raise BusinessRuleError(_("Set a correction deadline in the future."), code="deadline")


def formal_review_decide(
    *,
    actor,
    application: Application,
    outcome: str,
    reason: str = "",
    correction_items=(),
    correction_deadline: datetime.datetime | None = None,
    now=None,
) -> FormalReview | None:
    """Decide the formal review of an application in the queue, in one transaction: the FormalReview row (checks
    kept, outcome, reason, who and when), the move of `OUTCOME_ACTION[outcome]` through `application_transition`
    (row lock, timeline, audit; the reason is the move's note) and the audit row of the decision. For 完善后参评
    the group's deadline to change the application is extended to the correction deadline. A repeated request
    (the application already stands where the outcome leads) changes nothing."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    correction_items = list(dict.fromkeys(correction_items or ()))
    with transaction.atomic():
        edition = Edition.objects.get(pk=application.edition_id)
        _validate_decision(edition, outcome, reason, correction_items, correction_deadline, now)

        def record(locked: Application) -> None:
            review, _created = FormalReview.objects.get_or_create(application=locked)
            before = snapshot(review, ["outcome", "reason", "correction_items", "correction_deadline"])
            review.outcome, review.reason = outcome, reason
            review.decided_by, review.decided_at = actor, now
            if outcome == FormalOutcome.CORRECT:
                review.correction_items = correction_items
                review.correction_deadline = correction_deadline
                review.corrected_at = None
            review.save()
            audit_record(
                actor=actor, obj=locked, action="formal_review.decided", changes=diff(before, review), note=reason
            )

        result = application_transition(
            application=application, action=OUTCOME_ACTION[outcome], actor=actor, note=reason, prepare=record
        )
        if result.changed and outcome == FormalOutcome.CORRECT:
            phase = result.application.edition.application_phase
            # While the application window is open later than the correction deadline, the group may edit anyway.
            if phase is None or correction_deadline > phase.ends_at:
                application_extend_deadline(
                    actor=actor, application=result.application, until=correction_deadline, reason=reason
                )
    # None only for a repeated request on an application that reached its state without a formal review here
    # (carried over from an earlier edition): nothing to show, nothing changed.
    return FormalReview.objects.filter(application=application).first()


def formal_review_bulk_admit(*, actor, applications) -> dict[str, int]:
    """参评 for many applications at once (the easy cases). Locks the rows in id order; the ones no longer
    waiting in the queue (decided meanwhile, e.g. in another tab) are skipped. Returns the counts."""
    ids = sorted({a.pk if isinstance(a, Application) else int(a) for a in applications})
    admitted = 0
    with transaction.atomic():
        for locked in Application.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
            if locked.status in FORMAL_REVIEW_QUEUE:
                formal_review_decide(actor=actor, application=locked, outcome=FormalOutcome.ADMIT)
                admitted += 1
    return {"admitted": admitted, "skipped": len(ids) - admitted}


def correction_resubmit(*, actor, application: Application, now=None) -> Application:
    """The group hands its correction back (完善后参评): before the correction deadline only. The application
    returns to the formal-review queue (status `corrected`) without climbing the chain again; `corrected_at` is set.
    A repeated request changes nothing."""
    now = now or timezone.now()

    def check_deadline(locked: Application) -> None:
        review = FormalReview.objects.select_for_update().get(application=locked)
        if review.correction_deadline is not None and now >= review.correction_deadline:
            raise BusinessRuleError(
                _(
                    "The correction deadline passed at %(deadline)s (Beijing time); the correction can no longer be "
                    "handed back. Contact the secretariat."
                )
                % {"deadline": f"{timezone.localtime(review.correction_deadline):%Y-%m-%d %H:%M}"},
                code="late",
            )
        review.corrected_at = now
        review.save(update_fields=["corrected_at", "updated_at"])

    with transaction.atomic():
        result = application_transition(
            application=application,
            action=ReviewAction.RESUBMIT_CORRECTION,
            actor=actor,
            note=_("Correction handed back"),
            prepare=check_deadline,
        )
    return result.application


def corrections_expire(now=None) -> list[int]:
    """不评 for every application whose correction was not handed back before its deadline (the beat job; no
    actor). Each one in its own transaction; idempotent. Returns the ids moved."""
    now = now or timezone.now()
    moved = []
    overdue = Application.objects.filter(
        status=ReviewStatus.CORRECTION, formal_review__correction_deadline__lte=now
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=pk)
            review = FormalReview.objects.select_for_update().get(application=application)
            if application.status != ReviewStatus.CORRECTION or not review.correction_deadline:
                continue
            if review.correction_deadline > now:
                continue
            reason = str(EXPIRED_REASON)
            before = snapshot(review, ["outcome", "reason"])
            review.outcome, review.reason, review.decided_by, review.decided_at = (
                FormalOutcome.NOT_ADMIT,
                reason,
                None,
                now,
            )
            review.save()
            application_transition(
                application=application, action=ReviewAction.FORMAL_NOT_ADMIT, actor=None, note=reason
            )
            audit_record(
                actor=None, obj=application, action="formal_review.expired", changes=diff(before, review), note=reason
            )
            moved.append(pk)
    return moved


def formal_review_carry_over(*, actor, application: Application, to_edition: Edition) -> Application:
    """缓评: a deferred application enters `to_edition` (a later edition of the same programme) at the association
    (status `recommended`, in the formal-review queue), as the same row with its timeline, files and audit log.
    Its category (and sub-type) become the new edition's of the same code; its formal review starts afresh with
    `carried_from` set."""
    old = Application.objects.select_related("edition", "category", "subtype").get(pk=application.pk)
    if to_edition.programme_id != old.edition.programme_id or to_edition.year <= old.edition.year:
        raise BusinessRuleError(
            _("A deferred application is carried over to a later edition of its own programme."), code="edition"
        )
    categories = {c.code: c for c in Category.objects.filter(edition=to_edition)}
    category = categories.get(old.category.code)
    subtype = categories.get(old.subtype.code) if old.subtype_id else None
    if category is None or (old.subtype_id and subtype is None):
        raise BusinessRuleError(
            _("The edition %(edition)s has no category “%(category)s”: add it before carrying over.")
            % {"edition": to_edition, "category": old.category.code},
            code="category",
        )
    with transaction.atomic():

        def restart(locked: Application) -> dict:
            review, _created = FormalReview.objects.get_or_create(application=locked)
            before = snapshot(review, ["outcome", "reason", "carried_from"])
            review.carried_from = old.edition
            review.outcome, review.reason, review.checks = "", "", {}
            review.correction_items, review.correction_deadline, review.corrected_at = [], None, None
            review.decided_by, review.decided_at = None, None
            review.save()
            audit_record(actor=actor, obj=locked, action="formal_review.decided", changes=diff(before, review))
            return {"edition": to_edition, "category": category, "subtype": subtype}

        result = application_transition(
            application=application,
            action=ReviewAction.CARRY_OVER,
            actor=actor,
            note=_("Carried over from %(edition)s") % {"edition": old.edition},
            prepare=restart,
        )
    return result.application


def endorsements_of(application: Application) -> list:
    """The unit's and the recommender's endorsements (opinion, decision, stamped scan) shown beside the materials."""
    from recommenders.models import Endorsement

    return list(
        Endorsement.objects.filter(application=application).select_related("recommender").order_by("level", "id")
    )


def checklist_items(edition: Edition) -> list[ChecklistItem]:
    """Every item of the edition's checklist (active or not) for the editor, the defaults created first."""
    checklist_ensure(edition)
    return ChecklistItem.objects.filter(edition=edition).order_by("position", "id")


def edition_by_pk(pk) -> Edition:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Edition.objects.select_related("programme"), pk=pk)


def timeline_of(application: Application) -> list:
    return list(application.events.select_related("actor"))


def correction_notice(application: Application) -> FormalReview | None:
    """The formal review the applicant is shown: its outcome and reason once decided (and what to correct, by
    when, while returned for correction)."""
    review = FormalReview.objects.filter(application=application).exclude(outcome="").first()
    if review is not None:
        items = ChecklistItem.objects.filter(edition_id=application.edition_id, code__in=review.correction_items)
        review.item_labels = [item.localized("label") for item in items.order_by("position", "id")]
    return review
