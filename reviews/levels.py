"""评定: combined ranking and award levels of an edition — the combination, staff's staged decisions, the committee
vote and the release. Staff only until the release; nothing public (the public notice is a later step).

Reads: `combined_table(scheme)` reads the whole edition in a constant number of queries (scheme rounds, levels,
applications, round results, decisions, chain scores; plus whatever each adjustment source costs per round).

Adjusted scores (the panel's conclusion, 合议) plug in through `register_adjustment_source(fn)`: `fn(round_)`
returns `{application_id: (adjusted score, note)}` for the round; an adjusted score replaces the round's result
in the weighted total and the row shows the note. Later sources win over earlier ones for the same application.

Combination per category (`propose`): weighted total = Σ score × weight / 100, two decimals half up
(`awards.scores`); a missing counted result leaves no total (flag). Order by total, then by the tie-break rounds'
scores in the edition's order; rows equal on all of these share a rank and are flagged as a tie (never broken
silently). Levels, best first: a row gets the best level whose minimum it reaches and whose quota (⌊share × n⌋
and/or a count, n = ranked rows of the category) still has room for its whole tie group; a tie group that would
cross a quota line drops to the next level as a whole and is flagged, so staff decide. A level's limits are its
own, or, in a category where staff gave it an `AwardLevelRule`, that rule's three limits instead.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application
from applications.services import application_transition
from awards import scores
from awards.enums import ProgrammeKind
from core.audit import audit_record
from core.exceptions import BusinessRuleError
from core.mail import mail_after_commit

from . import checksum
from .enums import RoundState
from .models import ReviewRound, RoundResult
from .models_levels import AwardLevel, AwardLevelRule, CommitteeVote, LevelDecision, LevelScheme, SchemeRound
from .results import _chain_scores
from .workflow_levels import RELEASE_SOURCES, LevelAction, LevelStatus

FLAG_MISSING = "missing"  # a counted round has no result for the application
FLAG_TIE = "tie"  # equal on the total and every tie-break score
FLAG_QUOTA_TIE = "quota_tie"  # a tie group crossed a quota line and dropped to the next level
FLAG_ADJUSTED = "adjusted"  # a panel's adjusted score replaced a round result
FLAG_CHANGED = "changed"  # staff changed the proposed level

FLAG_LABELS = {
    FLAG_MISSING: gettext_lazy("Round result missing"),
    FLAG_TIE: gettext_lazy("Tie"),
    FLAG_QUOTA_TIE: gettext_lazy("Tie at a quota line"),
    FLAG_ADJUSTED: gettext_lazy("Adjusted by the panel"),
    FLAG_CHANGED: gettext_lazy("Level changed by staff"),
    "outlier": gettext_lazy("Outlying expert score"),
    "incomplete": gettext_lazy("Scores incomplete"),
}

# (name, English name) of the default levels, best first.
DEFAULT_LEVELS = {
    ProgrammeKind.QC_ACHIEVEMENT: [("标杆级", "Benchmark"), ("优秀级", "Excellent"), ("推进级", "Advancing")],
    ProgrammeKind.TECHNOLOGY_AWARD: [("一等奖", "First prize"), ("二等奖", "Second prize"), ("优秀奖", "Merit award")],
}

AUDIT_ACTIONS = {
    "levels.scheme_saved": gettext_lazy("level scheme saved"),
    "levels.levels_saved": gettext_lazy("award levels saved"),
    "levels.level_changed": gettext_lazy("proposed level changed"),
    "levels.rules_saved": gettext_lazy("level rules of the categories saved"),
    "levels.vote_cast": gettext_lazy("committee vote cast"),
    "levels.votes_reset": gettext_lazy("committee vote reset"),
    "levels.released": gettext_lazy("result list released"),
    "levels.released_level_lowered": gettext_lazy("released level lowered"),
}

# --- Adjustment hook ------------------------------------------------------------------------------------------------

AdjustmentSource = Callable[[ReviewRound], dict]
_ADJUSTMENT_SOURCES: list[AdjustmentSource] = []


def register_adjustment_source(fn: AdjustmentSource) -> AdjustmentSource:
    """Add a source of adjusted round scores (e.g. the panel's conclusions); usable as a decorator."""
    if fn not in _ADJUSTMENT_SOURCES:
        _ADJUSTMENT_SOURCES.append(fn)
    return fn


def unregister_adjustment_source(fn: AdjustmentSource) -> None:
    if fn in _ADJUSTMENT_SOURCES:
        _ADJUSTMENT_SOURCES.remove(fn)


def adjustments_for(round_: ReviewRound) -> dict[int, tuple[Decimal, str]]:
    found: dict[int, tuple[Decimal, str]] = {}
    for source in _ADJUSTMENT_SOURCES:
        for application_id, (score, note) in (source(round_) or {}).items():
            found[application_id] = (scores.round_half_up(score), note or "")
    return found


# --- The combination (pure) -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelRule:
    id: int
    min_score: Decimal | None = None
    max_share: Decimal | None = None  # percent of the category's ranked rows
    max_count: int | None = None


@dataclass(frozen=True)
class Entry:
    application_id: int
    total: Decimal | None
    tie_keys: tuple = ()


@dataclass(frozen=True)
class Placement:
    rank: int | None
    tied: bool
    level_id: int | None
    quota_tie: bool = False


def weighted_total(parts: Sequence[tuple[Decimal | None, int]]) -> Decimal | None:
    """Σ score × weight% (half up, two decimals); None when a counted score is missing or nothing counts."""
    if not parts or any(score is None for score, _weight in parts):
        return None
    return scores.round_half_up(sum((Decimal(score) * weight for score, weight in parts), Decimal("0")) / 100)


def level_cap(rule: LevelRule, ranked: int) -> int | None:
    caps = []
    if rule.max_share is not None:
        caps.append(math.floor(Decimal(rule.max_share) * ranked / 100))
    if rule.max_count is not None:
        caps.append(rule.max_count)
    return min(caps) if caps else None


def category_rules(levels: Sequence[AwardLevel], overrides: dict, category_id: int) -> list[LevelRule]:
    """The levels' rules in one category: a level's `AwardLevelRule` there (`overrides[(level_id, category_id)]`)
    replaces all three of its own limits; otherwise the level's own limits apply."""
    rules = []
    for level in levels:
        source = overrides.get((level.pk, category_id), level)
        rules.append(LevelRule(level.pk, source.min_score, source.max_share, source.max_count))
    return rules


def _order_key(entry: Entry) -> tuple:
    low = Decimal("-Infinity")
    return (entry.total, *(low if k is None else k for k in entry.tie_keys))


def propose(entries: Sequence[Entry], rules: Sequence[LevelRule]) -> dict[int, Placement]:
    """Ranks and proposed levels of one category's entries (see the module docstring)."""
    ranked = sorted((e for e in entries if e.total is not None), key=_order_key, reverse=True)
    groups: list[list[Entry]] = []
    for entry in ranked:
        if groups and _order_key(groups[-1][0]) == _order_key(entry):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    placements = {e.application_id: Placement(rank=None, tied=False, level_id=None) for e in entries}
    level_of: dict[int, int] = {}
    quota_tie: set[int] = set()
    index = 0
    for rule in rules:
        cap = level_cap(rule, len(ranked))
        taken = 0
        while index < len(groups):
            group = groups[index]
            if rule.min_score is not None and group[0].total < rule.min_score:
                break
            if cap is not None and taken + len(group) > cap:
                if len(group) > 1 and taken < cap:
                    quota_tie.update(e.application_id for e in group)
                break
            for entry in group:
                level_of[entry.application_id] = rule.id
            taken += len(group)
            index += 1
    place = 1
    for group in groups:
        for entry in group:
            placements[entry.application_id] = Placement(
                rank=place,
                tied=len(group) > 1,
                level_id=level_of.get(entry.application_id),
                quota_tie=entry.application_id in quota_tie,
            )
        place += len(group)
    return placements


# --- The combined table (selector) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundCell:
    round_id: int
    score: Decimal | None  # what counts: the adjusted score when there is one, else the round's result
    result: Decimal | None  # the round's own result
    note: str = ""
    flags: tuple[str, ...] = ()
    round_name: str = ""  # labels the cell where the table stacks into cards on phones


@dataclass(frozen=True)
class CombinedRow:
    application_id: int
    number: str
    title: str
    unit: str
    group: str
    status: str
    category_id: int
    category: str
    cells: tuple[RoundCell, ...]
    total: Decimal | None
    rank: int | None
    proposed: AwardLevel | None
    level: AwardLevel | None  # staff's level when changed, else the proposal (after release: the awarded one)
    reason: str
    flags: tuple[str, ...]
    self_total: Decimal | None = None
    recommender_mean: Decimal | None = None

    @property
    def changed(self) -> bool:
        return FLAG_CHANGED in self.flags

    @property
    def flag_labels(self) -> list:
        return [FLAG_LABELS.get(flag, flag) for flag in self.flags]

    @property
    def notes(self) -> list[str]:
        return [c.note for c in self.cells if c.note]


@dataclass(frozen=True)
class CombinedTable:
    scheme: LevelScheme
    rounds: tuple[SchemeRound, ...]
    levels: tuple[AwardLevel, ...]
    rows: tuple[CombinedRow, ...]
    categories: tuple[tuple[str, tuple[CombinedRow, ...]], ...] = field(default=())

    @property
    def counts(self) -> dict:
        """Rows per level id (None = no level)."""
        counted: dict = {}
        for row in self.rows:
            key = row.level.pk if row.level else None
            counted[key] = counted.get(key, 0) + 1
        return counted


def scheme_for_staff(edition_pk: int) -> LevelScheme | None:
    return LevelScheme.objects.select_related("edition__programme").filter(edition_id=edition_pk).first()


def candidates(edition) -> "list[Application]":
    """The edition's applications the combination decides on (and, after the release, those it decided)."""
    statuses = RELEASE_SOURCES | {LevelStatus.AWARDED, LevelStatus.NOT_AWARDED}
    return list(
        Application.objects.filter(edition=edition, status__in=statuses)
        .select_related("category", "unit", "group")
        .order_by("category__position", "category_id", "number", "pk")
    )


def combined_table(scheme: LevelScheme, *, with_chain_scores: bool = True) -> CombinedTable:
    counted = tuple(SchemeRound.objects.filter(scheme=scheme).select_related("round"))
    levels = tuple(AwardLevel.objects.filter(scheme=scheme))
    level_by_id = {level.pk: level for level in levels}
    overrides = {(r.level_id, r.category_id): r for r in AwardLevelRule.objects.filter(level__scheme=scheme)}
    applications = candidates(scheme.edition)
    ids = [a.pk for a in applications]
    round_ids = {sr.round_id for sr in counted} | {int(r) for r in scheme.tie_break}
    results = {
        (r.round_id, r.application_id): r
        for r in RoundResult.objects.filter(round_id__in=round_ids, application_id__in=ids)
    }
    rounds_by_id = {sr.round_id: sr.round for sr in counted}
    missing_rounds = round_ids - set(rounds_by_id)
    if missing_rounds:
        rounds_by_id.update({r.pk: r for r in ReviewRound.objects.filter(pk__in=missing_rounds)})
    adjusted = {rid: adjustments_for(r) for rid, r in rounds_by_id.items()}
    decisions = {d.application_id: d for d in LevelDecision.objects.filter(scheme=scheme)}
    chain = _chain_scores(ids) if with_chain_scores and ids else {}

    def cell(round_id: int, application_id: int) -> RoundCell:
        result = results.get((round_id, application_id))
        own = result.score if result else None
        score, note = adjusted.get(round_id, {}).get(application_id, (own, ""))
        flags = tuple(result.flags) if result else ()
        return RoundCell(round_id, score, own, note, flags, rounds_by_id[round_id].name)

    drafts = []
    for application in applications:
        cells = tuple(cell(sr.round_id, application.pk) for sr in counted)
        total = weighted_total([(c.score, sr.weight) for c, sr in zip(cells, counted, strict=True)])
        keys = tuple(cell(int(r), application.pk).score for r in scheme.tie_break)
        drafts.append((application, cells, Entry(application.pk, total, keys)))

    placements: dict[int, Placement] = {}
    for category_id in dict.fromkeys(a.category_id for a in applications):
        rules = category_rules(levels, overrides, category_id)
        placements.update(propose([e for a, _c, e in drafts if a.category_id == category_id], rules))

    rows = []
    for application, cells, entry in drafts:
        placement = placements[application.pk]
        proposed = level_by_id.get(placement.level_id)
        decision = decisions.get(application.pk)
        level = decision.level if decision and (decision.changed or decision.released) else proposed
        flags = []
        if any(c.score is None for c in cells) or not cells:
            flags.append(FLAG_MISSING)
        if placement.tied:
            flags.append(FLAG_TIE)
        if placement.quota_tie:
            flags.append(FLAG_QUOTA_TIE)
        if any(c.note or c.score != c.result for c in cells):
            flags.append(FLAG_ADJUSTED)
        if decision and decision.changed:
            flags.append(FLAG_CHANGED)
        flags.extend(dict.fromkeys(f for c in cells for f in c.flags))
        self_total, recommender_mean = chain.get(application.pk, (None, None))
        rows.append(
            CombinedRow(
                application_id=application.pk,
                number=application.number or "",
                title=application.title,
                unit=application.unit.name,
                group=application.group.name if application.group_id else "",
                status=application.status,
                category_id=application.category_id,
                category=str(application.category),
                cells=cells,
                total=entry.total,
                rank=placement.rank,
                proposed=proposed,
                level=level,
                reason=decision.reason if decision and decision.changed else "",
                flags=tuple(flags),
                self_total=self_total,
                recommender_mean=recommender_mean,
            )
        )
    categories: list[tuple[str, list[CombinedRow]]] = []
    for category_id in dict.fromkeys(r.category_id for r in rows):
        members = sorted(
            (r for r in rows if r.category_id == category_id), key=lambda r: (r.rank is None, r.rank or 0, r.number)
        )
        categories.append((members[0].category, members))
    ordered = tuple(r for _name, members in categories for r in members)
    return CombinedTable(
        scheme=scheme,
        rounds=counted,
        levels=levels,
        rows=ordered,
        categories=tuple((name, tuple(members)) for name, members in categories),
    )


def released_results(**scope) -> list[LevelDecision]:
    """Released results of the applications in `scope` (e.g. `application__unit=unit`), newest edition first, in
    one query. A staged decision (not yet released) is never among them: only staff see those."""
    return list(
        LevelDecision.objects.filter(released=True, **scope)
        .select_related("level", "application__edition__programme", "application__group", "application__unit")
        .order_by("-application__edition__year", "application__number", "application_id")[:50]
    )


def released_result_of(application) -> LevelDecision | None:
    return LevelDecision.objects.filter(released=True, application=application).select_related("level").first()


# --- Votes (selector) ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    members: int
    yes: int
    no: int
    needed: int

    @property
    def approved(self) -> bool:
        return self.members > 0 and self.yes >= self.needed


def vote_tally(scheme: LevelScheme) -> Tally:
    """Yes-votes needed: ⌈members × numerator / denominator⌉ (2/3 of 9 → 6)."""
    members = scheme.committee.count()
    votes = list(CommitteeVote.objects.filter(scheme=scheme).values_list("approve", flat=True))
    needed = -(-members * scheme.threshold_numerator // scheme.threshold_denominator)
    return Tally(members=members, yes=sum(votes), no=len(votes) - sum(votes), needed=needed)


def release_blockers(scheme: LevelScheme) -> list[str]:
    """Why the list cannot be released now (empty when it can)."""
    problems = []
    counted = list(SchemeRound.objects.filter(scheme=scheme).select_related("round"))
    if not counted:
        problems.append(_("No round counts yet."))
    elif sum(sr.weight for sr in counted) != 100:
        problems.append(_("The weights of the counted rounds do not sum to 100."))
    if any(sr.round.state != RoundState.CLOSED for sr in counted):
        problems.append(_("A counted round is not closed."))
    if scheme.vote_required and not vote_tally(scheme).approved:
        problems.append(_("The committee has not approved the list."))
    return problems


# --- Writes ----------------------------------------------------------------------------------------------------------


def _locked(scheme: LevelScheme) -> LevelScheme:
    return LevelScheme.objects.select_for_update().select_related("edition__programme").get(pk=scheme.pk)


def _refuse_if_frozen(scheme: LevelScheme) -> None:
    if scheme.is_released:
        raise BusinessRuleError(_("The result list has been released; it can no longer change."), code="released")
    if CommitteeVote.objects.filter(scheme=scheme).exists():
        raise BusinessRuleError(
            _("The committee has started voting on this list; it can no longer change."), code="voting"
        )


@transaction.atomic
def scheme_ensure(*, actor, edition) -> LevelScheme:
    """The edition's scheme, created on first use with the programme's default levels (and its only round at 100 %
    when it has exactly one). Idempotent."""
    scheme, created = LevelScheme.objects.get_or_create(edition=edition)
    if created:
        defaults = DEFAULT_LEVELS.get(edition.programme.kind, DEFAULT_LEVELS[ProgrammeKind.TECHNOLOGY_AWARD])
        AwardLevel.objects.bulk_create(
            AwardLevel(scheme=scheme, position=i, name=name, name_en=name_en)
            for i, (name, name_en) in enumerate(defaults)
        )
        rounds = list(ReviewRound.objects.filter(edition=edition))
        if len(rounds) == 1:
            SchemeRound.objects.create(scheme=scheme, round=rounds[0], weight=100)
        audit_record(actor=actor, obj=scheme, action="levels.scheme_saved", changes={"created": [None, True]})
    return scheme


@transaction.atomic
def scheme_save(
    *,
    actor,
    scheme: LevelScheme,
    weights: dict[int, int],
    tie_break: Sequence[int],
    vote_required: bool,
    threshold: tuple[int, int],
    members: Sequence,
) -> LevelScheme:
    """Save the counted rounds and weights (summing to 100), the tie-break order, and the committee. Refused once
    released or once voting began. Audited with before/after."""
    scheme = _locked(scheme)
    _refuse_if_frozen(scheme)
    edition_rounds = set(ReviewRound.objects.filter(edition=scheme.edition).values_list("pk", flat=True))
    weights = {int(r): int(w) for r, w in weights.items() if w}
    if set(weights) - edition_rounds or set(map(int, tie_break)) - edition_rounds:
        raise BusinessRuleError(_("Only rounds of this edition can count."), code="foreign_round")
    if sum(weights.values()) != 100:
        raise BusinessRuleError(_("The weights must sum to 100."), code="weights")
    numerator, denominator = threshold
    if not 1 <= numerator <= denominator:
        raise BusinessRuleError(_("The threshold must be a fraction from 1/n to n/n."), code="threshold")
    if vote_required and not members:
        raise BusinessRuleError(_("A committee vote needs members."), code="no_members")
    before = {
        "weights": {sr.round_id: sr.weight for sr in scheme.rounds.all()},
        "tie_break": scheme.tie_break,
        "vote_required": scheme.vote_required,
        "threshold": [scheme.threshold_numerator, scheme.threshold_denominator],
        "members": sorted(scheme.committee.values_list("pk", flat=True)),
    }
    SchemeRound.objects.filter(scheme=scheme).exclude(round_id__in=weights).delete()
    for round_id, weight in weights.items():
        SchemeRound.objects.update_or_create(scheme=scheme, round_id=round_id, defaults={"weight": weight})
    scheme.tie_break = [int(r) for r in dict.fromkeys(tie_break)]
    scheme.vote_required = vote_required
    scheme.threshold_numerator, scheme.threshold_denominator = numerator, denominator
    scheme.full_clean()
    scheme.save()
    scheme.committee.set(members)
    after = {
        "weights": weights,
        "tie_break": scheme.tie_break,
        "vote_required": vote_required,
        "threshold": [numerator, denominator],
        "members": sorted(m.pk for m in members),
    }
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    audit_record(actor=actor, obj=scheme, action="levels.scheme_saved", changes=changes)
    return scheme


@transaction.atomic
def award_levels_save(*, actor, scheme: LevelScheme, rows: Sequence[dict]) -> list[AwardLevel]:
    """Replace the levels with `rows` (best first; each: id or None, name, name_en, min_score, max_share,
    max_count, delete). A level a staff decision uses cannot be deleted. Audited."""
    scheme = _locked(scheme)
    _refuse_if_frozen(scheme)
    existing = {lv.pk: lv for lv in AwardLevel.objects.filter(scheme=scheme)}
    before = [(lv.name, lv.min_score, lv.max_share, lv.max_count) for lv in existing.values()]
    kept = []
    position = 0
    for row in rows:
        level = existing.get(row.get("id")) if row.get("id") else None
        if row.get("delete"):
            if level is not None:
                if LevelDecision.objects.filter(level=level).exists():
                    raise BusinessRuleError(_("A level that staff gave cannot be deleted."), code="level_in_use")
                level.delete()
            continue
        level = level or AwardLevel(scheme=scheme)
        level.position = position
        for name in ("name", "name_en", "min_score", "max_share", "max_count"):
            setattr(level, name, row.get(name))
        level.name_en = level.name_en or ""
        level.full_clean(exclude=["scheme"], validate_unique=False)
        level.save()
        kept.append(level)
        position += 1
    names = [lv.name for lv in kept]
    if len(set(names)) != len(names):
        raise BusinessRuleError(_("Two levels have the same name."), code="duplicate_level")
    after = [(lv.name, lv.min_score, lv.max_share, lv.max_count) for lv in kept]
    audit_record(actor=actor, obj=scheme, action="levels.levels_saved", changes={"levels": [before, after]})
    return kept


def level_rules(scheme: LevelScheme) -> dict[tuple[int, int], AwardLevelRule]:
    """The scheme's per-category rules by (level id, category id)."""
    return {(r.level_id, r.category_id): r for r in AwardLevelRule.objects.filter(level__scheme=scheme)}


@transaction.atomic
def level_rules_save(*, actor, scheme: LevelScheme, rules: dict[tuple[int, int], dict]) -> None:
    """Replace the per-category rules with `rules` ((level id, category id) → min_score, max_share, max_count);
    a pair left out uses the level's own limits. Refused once released or once voting began. Audited."""
    scheme = _locked(scheme)
    _refuse_if_frozen(scheme)
    level_ids = set(AwardLevel.objects.filter(scheme=scheme).values_list("pk", flat=True))
    category_ids = set(scheme.edition.categories.values_list("pk", flat=True))
    if any(lv not in level_ids or cat not in category_ids for lv, cat in rules):
        raise BusinessRuleError(_("Only levels and categories of this edition can have rules."), code="foreign_rule")

    def limits(r):
        return (r["min_score"], r["max_share"], r["max_count"])

    def summary(items):
        return sorted(
            [lv, cat, *(None if v is None else format(Decimal(v).normalize(), "f") for v in limits(r))]
            for (lv, cat), r in items
        )

    existing = level_rules(scheme)
    before = summary(((k, vars(r)) for k, r in existing.items()))
    AwardLevelRule.objects.filter(level__scheme=scheme).exclude(
        pk__in=[r.pk for k, r in existing.items() if k in rules]
    ).delete()
    for (level_id, category_id), values in rules.items():
        rule = existing.get((level_id, category_id)) or AwardLevelRule(level_id=level_id, category_id=category_id)
        for name in ("min_score", "max_share", "max_count"):
            setattr(rule, name, values.get(name))
        rule.full_clean(exclude=["level", "category"], validate_unique=False)
        rule.save()
    after = summary(((k, v) for k, v in rules.items()))
    if before != after:
        audit_record(actor=actor, obj=scheme, action="levels.rules_saved", changes={"rules": [before, after]})


@transaction.atomic
def level_change(
    *, actor, scheme: LevelScheme, application: Application, level: AwardLevel | None, reason: str
) -> bool:
    """Staff set an application's level (None = no level) with a reason; choosing the proposal again clears the
    change. Staged: only staff see it until the release. Audited with the level before and after; refused without
    a reason, after the release and once voting began. The scheme row is locked, so of two identical changes at
    once (a double click) the second finds the level already set: choosing the level the application has is a
    no-op (nothing written, nothing audited). Returns whether the level changed."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessRuleError(_("Give a reason for changing the level."), code="no_reason")
    scheme = _locked(scheme)
    _refuse_if_frozen(scheme)
    if level is not None and level.scheme_id != scheme.pk:
        raise BusinessRuleError(_("That level is not one of this edition."), code="foreign_level")
    table = combined_table(scheme, with_chain_scores=False)
    row = next((r for r in table.rows if r.application_id == application.pk), None)
    if row is None:
        raise BusinessRuleError(_("This application is not in the combined ranking."), code="not_candidate")
    if level == row.level:
        return False
    before = str(row.level) if row.level else None
    if level == row.proposed:
        LevelDecision.objects.filter(application=application).delete()
    else:
        LevelDecision.objects.update_or_create(
            application=application,
            defaults={"scheme": scheme, "level": level, "changed": True, "reason": reason, "decided_by": actor},
        )
    audit_record(
        actor=actor,
        obj=application,
        action="levels.level_changed",
        changes={"level": [before, str(level) if level else None]},
        note=reason,
    )
    return True


@transaction.atomic
def vote_cast(*, actor, scheme: LevelScheme, approve: bool) -> tuple[CommitteeVote, bool]:
    """A committee member's vote. One per member: a repeated vote (a double click) changes nothing and returns
    `(vote, False)`. The scheme row is locked so the tally and the release see the vote or not at all."""
    scheme = _locked(scheme)
    if scheme.is_released:
        raise BusinessRuleError(_("The result list has been released."), code="released")
    if not scheme.vote_required:
        raise BusinessRuleError(_("This edition has no committee vote."), code="no_vote")
    if not scheme.committee.filter(pk=actor.pk).exists():
        raise BusinessRuleError(_("Only committee members vote."), code="not_member")
    existing = CommitteeVote.objects.filter(scheme=scheme, member=actor).first()
    if existing is not None:
        return existing, False
    vote = CommitteeVote.objects.create(scheme=scheme, member=actor, approve=approve)
    audit_record(actor=actor, obj=scheme, action="levels.vote_cast", changes={"approve": [None, approve]})
    return vote, True


@transaction.atomic
def votes_reset(*, actor, scheme: LevelScheme, reason: str) -> int:
    """Staff clear the committee's votes so the list can change (e.g. a level must change) and the committee
    votes again. Only before the release and with a reason; audited with the cleared tally. Returns the number
    of votes removed."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessRuleError(_("Give a reason for resetting the vote."), code="no_reason")
    scheme = _locked(scheme)
    if scheme.is_released:
        raise BusinessRuleError(_("The result list has been released."), code="released")
    tally = vote_tally(scheme)
    removed, _detail = CommitteeVote.objects.filter(scheme=scheme).delete()
    if not removed:
        raise BusinessRuleError(_("Nobody has voted yet."), code="no_votes")
    audit_record(
        actor=actor,
        obj=scheme,
        action="levels.votes_reset",
        changes={"yes": [tally.yes, 0], "no": [tally.no, 0]},
        note=reason,
    )
    return removed


@transaction.atomic
def scheme_release(*, actor, scheme: LevelScheme) -> bool:
    """Release the result list in one step: every candidate application moves through `application_transition`
    to awarded (its level stored on `LevelDecision`, released) or not awarded, and its group, unit and recommender
    are mailed after commit. All or nothing (one transaction; the scheme and each application are locked).
    Refused while a counted round is open or, with a vote, before approval. The checksum of the released results
    (`reviews.checksum`) is stored in the same transaction. Idempotent: a released scheme returns False and changes
    nothing."""
    scheme = _locked(scheme)
    if scheme.is_released:
        return False
    problems = release_blockers(scheme)
    if problems:
        raise BusinessRuleError(" ".join(str(p) for p in problems), code="not_releasable")
    table = combined_table(scheme, with_chain_scores=False)
    awarded = 0
    for row in table.rows:
        if row.status not in RELEASE_SOURCES:
            continue
        action = LevelAction.AWARD if row.level else LevelAction.NOT_AWARD
        moved = application_transition(
            application=Application(pk=row.application_id), action=action, actor=actor, note=str(row.level or "")
        )
        LevelDecision.objects.update_or_create(
            application_id=row.application_id,
            defaults={"scheme": scheme, "level": row.level, "released": True},
        )
        awarded += bool(row.level)
        _mail_release(moved.application, row.level)
    scheme.released_at = timezone.now()
    scheme.released_by = actor
    scheme.released_checksum = checksum.released_checksum(scheme)
    scheme.save(update_fields=["released_at", "released_by", "released_checksum", "updated_at"])
    audit_record(
        actor=actor,
        obj=scheme,
        action="levels.released",
        changes={
            "awarded": [None, awarded],
            "not_awarded": [None, len(table.rows) - awarded],
            "checksum": [None, scheme.released_checksum],
        },
    )
    return True


@checksum.records_tampering
@transaction.atomic
def released_level_lower(*, actor, application: Application, level: AwardLevel, reason: str) -> LevelDecision:
    """Lower an awarded application's released level (an upheld objection during the publicity), with a reason.
    Only to a worse level of the same scheme, only while the application is awarded; the scheme row (its released
    results verified against their checksum first) and the decision row are locked. Audited with the level before
    and after; the checksum is updated in the same transaction. To take the award away entirely use the
    `withdraw_award` move."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessRuleError(_("Give a reason for changing the level."), code="no_reason")
    scheme = LevelScheme.objects.filter(decisions__application=application, decisions__released=True).first()
    if scheme is not None:
        scheme = checksum.released_results_verify(scheme=scheme, where="released_level_lower", lock=True)
    decision = (
        LevelDecision.objects.select_for_update(of=("self",))
        .select_related("level", "application")
        .filter(application=application, released=True)
        .first()
    )
    if decision is None or decision.level is None or decision.application.status != LevelStatus.AWARDED:
        raise BusinessRuleError(_("Only an awarded application's level can be lowered."), code="not_awarded")
    if level.scheme_id != decision.scheme_id or level.position <= decision.level.position:
        raise BusinessRuleError(_("Choose a lower level of this edition."), code="not_lower")
    before = str(decision.level)
    decision.level, decision.changed, decision.reason, decision.decided_by = level, True, reason, actor
    decision.save(update_fields=["level", "changed", "reason", "decided_by", "updated_at"])
    audit_record(
        actor=actor,
        obj=decision.application,
        action="levels.released_level_lowered",
        changes={"level": [before, str(level)]},
        note=reason,
    )
    checksum.released_checksum_update(actor=actor, scheme=scheme, obj=decision.application, reason=reason)
    return decision


def _mail_release(application: Application, level: AwardLevel | None) -> None:
    from notifications.enums import Party
    from notifications.recipients import recipients

    people = recipients(application, [Party.APPLICANT, Party.UNIT, Party.RECOMMENDER])
    mail_after_commit(
        to=[p.user.email for p in people],
        template="reviews/levels/release",
        context={"application": application, "level": level, "edition": application.edition},
    )
