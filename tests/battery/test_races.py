"""Races (issue "Prove it holds"): quotas, limits, numbering and double clicks under real concurrency.

Every scenario runs its concurrent calls on separate PostgreSQL connections released together
(`tests.battery.concurrency`), `RACE_RUNS` times (default 3), and asserts the exact outcome of every run: how many
calls were accepted, what the others were told, and what the database holds afterwards. Between runs the world is
put back through the services (a return, a reconsideration, a withdrawal, a vote reset) or fresh rows are made.
The scenarios share three worlds (one test function each): a `transaction=True` test pays a full flush of the
database at its end, seconds on a busy machine, so the battery keeps their number small.
Each scenario prints one line, e.g. "race unit_quota: 3/3 runs, 2 of 4 accepted" (shown with `pytest -s`).
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from applications import services as application_services
from applications.enums import Status
from applications.models import Application, ApplicationEvent, NumberSequence
from awards.models import Edition
from core.models import AuditEntry
from notices import results
from notices.models_results import Objection
from recommenders import services as recommender_services
from reviews import levels, scoring
from reviews.enums import SheetState
from reviews.models import ScoreSheet
from reviews.models_levels import CommitteeVote, LevelDecision
from reviews.workflow_levels import LevelStatus
from tests.factories import UnitFactory, recommender_member, staff_user
from tests.factories.applications import draft_application, eligible_group
from tests.factories.recommenders import (
    category_of,
    contact_of,
    qc_edition,
    ranked,
    ready_to_endorse,
    submitted_application,
)
from tests.factories.reviews import assigned, pool_expert, quick_admitted, review_round
from tests.factories.reviews_levels import closed_round, level_scheme, result
from tests.notices.results_world import OBJECTOR, published

from .concurrency import Scenario, codes, race_runs, run_at_once, run_n_at_once

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RUNS = race_runs()


def audits(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


@pytest.mark.django_db
def test_the_calls_run_on_separate_connections_at_the_same_time():
    # The helper's own proof: four calls, four server processes, all inside their transaction at one moment
    # (each waits at the barrier until all four have started one).
    from django.db import transaction

    barrier = threading.Barrier(4)

    def call():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid(), txid_current()")
            pid, _txid = cursor.fetchone()
            barrier.wait(timeout=30)
            return pid

    outcomes = run_n_at_once(call, 4)

    assert codes(outcomes) == {"ok": 4}
    assert len({o.result for o in outcomes}) == 4


# --- Quotas: unit endorsement, recommendation per unit / per unit and category / in total; double recommend ------


def _quota_world():
    """One recommender, two units, two applications each (unit A: both 问题解决型; unit B: one 问题解决型, one
    创新型), each ready for its unit's endorsement; limits off."""
    edition = qc_edition()
    Edition.objects.filter(pk=edition.pk).update(max_applications_per_group=None, max_applications_per_unit=None)
    unit_a = UnitFactory(name="上海华瑞精密机械有限公司")
    unit_b = UnitFactory(name="上海东明电气股份有限公司", recommender=unit_a.recommender)
    contacts = {unit_a.pk: contact_of(unit_a), unit_b.pk: contact_of(unit_b)}
    applications = [
        submitted_application(edition=edition, unit=unit, category=category, title=f"并发名额课题{i}")
        for i, (unit, category) in enumerate(
            [
                (unit_a, "problem_solving"),
                (unit_a, "problem_solving"),
                (unit_b, "problem_solving"),
                (unit_b, "innovation"),
            ]
        )
    ]
    for application in applications:
        ready_to_endorse(application, contacts[application.unit_id])
    member = recommender_member(unit_a.recommender)
    return edition, unit_a.recommender, contacts, member, applications


def _statuses(applications) -> dict[int, str]:
    return dict(Application.objects.filter(pk__in=[a.pk for a in applications]).values_list("pk", "status"))


def _set_quotas(edition, **quotas):
    fields = {
        "unit_quota": None,
        "recommend_per_unit": None,
        "recommend_per_unit_category": None,
        "recommender_total_quota": None,
    }
    Edition.objects.filter(pk=edition.pk).update(**{**fields, **quotas})


def test_quotas_hold_and_a_double_recommend_counts_once():
    assert connection.vendor == "postgresql"
    edition, recommender, contacts, member, applications = _quota_world()
    by_pk = {a.pk: a for a in applications}

    # 单位推荐名额: one endorsement per unit; all four endorsements at once → exactly one per unit.
    _set_quotas(edition, unit_quota=1)
    scenario = Scenario("unit_quota")
    for _run in range(RUNS):
        outcomes = run_at_once(
            [
                lambda a=a: recommender_services.unit_endorse(actor=contacts[a.unit_id], application=a)
                for a in applications
            ]
        )
        endorsed = [a for a, o in zip(applications, outcomes, strict=True) if o.ok]
        statuses = _statuses(applications)
        scenario.check(
            codes(outcomes) == {"ok": 2, "quota": 2}
            and sorted(a.unit_id for a in endorsed) == sorted(contacts)
            and sorted(pk for pk, s in statuses.items() if s == Status.ENDORSED) == sorted(a.pk for a in endorsed)
            and all("this edition allows 1" in o.message for o in outcomes if not o.ok),
            codes=codes(outcomes),
            messages=[o.message for o in outcomes],
        )
        for application in endorsed:  # the recommender returns them: their places are free again
            recommender_services.recommender_return(
                actor=member, application=application, recommender=recommender, reason="请复核自评分。"
            )
    scenario.report(f"2 of {len(applications)} accepted (1 per unit, 2 units)")

    # Every application at the recommender, each category ranked.
    _set_quotas(edition)
    for application in applications:
        recommender_services.unit_endorse(actor=contacts[application.unit_id], application=application)
    for code in ("problem_solving", "innovation"):
        ranked(member, next(a for a in applications if a.category_id == category_of(edition, code).pk))

    def recommend(application):
        return lambda: recommender_services.recommender_decide(
            actor=member, application=application, recommender=recommender, recommend=True, opinion="同意推荐。"
        )

    def race(name, quotas, expected_ok, rule, detail):
        _set_quotas(edition, **quotas)
        scenario = Scenario(name)
        for _run in range(RUNS):
            outcomes = run_at_once([recommend(a) for a in applications])
            recommended = [a for a, o in zip(applications, outcomes, strict=True) if o.ok]
            statuses = _statuses(applications)
            scenario.check(
                codes(outcomes) == {"ok": expected_ok, "quota": len(applications) - expected_ok}
                and sorted(pk for pk, s in statuses.items() if s == Status.RECOMMENDED)
                == sorted(a.pk for a in recommended)
                and rule(recommended),
                codes=codes(outcomes),
                messages=[o.message for o in outcomes],
            )
            for application in recommended:
                recommender_services.recommender_reconsider(
                    actor=member, application=application, recommender=recommender
                )
        scenario.report(f"{expected_ok} of {len(applications)} accepted ({detail})")

    race(
        "recommend_per_unit",
        {"recommend_per_unit": 1},
        2,
        lambda rec: sorted(a.unit_id for a in rec) == sorted(contacts),
        "1 per unit, 2 units",
    )
    race(
        "recommend_per_unit_category",
        {"recommend_per_unit_category": 1},
        3,
        lambda rec: len({(a.unit_id, a.category_id) for a in rec}) == 3,
        "1 per unit and category, 3 pairs",
    )
    race("recommend_total", {"recommender_total_quota": 2}, 2, lambda rec: len(rec) == 2, "2 in total")

    # A double-clicked 推荐: one move, one timeline entry, one endorsement decision.
    _set_quotas(edition)
    application = by_pk[applications[0].pk]
    scenario = Scenario("recommend")
    for _run in range(RUNS):
        events = ApplicationEvent.objects.filter(application=application, action="recommend").count()
        outcomes = run_n_at_once(recommend(application), 2)
        scenario.check(
            codes(outcomes) == {"ok": 2}
            and Application.objects.get(pk=application.pk).status == Status.RECOMMENDED
            and ApplicationEvent.objects.filter(application=application, action="recommend").count() - events == 1,
            codes=codes(outcomes),
            messages=[o.message for o in outcomes],
        )
        recommender_services.recommender_reconsider(actor=member, application=application, recommender=recommender)
    scenario.report("2 clicks, 1 recommendation, 1 timeline entry")


# --- Application limits and numbering ----------------------------------------------------------------------------


def _submit(application):
    return lambda: application_services.application_submit(actor=application.created_by, application=application)


def test_limits_and_numbering_hold_under_concurrent_submissions():
    edition = qc_edition()
    group = eligible_group()  # the per-unit limit binds the group's unit too
    drafts = []

    def drafts_for_the_run():
        # The refused drafts of the last run stay drafts and race again; new ones replace the withdrawn.
        kept = [d for d in drafts if Application.objects.get(pk=d.pk).status == Status.DRAFT]
        made = len(drafts)
        drafts[:] = kept + [
            draft_application(edition=edition, group=group, title=f"并发申报课题{made + i}")
            for i in range(5 - len(kept))
        ]
        return list(drafts)

    for name, limits, allowed, message in (
        (
            "group_limit",
            {"max_applications_per_group": 1, "max_applications_per_unit": None},
            1,
            "The group already has 1 application(s) in this edition, the limit.",
        ),
        (
            "unit_limit",
            {"max_applications_per_group": None, "max_applications_per_unit": 2},
            2,
            "The unit already has 2 application(s) in this edition, the limit.",
        ),
    ):
        Edition.objects.filter(pk=edition.pk).update(**limits)
        scenario = Scenario(name)
        for _run in range(RUNS):
            racing = drafts_for_the_run()
            outcomes = run_at_once([_submit(d) for d in racing])
            submitted = Application.objects.filter(pk__in=[d.pk for d in racing], status=Status.SUBMITTED)
            scenario.check(
                codes(outcomes) == {"ok": allowed, "incomplete": 5 - allowed}
                and all(message in o.message for o in outcomes if not o.ok)
                and sorted(submitted.values_list("pk", flat=True))
                == sorted(d.pk for d, o in zip(racing, outcomes, strict=True) if o.ok),
                codes=codes(outcomes),
                messages=[o.message for o in outcomes],
            )
            for application in submitted:  # a withdrawal frees the place for the next run
                application_services.application_withdraw(actor=application.created_by, application=application)
        scenario.report(f"{allowed} of 5 accepted")

    # 申报编号: ten submissions at once take ten distinct numbers, consecutive after the last one given.
    Edition.objects.filter(pk=edition.pk).update(max_applications_per_group=None, max_applications_per_unit=None)
    scenario = Scenario("numbering")
    for _run in range(RUNS):
        racing = [d for d in drafts if Application.objects.get(pk=d.pk).status == Status.DRAFT]
        racing += [draft_application(edition=edition, group=group) for _ in range(10 - len(racing))]
        drafts.clear()
        last = NumberSequence.objects.get(edition=edition).last_number
        outcomes = run_at_once([_submit(d) for d in racing])
        numbers = sorted(Application.objects.filter(pk__in=[d.pk for d in racing]).values_list("number", flat=True))
        scenario.check(
            codes(outcomes) == {"ok": 10}
            and numbers == [f"{edition.programme.code}-{edition.year}-{n:04d}" for n in range(last + 1, last + 11)]
            and NumberSequence.objects.get(edition=edition).last_number == last + 10,
            codes=codes(outcomes),
            numbers=numbers,
            last=last,
        )
    scenario.report("10 of 10 submitted, numbers distinct and consecutive")


# --- Double clicks in review and results: each action twice at once has exactly one effect -----------------------


def _level_world():
    """A fresh edition: two admitted applications with closed-round results 92 and 81, a scheme with 标杆级 ≥ 90 and
    优秀级 ≥ 80 (so 92 is proposed 标杆级, 81 优秀级), and an open document round for score sheets."""
    edition = qc_edition()
    doc = closed_round(edition, name="材料文审")
    best, other = quick_admitted(edition), quick_admitted(edition)
    result(doc, best, 92)
    result(doc, other, 81)
    scheme = level_scheme(edition, {doc: 100}, levels=[("标杆级", "90", None, None), ("优秀级", "80", None, None)])
    return scheme, best, other


def test_double_clicks_in_review_and_results_have_one_effect():
    staff = staff_user()
    scheme, best, other = _level_world()
    edition = scheme.edition

    # 评分 submitted twice at once with the same input (the same page's revision).
    round_ = review_round(edition, name="复审")
    items = round_.rubrics.get(category=best.category).items
    scores = {i["code"]: str((Decimal(i["max_points"]) / 2).quantize(Decimal("1"))) for i in items}
    scenario = Scenario("score_submit")
    for run in range(RUNS):
        expert = pool_expert(edition.programme, email=f"race-expert-{run}@example.test")
        assignment = assigned(round_, best, expert)
        before = audits("score_sheet.submitted")
        outcomes = run_n_at_once(
            lambda assignment=assignment, user=expert.user: scoring.sheet_save(
                actor=user,
                assignment=assignment,
                scores=scores,
                comments={},
                comment="结构清晰。",
                revision=0,
                submit=True,
            ),
            2,
        )
        sheet = ScoreSheet.objects.get(assignment=assignment)
        scenario.check(
            codes(outcomes) == {"ok": 2}
            and (sheet.state, sheet.revision) == (SheetState.SUBMITTED, 1)
            and audits("score_sheet.submitted") - before == 1,
            codes=codes(outcomes),
            revision=sheet.revision,
            audits=audits("score_sheet.submitted") - before,
        )
    scenario.report("2 clicks, 1 submission, 1 audit entry")

    # Staff change a level twice at once (the same level, the same reason).
    good, top = scheme.levels.get(name="优秀级"), scheme.levels.get(name="标杆级")
    scenario = Scenario("level_change")
    for _run in range(RUNS):
        before = audits("levels.level_changed")
        outcomes = run_n_at_once(
            lambda: levels.level_change(
                actor=staff, scheme=scheme, application=best, level=good, reason="现场核查发现数据不实"
            ),
            2,
        )
        decision = LevelDecision.objects.filter(application=best).first()
        scenario.check(
            codes(outcomes) == {"ok": 2}
            and decision is not None
            and (decision.level, decision.changed) == (good, True)
            and audits("levels.level_changed") - before == 1,
            codes=codes(outcomes),
            messages=[o.message for o in outcomes],
            audits=audits("levels.level_changed") - before,
        )
        levels.level_change(actor=staff, scheme=scheme, application=best, level=top, reason="复核后恢复原等级")
    scenario.report("2 clicks, 1 change, 1 audit entry")

    # A committee member's vote cast twice at once.
    member = staff_user()
    scheme.vote_required = True
    scheme.save()
    scheme.committee.set([member])
    scenario = Scenario("vote")
    for _run in range(RUNS):
        before = audits("levels.vote_cast")
        outcomes = run_n_at_once(lambda: levels.vote_cast(actor=member, scheme=scheme, approve=True), 2)
        scenario.check(
            codes(outcomes) == {"ok": 2}
            and sorted(o.result[1] for o in outcomes if o.ok) == [False, True]
            and list(CommitteeVote.objects.filter(scheme=scheme).values_list("approve", flat=True)) == [True]
            and audits("levels.vote_cast") - before == 1,
            codes=codes(outcomes),
            messages=[o.message for o in outcomes],
        )
        levels.votes_reset(actor=staff, scheme=scheme, reason="名单需调整，重新表决。")
    scenario.report("2 clicks, 1 vote, 1 audit entry")

    # 结果发布 clicked twice at once: one release, each application awarded once (a fresh edition each run; the
    # first run's is this world's).
    scheme.vote_required = False
    scheme.save()
    scenario = Scenario("release")
    released = []
    for run in range(RUNS):
        if run:
            scheme, best, other = _level_world()
        before = audits("levels.released")
        outcomes = run_n_at_once(lambda scheme=scheme: levels.scheme_release(actor=staff, scheme=scheme), 2)
        moved = ApplicationEvent.objects.filter(application__in=[best, other], to_status=LevelStatus.AWARDED)
        scenario.check(
            codes(outcomes) == {"ok": 2}
            and sorted(o.result for o in outcomes if o.ok) == [False, True]
            and audits("levels.released") - before == 1
            and moved.count() == 2
            and LevelDecision.objects.filter(scheme=scheme, released=True).count() == 2,
            codes=codes(outcomes),
            messages=[o.message for o in outcomes],
            moved=moved.count(),
        )
        released.append((scheme.edition, best))
    scenario.report("2 clicks, 1 release, each application awarded once")

    # 异议 filed twice at once by the same person about the same application, in the publicity of a released edition.
    released_edition, awarded = released[0]
    publicity = published(released_edition)
    scenario = Scenario("objection")
    for run in range(RUNS):
        mobile = f"1391234{run:04d}"
        outcomes = run_n_at_once(
            lambda mobile=mobile: results.objection_file(
                publicity=publicity, application_id=awarded.pk, **{**OBJECTOR, "mobile": mobile}
            ),
            2,
        )
        scenario.check(
            codes(outcomes) == {"ok": 1, "duplicate": 1}
            and Objection.objects.filter(application=awarded, mobile=mobile).count() == 1,
            codes=codes(outcomes),
            messages=[o.message for o in outcomes],
        )
    scenario.report("2 clicks, 1 objection, the other refused as a duplicate")
