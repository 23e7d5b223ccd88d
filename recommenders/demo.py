"""Demo data for the unit and recommender channels (runs after the accounts, awards and applications seeders).

In this year's open QC edition it leaves applications at every step of the chain, all through the real services,
so each demo login finds work:

- waiting at the unit: `unit@demo.saq.test`'s unit (上海华瑞精密机械有限公司) gets a second submitted application
  (beside the demo group's, seeded by applications/demo.py) and one it returned to its group with a reason;
- at the recommender: `recommender@demo.saq.test`'s organisation (浦东新区市场监督管理局) gets applications of
  several of its other units, each self-evaluated, with the unit's opinion and stamped scan, endorsed: three wait
  for a decision (scored by two, one or no reviewers), one is recommended, one was returned to its unit with a
  reason; the problem-solving ones are ranked and the organisation's activity statistics are filled in;
- a second reviewer of that organisation, `reviewer@demo.saq.test`, so score sheets show side by side.

Idempotent: each application is found by edition, group and topic, and only the missing steps are taken (a step
already done is never repeated: no second score sheet, ranking or statistics entry is written on a rerun).
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone

from accounts.enums import ApprovalStatus, Role
from accounts.models import Membership, QCGroup, Unit
from applications import demo as applications_demo
from applications import services as application_services
from applications.enums import Status, status_label
from applications.models import Application
from awards.enums import PhaseKind
from awards.models import Edition
from core.seeding import DEMO_PASSWORD
from documents.services import document_build_now

from . import services
from .documents_unit import SCORING_OPINION_FORM
from .enums import EndorsementLevel
from .models import Endorsement, Evaluation

PROGRAMME_CODE = "QC"
UNIT_EMAIL = "unit@demo.saq.test"
RECOMMENDER_EMAIL = "recommender@demo.saq.test"
REVIEWER = ("reviewer@demo.saq.test", "刘振华")

# At the demo unit: (topic, category, target status, reason for returning it to the group).
UNIT_STEPS = [
    ("提高精密主轴装配一次合格率", "problem_solving", Status.SUBMITTED, ""),
    (
        "降低数控磨床砂轮修整频次",
        "problem_solving",
        Status.RETURNED_TO_GROUP,
        "成果报告“效果检查”部分缺少对策实施前后的对比数据，请补充后重新提交。",
    ),
]
# At the recommender, from its other units: (topic, category, target status, reviewers who scored, reason).
RECOMMENDER_STEPS = [
    ("缩短冷链仓储出库作业时间", "problem_solving", Status.ENDORSED, 2, ""),
    ("研制汽车座椅骨架焊接自动定位工装", "innovation", Status.ENDORSED, 1, ""),
    ("降低口服固体制剂压片工序片重差异超限率", "problem_solving", Status.ENDORSED, 0, ""),
    ("提高危险品仓库温湿度超限报警及时率", "problem_solving", Status.RECOMMENDED, 2, ""),
    (
        "降低SMT贴片工序虚焊不良率",
        "problem_solving",
        Status.RETURNED_TO_UNIT,
        1,
        "单位自评分与成果报告中的效果数据不一致，请单位核实自评分后重新推荐。",
    ),
]
UNIT_OPINION = "该成果选题来自生产现场急需，活动程序规范，数据翔实，效果明显，同意推荐。"
RECOMMENDER_OPINION = "经推荐单位评审组评审，成果活动程序完整、效果显著，同意推荐。"
# Shares of each item's maximum: the unit's self-evaluation and the two reviewers.
SELF_SHARE = Decimal("0.86")
REVIEWER_SHARES = (Decimal("0.82"), Decimal("0.78"))
STATISTICS = {
    "employees": 86000,
    "groups_registered_total": 5230,
    "groups_registered_year": 412,
    "groups_active_year": 388,
    "achievements_year": 256,
    "direct_benefit": "12650.5",
    "participants": 3104,
    "trained": 1870,
    "suggestions": 9420,
    "promoters": 46,
}


def _open_qc_edition(now) -> Edition | None:
    """This year's QC edition, if its unit endorsement and recommendation phases are open now."""
    for edition in Edition.objects.filter(programme__code=PROGRAMME_CODE).prefetch_related("phases").order_by("-year"):
        endorsement, recommendation = edition.phase(PhaseKind.UNIT_ENDORSEMENT), edition.phase(PhaseKind.RECOMMENDATION)
        if endorsement and recommendation and endorsement.is_open(now) and recommendation.is_open(now):
            return edition
    return None


def _contact(unit: Unit):
    membership = (
        Membership.objects.filter(role=Role.UNIT, unit=unit, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return membership.user if membership else None


def _groups(unit: Unit, exclude=()) -> list[QCGroup]:
    return list(
        QCGroup.objects.filter(unit=unit, status=ApprovalStatus.APPROVED)
        .exclude(pk__in=[g.pk for g in exclude])
        .annotate(member_count=Count("members"))
        .filter(member_count__gte=3, member_count__lte=10)
        .select_related("unit", "leader")
        .order_by("name")
    )


def _submitted(edition, group, title, category) -> Application:
    """The group's application with this topic, created and submitted if it is not yet."""
    group = applications_demo._registered_before(group, edition.application_phase.starts_at)
    application, _created = applications_demo._make(edition, group, title, category, complete=True)
    if application.status == Status.DRAFT:
        application = application_services.application_submit(actor=group.leader, application=application)
    return application


def _scores(application, share: Decimal) -> dict:
    rubric = services.rubric_for(application)
    return {item.code: str((item.max_points * share).quantize(Decimal("0.1"))) for item in rubric.items.all()}


def _endorsed(application, contact) -> Application:
    """Self-evaluation, opinion, stamped scan and endorsement by the unit's contact; steps already done are kept.
    Only a submitted application is endorsed: one the recommender returned to its unit stays there on a rerun."""
    if application.status != Status.SUBMITTED:
        return application
    if not Evaluation.objects.filter(application=application, level=EndorsementLevel.UNIT).exists():
        services.self_evaluation_save(
            actor=contact, application=application, scores=_scores(application, SELF_SHARE), opinion=UNIT_OPINION
        )
    endorsement = Endorsement.objects.filter(application=application, level=EndorsementLevel.UNIT).first()
    if endorsement is None or not endorsement.scan_sha256:
        # The form is generated from the saved scores first; the stamped scan is of that form.
        if not services.scoring_form_state(application)["form_current"]:
            document_build_now(kind=SCORING_OPINION_FORM, obj=application, actor=contact)
        services.unit_scan_upload(
            actor=contact,
            application=application,
            uploaded_file=SimpleUploadedFile("成果评分与推荐意见表-盖章.png", applications_demo.png_bytes()),
        )
    return services.unit_endorse(actor=contact, application=application)


def _reviewer(recommender):
    email, full_name = REVIEWER
    user = get_user_model().objects.filter(email=email).first()
    if user is None:
        user = get_user_model().objects.create_user(email, DEMO_PASSWORD, full_name=full_name)
    # The second member reviews and scores side by side with the contact; only the contact decides.
    Membership.objects.get_or_create(
        user=user, role=Role.RECOMMENDER, recommender=recommender, defaults={"can_decide": False}
    )
    return user


def seed(*, stdout):
    now = timezone.now()
    edition = _open_qc_edition(now)
    unit_user = get_user_model().objects.filter(email=UNIT_EMAIL).first()
    member_user = get_user_model().objects.filter(email=RECOMMENDER_EMAIL).first()
    unit_membership = Membership.objects.filter(user=unit_user, role=Role.UNIT).select_related("unit").first()
    if edition is None or unit_membership is None or member_user is None:
        stdout.write("  skipped: no open QC edition or the demo unit / recommender logins are missing\n")
        return []
    demo_unit = unit_membership.unit
    recommender = demo_unit.recommender
    reviewers = [member_user, _reviewer(recommender)]
    demo_group = QCGroup.objects.filter(leader__email=applications_demo.LEADER_EMAIL).first()

    # At the unit: one more waiting, one returned to its group.
    unit_groups = _groups(demo_unit, exclude=[demo_group] if demo_group else [])
    for (title, category, target, reason), group in zip(UNIT_STEPS, unit_groups, strict=False):
        application = _submitted(edition, group, title, category)
        if target == Status.RETURNED_TO_GROUP and application.status == Status.SUBMITTED:
            services.unit_return(actor=unit_user, application=application, reason=reason)

    # At the recommender: from its other units, each group used once.
    units = [
        unit
        for unit in recommender.units.filter(status=ApprovalStatus.APPROVED).exclude(pk=demo_unit.pk).order_by("name")
        if _contact(unit) is not None and _groups(unit)
    ]
    free = {unit.pk: _groups(unit) for unit in units}
    by_title = {}
    for index, (title, category, target, scored_by, reason) in enumerate(RECOMMENDER_STEPS):
        if not units:
            break
        unit = units[index % len(units)]
        existing = Application.objects.filter(edition=edition, unit=unit, title=title).select_related("group").first()
        group = existing.group if existing else (free[unit.pk].pop(0) if free[unit.pk] else None)
        if group is None:
            continue
        free[unit.pk] = [g for g in free[unit.pk] if g.pk != group.pk]
        application = _endorsed(_submitted(edition, group, title, category), _contact(unit))
        for reviewer, share in list(zip(reviewers, REVIEWER_SHARES, strict=True))[:scored_by]:
            done = Evaluation.objects.filter(
                application=application, level=EndorsementLevel.RECOMMENDER, reviewer=reviewer
            ).exists()
            if not done and application.status == Status.ENDORSED:
                services.recommender_evaluation_save(
                    actor=reviewer,
                    application=application,
                    recommender=recommender,
                    scores=_scores(application, share),
                    comment="活动程序完整，数据充分。",
                )
        if application.status == Status.ENDORSED and target == Status.RETURNED_TO_UNIT:
            application = services.recommender_return(
                actor=member_user, application=application, recommender=recommender, reason=reason
            )
        by_title[title] = application

    # Rank each category still with the organisation (1..n, the ones to recommend first) where the ranking is
    # not complete, then recommend: recommending needs the category's complete ranking.
    to_recommend = {
        by_title[title].pk
        for title, _category, target, _scored, _reason in RECOMMENDER_STEPS
        if title in by_title and target == Status.RECOMMENDED
    }
    for category in {a.category for a in by_title.values()}:
        if services.ranking_problem(recommender=recommender, edition=edition, category=category) is None:
            continue
        in_category = services.ranked_applications(recommender, edition, category)
        in_category.sort(key=lambda a: (a.status != Status.RECOMMENDED and a.pk not in to_recommend, a.number))
        services.recommender_rank(
            actor=member_user,
            recommender=recommender,
            edition=edition,
            category=category,
            ordered_ids=[a.pk for a in in_category],
        )
    for title, application in list(by_title.items()):
        if application.pk in to_recommend and application.status == Status.ENDORSED:
            by_title[title] = services.recommender_decide(
                actor=member_user,
                application=application,
                recommender=recommender,
                recommend=True,
                opinion=RECOMMENDER_OPINION,
            )

    dossier = services.dossier_for(recommender=recommender, edition=edition)
    if not dossier.statistics:
        codes = {f["code"] for f in edition.statistics_fields or []}
        services.statistics_save(
            actor=member_user, dossier=dossier, data={k: v for k, v in STATISTICS.items() if k in codes}
        )

    counts = dict(
        Application.objects.filter(edition=edition, unit__recommender=recommender)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    deadline = edition.phase(PhaseKind.RECOMMENDATION).ends_at
    stdout.write(
        f"  {recommender.name}: "
        + ", ".join(f"{status_label(status)} {n}" for status, n in sorted(counts.items()))
        + f"; recommendation closes {timezone.localtime(deadline):%Y-%m-%d %H:%M}\n"
    )
    return [
        (
            REVIEWER[0],
            f"推荐单位评委（{recommender.name}），与 {RECOMMENDER_EMAIL} 分别评分 / a second reviewer of the same "
            "organisation",
        )
    ]
