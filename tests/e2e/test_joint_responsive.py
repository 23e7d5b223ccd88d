"""联合推荐 in the browser at phone (390 px) and desktop widths: the lead invites from its application page, the
invited organisation confirms on its invitations page and then sees both names on the application's overview."""

import pytest
from playwright.sync_api import expect

from awards.enums import ProgrammeKind
from awards.models import Programme
from tests.e2e.test_recommenders_responsive import LONG_TITLE, check_layout, sign_in
from tests.factories import RecommenderFactory, UnitFactory, recommender_member
from tests.factories.recommenders import endorsed_application, qc_edition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1366])
def test_invite_and_confirm_fit_the_screen(new_page, live_server, width):
    edition = qc_edition()
    lead = RecommenderFactory(name="浦东新区市场监督管理局")
    co = RecommenderFactory(name="上海市机械工业协会（产业链质量攻关联盟秘书处）")
    application = endorsed_application(edition=edition, unit=UnitFactory(recommender=lead), title=LONG_TITLE)
    Programme.objects.filter(pk=edition.programme_id).update(kind=ProgrammeKind.TACKLING)
    recommender_member(lead, email=f"lead{width}@example.test", full_name="王慧敏")
    recommender_member(co, email=f"co{width}@example.test", full_name="李志强")
    base = live_server.url

    page = new_page({"width": width, "height": 900})
    sign_in(page, base, f"lead{width}@example.test")
    page.goto(f"{base}/recommenders/recommender/application/{application.pk}/")
    expect(page.get_by_test_id("joint-invite-form")).to_be_visible()
    check_layout(page, "joint-lead-application", width)
    page.select_option("select[name=recommender]", str(co.pk))
    page.fill("textarea[name=note]", "产业链协同质量提升项目，请联合推荐。")
    page.get_by_test_id("joint-invite").click()
    expect(page.get_by_test_id("joint-row")).to_have_attribute("data-state", "invited")
    assert page.js_errors == []

    other = new_page({"width": width, "height": 900})
    sign_in(other, base, f"co{width}@example.test")
    other.goto(f"{base}/recommenders/recommender/{co.pk}/joint/")
    expect(other.get_by_test_id("joint-decide-form")).to_be_visible()
    check_layout(other, "joint-invitations", width)
    other.get_by_test_id("joint-confirm").click()
    expect(other.get_by_test_id("invitation")).to_have_attribute("data-state", "confirmed")
    other.get_by_test_id("invitation-application").click()
    expect(other.get_by_test_id("joint-names")).to_contain_text(co.name)
    check_layout(other, "joint-application-detail", width)
    assert other.js_errors == []
