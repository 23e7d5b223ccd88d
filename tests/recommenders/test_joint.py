"""联合推荐 (joint recommendation): the lead invites, the invited organisation confirms or declines; who may do what;
what the invited organisation sees; the names in order, in constant queries; the recommendation table."""

import io

import openpyxl
import pytest
from django.urls import reverse

from applications.enums import Status
from awards.enums import ProgrammeKind
from awards.models import Programme
from core.models import AuditEntry
from recommenders import documents_recommender as tables
from recommenders import selectors, services, services_joint
from recommenders.models import CoRecommendation, CoRecommendationState
from tests.factories import RecommenderFactory, UnitFactory, recommender_member
from tests.factories.recommenders import decided, endorsed_application, qc_edition
from tests.helpers import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def tackling(edition):
    """The tests' edition turned into an industrial-quality-tackling one (consortia, joint recommendation)."""
    Programme.objects.filter(pk=edition.programme_id).update(kind=ProgrammeKind.TACKLING)
    edition.programme.refresh_from_db()
    return edition


@pytest.fixture
def edition():
    return qc_edition()


@pytest.fixture
def lead():
    return RecommenderFactory(name="浦东新区市场监督管理局")


@pytest.fixture
def co():
    return RecommenderFactory(name="上海市机械工业协会")


@pytest.fixture
def unit(lead):
    return UnitFactory(recommender=lead, name="上海华瑞精密机械有限公司")


@pytest.fixture
def application(edition, unit):
    application = endorsed_application(edition=edition, unit=unit)
    tackling(edition)
    return application


@pytest.fixture
def lead_decider(lead):
    return recommender_member(lead, full_name="王慧敏", email="lead@joint.test")


@pytest.fixture
def co_decider(co):
    return recommender_member(co, full_name="李志强", email="co@joint.test")


def invite(application, actor, recommender, note=""):
    return services_joint.corecommendation_invite(
        actor=actor, application=application, recommender=recommender, note=note
    )


def invite_url(application):
    return reverse("recommenders:joint_invite", args=[application.pk])


def decide_url(row):
    return reverse("recommenders:joint_decide", args=[row.pk])


# --- The flow -------------------------------------------------------------------------------------------------------


def test_the_lead_invites_and_the_invited_organisation_confirms(
    application, lead, co, lead_decider, co_decider, mailoutbox, django_capture_on_commit_callbacks
):
    page = client_for(lead_decider).get(reverse("recommenders:recommender_application", args=[application.pk]))
    assert 'data-testid="joint-invite-form"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(lead_decider).post(invite_url(application), {"recommender": co.pk, "note": "产业链协同"})
    assert response.status_code == 302
    row = CoRecommendation.objects.get(application=application)
    assert (row.recommender, row.state, row.invited_by, row.note) == (co, "invited", lead_decider, "产业链协同")
    assert [m.to for m in mailoutbox] == [["co@joint.test"]]
    assert application.title in mailoutbox[0].body

    invitations = client_for(co_decider).get(reverse("recommenders:joint_invitations", args=[co.pk]))
    assert invitations.status_code == 200
    assert 'data-testid="joint-confirm"' in invitations.content.decode()
    assert selectors.recommender_names([application.pk]) == {application.pk: [lead.name]}  # not yet confirmed

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(co_decider).post(decide_url(row), {"decision": "confirm", "note": "同意联合推荐"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.decided_by) == (CoRecommendationState.CONFIRMED, co_decider)
    assert row.decided_at is not None
    assert [m.to for m in mailoutbox] == [["lead@joint.test"]]
    assert selectors.recommender_names([application.pk]) == {application.pk: [lead.name, co.name]}
    assert set(AuditEntry.objects.filter(action__startswith="corecommendation.").values_list("action", flat=True)) == {
        "corecommendation.invited",
        "corecommendation.confirmed",
    }
    # Answered: no second answer.
    assert client_for(co_decider).post(decide_url(row), {"decision": "decline"}).status_code == 403


def test_a_declined_invitation_names_nobody_and_may_be_renewed(application, lead, co, lead_decider, co_decider):
    row = invite(application, lead_decider, co)
    client_for(co_decider).post(decide_url(row), {"decision": "decline"})
    row.refresh_from_db()
    assert row.state == CoRecommendationState.DECLINED
    assert selectors.recommender_names([application.pk]) == {application.pk: [lead.name]}
    again = invite(application, lead_decider, co)
    assert (again.pk, again.state, again.decided_by) == (row.pk, CoRecommendationState.INVITED, None)


def test_an_organisation_is_invited_once_and_never_the_lead(application, lead, co, lead_decider):
    from core.exceptions import BusinessRuleError

    invite(application, lead_decider, co)
    with pytest.raises(BusinessRuleError):
        invite(application, lead_decider, co)
    with pytest.raises(BusinessRuleError):
        invite(application, lead_decider, lead)


def test_no_joint_recommendation_outside_consortium_programmes(edition, unit, co, lead_decider):
    application = endorsed_application(edition=edition, unit=unit)  # a QC programme
    assert not lead_decider.has_perm("recommenders.invite_corecommender", application)
    assert client_for(lead_decider).post(invite_url(application), {"recommender": co.pk}).status_code == 403
    page = client_for(lead_decider).get(reverse("recommenders:recommender_application", args=[application.pk]))
    assert 'data-testid="joint-card"' not in page.content.decode()


# --- Who may do what ------------------------------------------------------------------------------------------------


def test_only_the_leads_deciders_invite(application, lead, co, co_decider):
    reviewer = recommender_member(lead, can_decide=False)
    assert client_for(reviewer).post(invite_url(application), {"recommender": co.pk}).status_code == 403
    # The invited organisation does not reach the lead's page of the application.
    assert client_for(co_decider).post(invite_url(application), {"recommender": co.pk}).status_code == 404
    assert not CoRecommendation.objects.exists()


def test_only_the_invited_organisations_deciders_answer(application, lead, co, lead_decider):
    row = invite(application, lead_decider, co)
    other = recommender_member(RecommenderFactory())
    assert client_for(other).post(decide_url(row), {"decision": "confirm"}).status_code == 404
    assert client_for(lead_decider).post(decide_url(row), {"decision": "confirm"}).status_code == 404
    co_reviewer = recommender_member(co, can_decide=False)
    assert client_for(co_reviewer).post(decide_url(row), {"decision": "confirm"}).status_code == 403
    assert client_for(other).get(reverse("recommenders:joint_invitations", args=[co.pk])).status_code == 404
    row.refresh_from_db()
    assert row.state == CoRecommendationState.INVITED


def test_the_invited_organisation_reads_that_application_only(edition, application, unit, co, lead_decider, co_decider):
    sibling = endorsed_application(edition=edition, unit=unit, title="另一个攻关项目")
    detail = reverse("applications:detail", args=[application.pk])
    assert client_for(co_decider).get(detail).status_code == 404
    row = invite(application, lead_decider, co)
    page = client_for(co_decider).get(detail)
    assert page.status_code == 200
    assert 'data-testid="joint-open"' in page.content.decode()
    assert client_for(co_decider).get(reverse("applications:detail", args=[sibling.pk])).status_code == 404
    # Never the lead's scores page.
    scores_page = reverse("recommenders:recommender_application", args=[application.pk])
    assert client_for(co_decider).get(scores_page).status_code == 404
    services_joint.corecommendation_decide(actor=co_decider, co_recommendation=row, confirm=False)
    assert client_for(co_decider).get(detail).status_code == 404


def test_the_detail_page_names_every_recommender(application, lead, co, lead_decider, co_decider):
    row = invite(application, lead_decider, co)
    services_joint.corecommendation_decide(actor=co_decider, co_recommendation=row, confirm=True)
    page = client_for(lead_decider).get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'data-testid="joint-names"' in page
    assert page.index(lead.name) < page.index(co.name)


# --- Names, quotas, tables ------------------------------------------------------------------------------------------


def test_names_lead_first_then_confirmed_by_invitation_order(application, lead, lead_decider):
    first, second, declined, pending = (RecommenderFactory() for _ in range(4))
    rows = [invite(application, lead_decider, r) for r in (second, first, declined, pending)]
    for row, confirm in zip(rows[:3], (True, True, False), strict=True):
        services_joint.corecommendation_decide(
            actor=recommender_member(row.recommender), co_recommendation=row, confirm=confirm
        )
    assert selectors.recommender_names([application.pk]) == {application.pk: [lead.name, second.name, first.name]}


def test_names_in_constant_queries(django_assert_num_queries, edition, unit, lead, lead_decider):
    applications = [endorsed_application(edition=edition, unit=unit, title=f"攻关项目{i}") for i in range(4)]
    tackling(edition)
    for application in applications:
        for _ in range(2):
            row = invite(application, lead_decider, RecommenderFactory())
            services_joint.corecommendation_decide(
                actor=recommender_member(row.recommender), co_recommendation=row, confirm=True
            )
    with django_assert_num_queries(2):
        one = selectors.recommender_names([applications[0].pk])
    with django_assert_num_queries(2):
        many = selectors.recommender_names(a.pk for a in applications)
    assert len(one[applications[0].pk]) == 3
    assert all(len(names) == 3 for names in many.values())


def test_a_joint_recommendation_does_not_use_the_co_recommenders_quota(application, co, lead_decider, co_decider):
    row = invite(application, lead_decider, co)
    services_joint.corecommendation_decide(actor=co_decider, co_recommendation=row, confirm=True)
    decided(application, lead_decider)
    assert selectors.recommendations_used(application.edition, co.pk).total == 0


def test_the_recommendation_table_shows_both(application, lead, co, lead_decider, co_decider):
    row = invite(application, lead_decider, co)
    services_joint.corecommendation_decide(actor=co_decider, co_recommendation=row, confirm=True)
    decided(application, lead_decider)
    assert application.__class__.objects.get(pk=application.pk).status == Status.RECOMMENDED
    dossier = services.dossier_for(recommender=lead, edition=application.edition)
    rows = tables.recommendation_rows(dossier)
    assert [r.joint for r in rows] == [f"{lead.name}、{co.name}"]
    data = tables.recommendation_table_xlsx(tables.table_meta(dossier), rows)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [cell.value for line in sheet.iter_rows() for cell in line]
    assert f"{lead.name}、{co.name}" in values
    headers = tables.recommendation_headers(rows)
    assert headers.index("联合推荐单位") == headers.index("申报单位") + 1
    assert headers in [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert tables.recommendation_table_pdf(tables.table_meta(dossier), rows).startswith(b"%PDF")


def test_a_table_without_joint_recommendations_keeps_its_columns(application, lead, lead_decider):
    decided(application, lead_decider)
    dossier = services.dossier_for(recommender=lead, edition=application.edition)
    rows = tables.recommendation_rows(dossier)
    assert tables.recommendation_headers(rows) == tables.RECOMMENDATION_HEADERS


def test_the_invitations_page_runs_constant_queries(django_assert_max_num_queries, edition, unit, co, lead_decider):
    co_decider = recommender_member(co)
    client = client_for(co_decider)
    url = reverse("recommenders:joint_invitations", args=[co.pk])
    first = endorsed_application(edition=edition, unit=unit, title="攻关项目甲")
    tackling(edition)
    invite(first, lead_decider, co)
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(12) as one:
        assert client.get(url).content.decode().count('data-testid="invitation"') == 1
    for i in range(5):
        Programme.objects.filter(pk=edition.programme_id).update(kind=ProgrammeKind.QC_ACHIEVEMENT)
        other = endorsed_application(edition=edition, unit=unit, title=f"攻关项目{i}")
        tackling(edition)
        invite(other, lead_decider, co)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).content.decode().count('data-testid="invitation"') == 6


def test_the_staff_list_names_every_recommender(application, lead, co, lead_decider, co_decider):
    from tests.factories import staff_user

    row = invite(application, lead_decider, co)
    services_joint.corecommendation_decide(actor=co_decider, co_recommendation=row, confirm=True)
    page = client_for(staff_user()).get(reverse("applications:staff_list")).content.decode()
    assert f"{lead.name}、{co.name}" in page
