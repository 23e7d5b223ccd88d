"""发表赛, 合议 and 评定 end to end, in the Chinese UI.

1. Two judges, each on their own device, score the same presentation session; one loses the connection while
   typing and the autosave resends when it is back; staff close the session and a later change is refused.
2. From a closed document round to a released result list: the panel leader records one consensus adjustment, staff
   see it in the combined table, change one level with a reason and release; the applications end awarded / not
   awarded and the group sees it.
3. The presentation, on-site, panel and levels pages at phone, tablet and desktop widths: nothing runs off-screen.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from applications.models import Application
from reviews.declaration import declaration_sign
from reviews.enums import RoundState
from reviews.models import Assignment, ScoreSheet
from reviews.models_levels import LevelDecision
from reviews.models_presentation import PresentationSession
from reviews.results import round_results_snapshot
from tests.e2e.review_helpers import PHONE, TABLET, VIEWPORTS, confirming, shoot
from tests.e2e.test_unit_channel import sign_in
from tests.factories import PASSWORD, staff_user
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import assigned, pool_expert, quick_admitted, review_round, scored
from tests.factories.reviews_levels import level_scheme
from tests.factories.reviews_onsite import onsite_round, panel_of, site_visit
from tests.factories.reviews_onsite import submitted as onsite_submitted
from tests.factories.reviews_presentation import passed_application, presentation_round, presentation_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots2")
STAFF_EMAIL = "mishu@example.test"
REASON = "合议认为现场改进效果显著，数据可信，加 6 分。"
LEVEL_REASON = "成果推广价值有限，评审委员会建议不授予等级。"


def _items(round_, application) -> list[dict]:
    return round_.rubrics.get(category=application.category, is_current=True).items


def _score(round_, application_pk, expert_pk, code) -> Decimal:
    sheet = ScoreSheet.objects.get(
        assignment__round=round_, assignment__application_id=application_pk, assignment__expert_id=expert_pk
    )
    return Decimal(sheet.scores[code])


def _titled(application, title):
    Application.objects.filter(pk=application.pk).update(title=title)
    application.title = title
    return application


def _enter(page, code, value):
    """Type a score and leave the field, as a judge does (the autosave listens to `change`)."""
    field = page.locator(f"input[name=score_{code}]")
    field.fill(str(value))
    field.press("Tab")


@pytest.fixture
def session_story():
    edition = qc_edition()
    staff_user(email=STAFF_EMAIL, full_name="周秘书")
    applications = [
        _titled(passed_application(edition, score=score), title)
        for score, title in (("88", "降低精车外圆尺寸超差率"), ("81", "提高焊接一次合格率"))
    ]
    round_ = presentation_round(edition)
    judges = [
        pool_expert(edition.programme, email=f"pw{n}@example.test", full_name=name)
        for n, name in enumerate(("王评委", "李评委"), start=1)
    ]
    session = presentation_session(round_, applications, judges=judges)
    for judge in judges:
        declaration_sign(actor=judge.user, round=round_)
    return {"edition": edition, "round": round_, "session": session, "applications": applications, "judges": judges}


def test_two_judges_score_live_offline_resend_and_close(new_page, live_server, session_story):
    base = live_server.url
    round_, session = session_story["round"], session_story["session"]
    applications, judges = session_story["applications"], session_story["judges"]
    pages = []
    for judge, viewport in zip(judges, (PHONE, TABLET), strict=True):
        page = confirming(new_page(viewport))
        sign_in(page, base, judge.user.email, PASSWORD)
        pages.append(page)

    # Both judges score both presentations, item by item; every item is saved as it is entered.
    entered = {}
    for number, (judge, page) in enumerate(zip(judges, pages, strict=True)):
        page.goto(f"{base}/reviews/presentation/judge/{session.pk}/")
        expect(page.get_by_test_id("judge-slot")).to_have_count(2)
        for application in applications:
            page.get_by_test_id("judge-slot").filter(has_text=application.title).click()
            expect(page.locator("h1")).to_have_text(application.title)
            page.wait_for_load_state()  # the autosave script listens from DOMContentLoaded on
            for item in _items(round_, application):
                value = (Decimal(item["max_points"]) * Decimal("0.8")).quantize(Decimal("1")) - number
                _enter(page, item["code"], value)
                expect(page.locator("[data-autosave-status]")).to_have_text("已保存")
                entered[(judge.pk, application.pk, item["code"])] = value
            page.goto(f"{base}/reviews/presentation/judge/{session.pk}/")
    for (judge_pk, application_pk, code), value in entered.items():
        assert _score(round_, application_pk, judge_pk, code) == value

    # The second judge loses the connection while changing a score: the page says it waits, nothing is lost.
    judge, page = judges[1], pages[1]
    application = applications[0]
    item = _items(round_, application)[0]
    page.goto(f"{base}/reviews/presentation/judge/{session.pk}/")
    page.get_by_test_id("judge-slot").filter(has_text=application.title).click()
    page.wait_for_load_state()
    page.context.set_offline(True)
    offline_value = Decimal(item["max_points"]) - 1
    _enter(page, item["code"], offline_value)
    status = page.locator("[data-autosave-status]")
    expect(status).to_have_text("尚未发送：网络恢复后将自动重新发送。")
    expect(page.locator("form[data-autosave]")).to_have_attribute("data-autosave-state", "pending")
    assert _score(round_, application.pk, judge.pk, item["code"]) != offline_value
    page.context.set_offline(False)
    expect(status).to_have_text("已保存", timeout=30_000)
    assert _score(round_, application.pk, judge.pk, item["code"]) == offline_value

    # Staff watch the live board, then close the session.
    staff = confirming(new_page())
    sign_in(staff, base, STAFF_EMAIL, PASSWORD)
    staff.goto(f"{base}/reviews/presentation/session/{session.pk}/board/")
    expect(staff.locator("main")).to_contain_text(application.title)
    staff.goto(f"{base}/reviews/presentation/session/{session.pk}/")
    staff.get_by_test_id("session-close").click()
    expect(staff.get_by_test_id("session-state")).to_have_text("已结束")
    assert PresentationSession.objects.get(pk=session.pk).is_closed

    # The judge's page is still open: a change now is refused with the reason, and the stored score stays.
    _enter(page, item["code"], 1)
    expect(status).to_have_text("该场次已关闭，评分不能再修改。")
    assert _score(round_, application.pk, judge.pk, item["code"]) == offline_value
    page.reload()
    expect(page.get_by_test_id("sheet-problem")).to_contain_text("该场次已关闭")
    expect(page.locator(f"input[name=score_{item['code']}]")).to_be_disabled()
    refused = [e for e in page.js_errors if e.startswith("HTTP 409 ")]  # the refused change, as expected
    assert len(refused) == 1
    for each in (*pages, staff):
        assert [e for e in each.js_errors if e not in refused] == []


@pytest.fixture
def levels_story():
    """A closed document round of three applications, two experts each (totals set), its results snapshotted, the
    panel led by the first expert; the edition's levels by score bands."""
    edition = qc_edition()
    staff_user(email=STAFF_EMAIL, full_name="周秘书")
    titles = ("降低精车外圆尺寸超差率", "提高焊接一次合格率", "缩短模具换型时间")
    applications = [_titled(quick_admitted(edition), title) for title in titles]
    round_ = review_round(edition, name=f"{edition.year} 材料文审")
    experts = [
        pool_expert(edition.programme, email=f"zj{n}@example.test", full_name=name)
        for n, name in enumerate(("王组长", "李专家"), start=1)
    ]
    for application, (first, second) in zip(applications, (("91", "89"), ("79", "77"), ("63", "61")), strict=True):
        scored(assigned(round_, application, experts[0]), first)
        scored(assigned(round_, application, experts[1]), second)
    round_results_snapshot(round=round_)  # before the state moves, as closing does: a closed round takes no result
    round_.state = RoundState.CLOSED
    round_.save(update_fields=["state"])
    panel = panel_of(round_, applications[0].category, leader=experts[0])
    level_scheme(
        edition,
        {round_: 100},
        levels=[("标杆级", 85, None, None), ("优秀级", 75, None, None), ("推进级", 60, None, None)],
    )
    return {"edition": edition, "round": round_, "applications": applications, "experts": experts, "panel": panel}


def test_closed_round_to_released_result_list(new_page, live_server, levels_story):
    base = live_server.url
    edition, panel = levels_story["edition"], levels_story["panel"]
    top, adjusted, dropped = levels_story["applications"]

    # 合议: the panel leader sees every sheet and raises one application's score by 6 with the reason.
    leader = confirming(new_page(TABLET))
    sign_in(leader, base, "zj1@example.test", PASSWORD)
    leader.goto(f"{base}/reviews/panels/{panel.pk}/")
    expect(leader.locator("h1")).to_have_text("评审组合议")
    card = leader.get_by_test_id(f"panel-app-{adjusted.pk}")
    expect(card.get_by_test_id("panel-sheet")).to_have_count(2)
    expect(card.get_by_test_id("round-score")).to_have_text("78.00")
    card.locator(f"#id_app{adjusted.pk}-adjustment").fill("6")
    card.locator(f"#id_app{adjusted.pk}-reason").fill(REASON)
    card.get_by_test_id("conclude").click()
    expect(leader.locator(".alert-success")).to_be_visible()
    expect(leader.get_by_test_id(f"panel-app-{adjusted.pk}").get_by_test_id("agreed-score")).to_have_text("84.00")

    # 评定: staff see the agreed score in the combined table and the proposed levels by band.
    staff = confirming(new_page())
    sign_in(staff, base, STAFF_EMAIL, PASSWORD)
    staff.goto(f"{base}/reviews/levels/edition/{edition.pk}/")
    expect(staff.locator("h1")).to_have_text("综合排名与等级评定")
    row = {a: staff.locator(f"[data-testid=levels-row][data-application='{a.pk}']") for a in (top, adjusted, dropped)}
    expect(row[adjusted].get_by_test_id("total")).to_have_text("84.00")
    expect(row[adjusted]).to_contain_text(REASON)
    expect(row[top].get_by_test_id("level")).to_contain_text("标杆级")
    expect(row[adjusted].get_by_test_id("level")).to_contain_text("优秀级")
    expect(row[dropped].get_by_test_id("level")).to_contain_text("推进级")

    # One level change, with its reason: the third application gets no level.
    level_cell = row[dropped].get_by_test_id("level")
    level_cell.locator("summary").click()
    level_cell.locator("select[name=level]").select_option(label="无等级")
    level_cell.locator("textarea[name=reason]").fill(LEVEL_REASON)
    level_cell.get_by_role("button", name="保存").click()
    expect(staff.locator(".alert-success")).to_be_visible()
    expect(row[dropped].get_by_test_id("level")).to_contain_text(LEVEL_REASON)

    # Release in one step.
    staff.locator("label[for=confirm-release]").click()
    staff.get_by_test_id("levels-release").click()
    expect(staff.get_by_test_id("levels-released")).to_be_visible()
    status = dict(Application.objects.filter(edition=edition).values_list("pk", "status"))
    assert status == {top.pk: "awarded", adjusted.pk: "awarded", dropped.pk: "not_awarded"}
    levels = {d.application_id: d.level.name if d.level else None for d in LevelDecision.objects.all()}
    assert levels == {top.pk: "标杆级", adjusted.pk: "优秀级", dropped.pk: None}

    # The group sees where its application stands.
    group = new_page(PHONE)
    sign_in(group, base, top.group.leader.email, PASSWORD)
    group.goto(f"{base}/applications/{top.pk}/")
    badge = group.get_by_test_id("application-status")
    expect(badge).to_have_text("获奖")
    # The badge's text is white: it needs a background of its own to be read.
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    shoot(group, SHOTS, "group-awarded-390")
    for page in (leader, staff, group):
        assert page.js_errors == []


def test_presentation_onsite_panel_and_levels_pages_fit(new_page, live_server, levels_story):
    base = live_server.url
    edition, panel, experts = levels_story["edition"], levels_story["panel"], levels_story["experts"]
    applications = levels_story["applications"]
    judge = experts[1]
    round_ = presentation_round(edition)
    passed = [passed_application(edition, score="80") for _ in range(2)]
    _titled(passed[0], "降低精车外圆尺寸超差率的质量改进活动成果发表")
    session = presentation_session(round_, passed, judges=[judge])
    declaration_sign(actor=judge.user, round=round_)
    slot = session.slots.order_by("position").first()
    onsite = onsite_round(edition)
    visit = site_visit(onsite, applications[0], [judge])
    onsite_submitted(Assignment.objects.get(round=onsite, expert=judge), Decimal("0.8"))
    for viewport in VIEWPORTS:
        width = viewport["width"]
        staff = new_page(viewport)
        sign_in(staff, base, STAFF_EMAIL, PASSWORD)
        for url, name in (
            (f"/reviews/presentation/session/{session.pk}/", "presentation-session"),
            (f"/reviews/presentation/session/{session.pk}/board/", "presentation-board"),
            (f"/reviews/levels/edition/{edition.pk}/", "levels-table"),
            (f"/reviews/levels/edition/{edition.pk}/settings/", "levels-settings"),
        ):
            staff.goto(base + url)
            shoot(staff, SHOTS, f"{name}-{width}")
        expert = new_page(viewport)
        sign_in(expert, base, judge.user.email, PASSWORD)
        expert.goto(f"{base}/reviews/presentation/judge/{session.pk}/slot/{slot.pk}/")
        shoot(expert, SHOTS, f"judge-slot-{width}")
        expert.goto(f"{base}/reviews/onsite/visits/{visit.pk}/")
        shoot(expert, SHOTS, f"visit-detail-{width}")
        leader = new_page(viewport)
        sign_in(leader, base, "zj1@example.test", PASSWORD)
        leader.goto(f"{base}/reviews/panels/{panel.pk}/")
        shoot(leader, SHOTS, f"panel-leader-{width}")
        assert staff.js_errors == [] and expert.js_errors == [] and leader.js_errors == []
