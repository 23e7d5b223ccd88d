"""Demo data for the association's review (runs after the recommenders seeder), all through the real services.

In this year's QC edition it leaves:

- the formal-review queue of `staff@demo.saq.test`: the application the recommenders demo recommended stays there,
  undecided;
- applications admitted to review (参评): the confirmed direct member unit (上海鼎信汽车零部件有限公司) applies
  directly, so its endorsement lands at the association; staff check and admit each;
- the expert pool of the programme: `expert@demo.saq.test` and a few other demo experts;
- a document review round open now, assigned automatically (`round_assign`, `expert@demo.saq.test` pinned to most
  applications so the demo login has work): the other experts accepted and submitted their sheets on two
  applications, `expert@demo.saq.test` accepted one assignment and saved its sheet as a draft, the rest is offered.

Idempotent: applications are found by edition, group and topic, pool entries by expert, the round by its name; a
step already taken (admitted, assigned, accepted, a sheet saved) is never repeated.
"""

import datetime
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from accounts.enums import ApprovalStatus
from accounts.models import Expert, Unit
from recommenders import demo as recommenders_demo

from . import formal
from .assign import assignment_accept, pair_rule_set, round_assign
from .declaration import declaration_sign
from .enums import AssignmentState, FormalOutcome, PairRuleKind, RoundState, SheetState
from .models import Assignment, ReviewRound, ScoreSheet
from .pool import entry_of, pool_entry_add, programme_categories
from .rounds import round_create, round_open
from .scoring import rubric_items, sheet_save
from .selectors_expert import rubric_for
from .workflow import FORMAL_REVIEW_QUEUE

STAFF_EMAIL = "staff@demo.saq.test"
EXPERT_EMAIL = "expert@demo.saq.test"
OTHER_EXPERTS = 5
EXPERTS_PER_APPLICATION = 3
# The direct member unit's applications (two per group at most, the edition's limit): topic, category.
ADMITTED = [
    ("提高变速箱壳体压铸件一次合格率", "problem_solving"),
    ("研制转向节球销压装力在线监测装置", "innovation"),
    ("降低制动盘机加工刀具单耗", "problem_solving"),
    ("缩短汽车线束总成换型时间", "problem_solving"),
]
ROUND_NAME = "{year}年度材料文审（演示）"
# The other experts' sheets: share of each item's maximum, by expert (their scores differ a little).
SHARES = (Decimal("0.84"), Decimal("0.78"), Decimal("0.9"), Decimal("0.81"), Decimal("0.87"))
SUBMITTED_APPLICATIONS = 2  # the other experts submit on the first two applications of the round
EXPERT_COMMENT = "选题明确，数据翔实，对策有效，效果验证充分。"


def _admitted(edition, staff) -> list:
    """The direct member unit's applications, taken to 参评 (submitted, endorsed, checked, admitted)."""
    unit = (
        Unit.objects.filter(applies_directly=True, direct_confirmed=True, status=ApprovalStatus.APPROVED)
        .order_by("name")
        .first()
    )
    contact = recommenders_demo._contact(unit) if unit else None
    groups = recommenders_demo._groups(unit) if contact else []
    if not groups:
        return []
    checks = {item.code: True for item in formal.checklist_ensure(edition)}
    admitted = []
    for index, (title, category) in enumerate(ADMITTED):
        group = groups[index % len(groups)]
        application = recommenders_demo._submitted(edition, group, title, category)
        application = recommenders_demo._endorsed(application, contact)
        if application.status in FORMAL_REVIEW_QUEUE:
            formal.formal_review_save_checks(actor=staff, application=application, checks=checks)
            formal.formal_review_decide(actor=staff, application=application, outcome=FormalOutcome.ADMIT)
            application.refresh_from_db()
        admitted.append(application)
    return admitted


def _pool(programme, staff) -> list[Expert]:
    """expert@demo.saq.test and the first other demo experts, in the programme's pool for every category."""
    others = (
        Expert.objects.filter(user__email__startswith="expert", user__email__endswith="@demo.saq.test")
        .exclude(user__email=EXPERT_EMAIL)
        .select_related("user")
        .order_by("user__email")[:OTHER_EXPERTS]
    )
    experts = list(Expert.objects.filter(user__email=EXPERT_EMAIL).select_related("user")) + list(others)
    codes = [category.code for category in programme_categories(programme)]
    for expert in experts:
        user = expert.user
        if entry_of(programme, user.email) is None:
            pool_entry_add(
                actor=staff,
                programme=programme,
                email=user.email,
                full_name=user.full_name,
                mobile=user.mobile,
                organisation_name=expert.organisation_name,
                title=expert.title,
                categories=codes,
                fields=expert.specialities,
                max_load=10,
            )
    return experts


def _round(edition, staff, applications, demo_expert) -> ReviewRound:
    """The demo round: created, demo expert pinned, assigned and opened once."""
    name = ROUND_NAME.format(year=edition.year)
    round_ = ReviewRound.objects.filter(edition=edition, name=name).first()
    if round_ is None:
        now = timezone.now()
        round_ = round_create(
            actor=staff,
            edition=edition,
            name=name,
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=21),
            experts_per_application=EXPERTS_PER_APPLICATION,
        )
    if round_.state == RoundState.DRAFT:
        # Pinned to all but the last application, so the demo login has several tasks whatever the solver picks.
        for application in applications[:-1]:
            pair_rule_set(actor=staff, round=round_, expert=demo_expert, application=application, kind=PairRuleKind.PIN)
        round_assign(actor=staff, round=round_)
        round_ = round_open(actor=staff, round=round_)
    return round_


def _scores(assignment, share: Decimal) -> dict[str, str]:
    """Each item's maximum times `share`, down to the round's score step."""
    step = assignment.round.score_step
    return {
        item.code: str((item.max_points * share / step).quantize(Decimal("1"), rounding=ROUND_DOWN) * step)
        for item in rubric_items(rubric_for(assignment))
    }


def _work(round_, demo_expert) -> None:
    """The other experts submit on the first applications; the demo expert drafts one sheet, the rest waits."""
    assignments = list(
        Assignment.objects.filter(round=round_, state__in=(AssignmentState.OFFERED, AssignmentState.ACCEPTED))
        .select_related("round", "application", "expert__user")
        .order_by("code", "expert__user__email")
    )
    codes = sorted({a.code for a in assignments})[:SUBMITTED_APPLICATIONS]
    sheets = {sheet.assignment_id: sheet for sheet in ScoreSheet.objects.filter(assignment__round=round_)}
    expert_ids = sorted({a.expert_id for a in assignments if a.expert_id != demo_expert.pk})
    for assignment in assignments:
        user = assignment.expert.user
        if assignment.expert_id == demo_expert.pk:
            mine = [a for a in assignments if a.expert_id == demo_expert.pk]
            if assignment != mine[0] or assignment.pk in sheets:
                continue
            declaration_sign(actor=user, round=round_)
            assignment = assignment_accept(actor=user, assignment=assignment)
            scores = dict(list(_scores(assignment, Decimal("0.8")).items())[:2])  # half done
            sheet_save(actor=user, assignment=assignment, scores=scores, comments={}, comment="", revision=0)
        elif assignment.code in codes and assignment.pk not in sheets:
            declaration_sign(actor=user, round=round_)
            assignment = assignment_accept(actor=user, assignment=assignment)
            share = SHARES[expert_ids.index(assignment.expert_id) % len(SHARES)]
            sheet_save(
                actor=user,
                assignment=assignment,
                scores=_scores(assignment, share),
                comments={},
                comment=EXPERT_COMMENT,
                revision=0,
                submit=True,
            )


def seed(*, stdout):
    edition = recommenders_demo._open_qc_edition(timezone.now())
    staff = get_user_model().objects.filter(email=STAFF_EMAIL).first()
    demo_expert = Expert.objects.filter(user__email=EXPERT_EMAIL).select_related("user").first()
    if edition is None or staff is None or demo_expert is None:
        stdout.write("  skipped: no open QC edition or the demo staff / expert logins are missing\n")
        return []
    applications = _admitted(edition, staff)
    _pool(edition.programme, staff)
    if not applications:
        stdout.write("  skipped: no confirmed direct member unit with groups to apply\n")
        return []
    round_ = _round(edition, staff, applications, demo_expert)
    _work(round_, demo_expert)

    queue = len(formal.formal_queue(edition, status=formal.QUEUE))
    states = dict(Assignment.objects.filter(round=round_).values_list("state").annotate(n=Count("id")).order_by())
    submitted = ScoreSheet.objects.filter(assignment__round=round_, state=SheetState.SUBMITTED).count()
    stdout.write(
        f"  formal review queue: {queue}; {round_.name}: {len(applications)} applications, "
        f"assignments {states}, {submitted} sheets submitted\n"
    )
    return [
        (STAFF_EMAIL, "形式审查队列、专家库、评审轮次与结果 / formal review queue, expert pool, rounds and results"),
        (EXPERT_EMAIL, f"{round_.name}：待接受和评分的任务 / review tasks to accept and score"),
    ]
