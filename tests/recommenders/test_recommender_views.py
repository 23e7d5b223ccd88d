"""The recommender channel's pages: queue, application review and decisions, ranking, hand-ins, the staff
overview and the dashboard panels; who may see what; read-only after the deadline; constant query counts."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.enums import Status
from awards.enums import PhaseKind
from recommenders import services
from recommenders.enums import EndorsementLevel, HandInKind
from recommenders.models import Dossier, Endorsement, Evaluation, HandIn
from tests.factories import RecommenderFactory, UnitFactory, UserFactory, recommender_member, staff_user, unit_contact
from tests.factories.recommenders import (
    category_of,
    decided,
    endorsed_application,
    pdf_bytes,
    png_bytes,
    qc_edition,
    ranked,
    upload,
)
from tests.helpers import client_for, messages_of

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

SCORES = {"topic": "14", "cause": "28", "measures": "18", "effect": "17", "report": "4", "feature": "9"}  # 90


def marked(response, name) -> list[str]:
    """The data-testid values equal to `name` on the page (one per element so marked)."""
    return re.findall(rf'data-testid="({re.escape(name)})"', response.content.decode())


@pytest.fixture
def edition():
    return qc_edition()


@pytest.fixture
def recommender():
    return RecommenderFactory(name="浦东新区市场监督管理局")


@pytest.fixture
def unit(recommender):
    return UnitFactory(recommender=recommender, name="上海华瑞精密机械有限公司")


@pytest.fixture
def member(recommender):
    return recommender_member(recommender, full_name="王慧敏")


@pytest.fixture
def other_member():
    return recommender_member(RecommenderFactory(name="徐汇区市场监督管理局"), full_name="赵其他")


@pytest.fixture
def application(edition, unit):
    return endorsed_application(edition=edition, unit=unit, title="降低精密轴承外圈磨削不良率")


def queue_url(recommender, **params):
    url = reverse("recommenders:recommender_queue", args=[recommender.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def app_url(application, action=""):
    name = f"recommenders:recommender_{action}" if action else "recommenders:recommender_application"
    return reverse(name, args=[application.pk])


def decide(client, application, decision, opinion="", confirm=True):
    data = {"decision": decision, "opinion": opinion, **({"confirm": "on"} if confirm else {})}
    return client.post(app_url(application, "decide"), data, follow=True)


# --- Queue --------------------------------------------------------------------------------------------------------


def test_queue_shows_scores_rank_status_and_quota_usage(edition, unit, member, application):
    services.recommender_evaluation_save(
        actor=member, application=application, recommender=unit.recommender, scores=SCORES
    )
    decided(application, member)
    waiting = endorsed_application(edition=edition, unit=unit, category="innovation", title="智能检测工装研制")
    response = client_for(member).get(queue_url(unit.recommender))
    assert response.status_code == 200
    assert response.context["edition"] == edition
    groups = response.context["groups"]
    assert [(g["category"].name, [a.number for a in g["rows"]]) for g in groups] == [
        ("问题解决型", [application.number]),
        ("创新型", [waiting.number]),
    ]
    row = groups[0]["rows"][0]
    assert (str(row.self_total), row.reviewer_count, row.reviewer_mean, row.status, row.unit_used) == (
        "80.0",
        1,
        90,
        Status.RECOMMENDED,
        1,
    )
    html = response.content.decode()
    assert "上海华瑞精密机械有限公司: 1/2" in html
    assert 'data-testid="countdown"' in html
    deadline = timezone.localtime(edition.phase(PhaseKind.RECOMMENDATION).ends_at)
    assert f"{deadline:%Y-%m-%d %H:%M}" in html


def test_queue_filters_by_category_status_and_unit(edition, unit, member, application):
    other_unit = UnitFactory(recommender=unit.recommender)
    innovation = endorsed_application(edition=edition, unit=other_unit, category="innovation", title="课题二")
    client = client_for(member)

    def numbers(**params):
        response = client.get(queue_url(unit.recommender, edition=edition.pk, **params))
        return [a.number for g in response.context["groups"] for a in g["rows"]]

    assert numbers() == [application.number, innovation.number]
    assert numbers(category=category_of(edition, "innovation").pk) == [innovation.number]
    assert numbers(unit=unit.pk) == [application.number]
    assert numbers(status=Status.RECOMMENDED) == []
    assert numbers(status="nonsense", unit=unit.pk) == [application.number]  # a forged value drops that filter


def test_queue_is_404_for_another_recommender_and_for_units(recommender, other_member, unit, application):
    assert client_for(other_member).get(queue_url(recommender)).status_code == 404
    assert client_for(unit_contact(unit)).get(queue_url(recommender)).status_code == 404
    assert client_for(other_member).get(queue_url(RecommenderFactory.build(pk=999999))).status_code == 404
    anonymous = Client().get(queue_url(recommender))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_staff_see_the_queue_read_only(recommender, application):
    staff = staff_user()
    response = client_for(staff).get(queue_url(recommender))
    assert response.status_code == 200
    assert response.context["is_member"] is False
    page = client_for(staff).get(app_url(application))
    assert page.status_code == 200
    assert page.context["may_act"] is False
    assert marked(page, "decide-form") == []
    assert client_for(staff).post(app_url(application, "decide"), {"decision": "recommend"}).status_code == 403


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_queue_query_count_is_constant_at_1_and_4_rows(edition, recommender, member):
    client = client_for(member)
    url = queue_url(recommender, edition=edition.pk)

    def add_row(n):
        application = endorsed_application(edition=edition, unit=UnitFactory(recommender=recommender), title=f"课题{n}")
        services.recommender_evaluation_save(
            actor=member, application=application, recommender=recommender, scores=SCORES
        )

    add_row(0)
    client.get(url)
    at_one = _count(client, url)
    for n in range(1, 4):
        add_row(n)
    at_four = _count(client, url)
    assert client.get(url).context["row_count"] == 4
    assert at_one == at_four


# --- One application ----------------------------------------------------------------------------------------------


def test_application_page_shows_the_units_self_evaluation_and_opinion(member, application):
    response = client_for(member).get(app_url(application))
    assert response.status_code == 200
    assert response.context["self_evaluation"].total == 80
    assert [(item.code, score) for item, score in response.context["self_scores"]] == [
        ("topic", "12.0"),
        ("cause", "24.0"),
        ("measures", "16.0"),
        ("effect", "16.0"),
        ("report", "4.0"),
        ("feature", "8.0"),
    ]
    html = response.content.decode()
    assert "该成果选题合理，数据翔实，效果明显，同意推荐。" in html
    assert response.context["may_act"] is True and response.context["may_score"] is True


def test_score_errors_are_shown_and_the_typed_values_kept(member, application):
    post = {f"score_{k}": v for k, v in SCORES.items()} | {"score_cause": "31", "comment": "原因分析很扎实"}
    response = client_for(member).post(app_url(application, "score"), post)
    assert response.status_code == 200
    assert "“Cause analysis”: the score must be between 0 and 30.0." in response.content.decode()
    form = response.context["score_form"]
    assert (form["score_cause"].value(), form["score_topic"].value(), form["comment"].value()) == (
        "31",
        "14",
        "原因分析很扎实",
    )
    assert 'value="31"' in response.content.decode()
    assert not Evaluation.objects.filter(application=application, level=EndorsementLevel.RECOMMENDER).exists()


def test_score_is_saved_and_shown_beside_the_other_reviewers(recommender, member, application):
    colleague = recommender_member(recommender, full_name="张建国")
    services.recommender_evaluation_save(
        actor=colleague,
        application=application,
        recommender=recommender,
        scores={**SCORES, "feature": "8"},
    )
    client = client_for(member)
    response = client.post(app_url(application, "score"), {f"score_{k}": v for k, v in SCORES.items()}, follow=True)
    assert messages_of(response) == ["Your score sheet is saved."]
    assert [s.reviewer.full_name for s in response.context["sheets"]] == ["张建国", "王慧敏"]
    assert str(response.context["mean"]) == "89.50"
    assert response.context["my_sheet"].scores["cause"] == "28.0"


def test_a_reviewer_of_another_recommender_never_sees_the_scores(member, other_member, application):
    services.recommender_evaluation_save(
        actor=member, application=application, recommender=application.unit.recommender, scores=SCORES
    )
    client = client_for(other_member)
    for url in (app_url(application), queue_url(application.unit.recommender)):
        assert client.get(url).status_code == 404
    for action in ("score", "decide", "reconsider", "return"):
        assert client.post(app_url(application, action), {"decision": "recommend", "reason": "x"}).status_code == 404
    own_queue = client.get(
        reverse("recommenders:recommender_queue", args=[other_member.memberships.get().recommender_id])
    )
    assert own_queue.context["row_count"] == 0
    assert "王慧敏" not in own_queue.content.decode()


def test_the_unit_contact_cannot_open_the_recommender_page(unit, application):
    assert client_for(unit_contact(unit)).get(app_url(application)).status_code == 404


def test_recommend_decline_reconsider_and_return_through_the_page(edition, unit, member, application):
    client = client_for(member)
    ranked(member, application)
    response = decide(client, application, "recommend", "选题紧密结合生产实际。")
    assert messages_of(response) == ["The application is recommended."]
    assert response.context["application"].status == Status.RECOMMENDED
    assert marked(response, "reconsider") == ["reconsider"]
    response = client.post(app_url(application, "reconsider"), follow=True)
    assert response.context["application"].status == Status.ENDORSED
    response = decide(client, application, "decline", "创新点不足。")
    assert response.context["application"].status == Status.DECLINED
    client.post(app_url(application, "reconsider"), follow=True)
    response = client.post(app_url(application, "return"), {"reason": ""}, follow=True)
    assert messages_of(response) == ["Give the reason for returning the application."]
    response = client.post(app_url(application, "return"), {"reason": "附件缺少盖章页。"}, follow=True)
    assert response.redirect_chain[-1][0] == queue_url(unit.recommender)
    application.refresh_from_db()
    assert (application.status, application.return_reason) == (Status.RETURNED_TO_UNIT, "附件缺少盖章页。")


def test_the_third_recommendation_of_a_unit_shows_the_quota_message(edition, unit, member):
    client = client_for(member)
    apps = [
        endorsed_application(edition=edition, unit=unit, category=category, title=f"课题{i}")
        for i, category in enumerate(["problem_solving", "innovation", "problem_solving"])
    ]
    ranked(member, apps[0])
    ranked(member, apps[1])
    for application in apps[:2]:
        assert messages_of(decide(client, application, "recommend", "同意推荐。")) == [
            "The application is recommended."
        ]
    response = decide(client, apps[2], "recommend", "请推荐本成果。")
    assert response.redirect_chain == []  # the same page, with the opinion as typed
    assert response.context["decision_form"]["opinion"].value() == "请推荐本成果。"
    assert messages_of(response) == [
        "上海华瑞精密机械有限公司 already has 2 recommended application(s); at most 2 per unit."
    ]
    assert "上海华瑞精密机械有限公司 already has 2 recommended application(s)" in response.content.decode()
    assert response.context["application"].status == Status.ENDORSED


def test_after_the_deadline_the_page_is_read_only_and_posts_are_refused(edition, member, application):
    deadline = edition.phase(PhaseKind.RECOMMENDATION).ends_at
    with time_machine.travel(deadline + datetime.timedelta(minutes=5)):
        client = client_for(member)
        response = client.get(app_url(application))
        assert response.context["may_act"] is False
        assert marked(response, "decide-form") == [] and marked(response, "score-form") == []
        assert marked(response, "locked") == ["locked"]
        response = decide(client, application, "recommend")
        assert messages_of(response) == [
            f"The Recommendation phase ended at {timezone.localtime(deadline):%Y-%m-%d %H:%M} (Beijing time); "
            "decisions are locked."
        ]
    application.refresh_from_db()
    assert application.status == Status.ENDORSED


# --- Ranking ------------------------------------------------------------------------------------------------------


def test_rank_page_orders_by_the_numbers_typed(edition, unit, member, application):
    second = endorsed_application(edition=edition, unit=UnitFactory(recommender=unit.recommender), title="课题二")
    third = endorsed_application(edition=edition, unit=UnitFactory(recommender=unit.recommender), title="课题三")
    category = category_of(edition)
    url = reverse("recommenders:recommender_rank", args=[unit.recommender.pk, edition.pk, category.pk])
    client = client_for(member)
    page = client.get(url)
    assert [a.pk for a in page.context["applications"]] == [application.pk, second.pk, third.pk]
    assert len(marked(page, "move-up")) == 3
    response = client.post(
        url, {f"rank_{third.pk}": "1", f"rank_{application.pk}": "2", f"rank_{second.pk}": "3"}, follow=True
    )
    assert messages_of(response) == ["The ranking is saved."]
    ranks = dict(
        Endorsement.objects.filter(
            level=EndorsementLevel.RECOMMENDER, application__in=[application, second, third]
        ).values_list("application_id", "rank")
    )
    assert ranks == {third.pk: 1, application.pk: 2, second.pk: 3}
    assert [a.pk for a in response.context["applications"]] == [third.pk, application.pk, second.pk]
    assert client_for(staff_user()).post(url, {}).status_code == 403


def test_rank_page_of_another_recommender_is_404(edition, other_member, application):
    url = reverse(
        "recommenders:recommender_rank",
        args=[application.unit.recommender_id, edition.pk, category_of(edition).pk],
    )
    assert client_for(other_member).get(url).status_code == 404


# --- Dossier and hand-ins -----------------------------------------------------------------------------------------


def dossier_url(recommender, edition, action=""):
    name = f"recommenders:recommender_{action}" if action else "recommenders:recommender_dossier"
    return reverse(name, args=[recommender.pk, edition.pk])


def test_dossier_statistics_errors_keep_the_input_then_save(edition, recommender, member):
    client = client_for(member)
    fields = edition.statistics_fields
    data = {f["code"]: "10" for f in fields} | {fields[0]["code"]: "-3", fields[1]["code"]: "abc"}
    response = client.post(dossier_url(recommender, edition, "statistics"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "“企业职工总数”: enter a whole number of 0 or more." in html
    assert "“历年注册QC小组累计数”: enter a number." in html
    assert response.context["statistics_form"][fields[1]["code"]].value() == "abc"
    response = client.post(
        dossier_url(recommender, edition, "statistics"), {f["code"]: "10" for f in fields}, follow=True
    )
    assert messages_of(response) == ["The activity statistics are saved."]
    assert Dossier.objects.get(recommender=recommender, edition=edition).statistics[fields[0]["code"]] == 10


def test_dossier_uploads_are_checked_by_content_and_replaceable(edition, recommender, member):
    client = client_for(member)
    url = dossier_url(recommender, edition, "handin_upload")
    bad = client.post(url, {"kind": HandInKind.RECOMMENDATION_LETTER, "file": upload("letter.pdf", b"not a pdf")})
    assert bad.status_code == 200
    assert marked(bad, "upload-error") == ["upload-error"]
    assert not HandIn.objects.exists()
    response = client.post(
        url, {"kind": HandInKind.RECOMMENDATION_LETTER, "file": upload("推荐函.png", png_bytes())}, follow=True
    )
    assert messages_of(response) == ["“Stamped recommendation letter” is handed in."]
    first = HandIn.objects.get(kind=HandInKind.RECOMMENDATION_LETTER)
    assert (first.file_name, first.mime_type) == ("推荐函.png", "image/png")
    client.post(url, {"kind": HandInKind.RECOMMENDATION_LETTER, "file": upload("推荐函.pdf", pdf_bytes())})
    replaced = HandIn.objects.get(kind=HandInKind.RECOMMENDATION_LETTER)
    assert (replaced.pk, replaced.file_name, replaced.mime_type) == (first.pk, "推荐函.pdf", "application/pdf")
    page = client.get(dossier_url(recommender, edition))
    assert replaced.sha256[:16] in page.content.decode()


def test_generated_tables_are_handed_in_and_downloadable(
    edition, unit, member, application, django_capture_on_commit_callbacks
):
    decided(application, member)
    client = client_for(member)
    url = dossier_url(unit.recommender, edition, "handin_generated")
    for kind, label in (
        (HandInKind.RECOMMENDATION_TABLE, "Recommendation table (Excel)"),
        (HandInKind.REVIEW_SUMMARY_PDF, "Review summary (PDF)"),
    ):
        with django_capture_on_commit_callbacks(execute=True):  # the queued job runs on commit (eager Celery)
            response = client.post(url, {"kind": kind}, follow=True)
        assert messages_of(response) == [f"“{label}” is being generated; it is handed in as soon as it is ready."]
    response = client.post(url, {"kind": HandInKind.ACTIVITY_STATISTICS}, follow=True)
    assert messages_of(response) == ["Fill in and save the activity statistics first."]
    table = HandIn.objects.get(kind=HandInKind.RECOMMENDATION_TABLE)
    assert table.file_name == f"{edition.year}-浦东新区市场监督管理局-成果推荐表.xlsx"
    download = client.get(reverse("recommenders:recommender_handin_download", args=[table.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    page = client.get(dossier_url(unit.recommender, edition))
    done = {kind: item is not None for kind, _label, item in page.context["hand_ins"]}
    assert done == {
        HandInKind.RECOMMENDATION_TABLE: True,
        HandInKind.RECOMMENDATION_TABLE_PDF: False,
        HandInKind.REVIEW_SUMMARY: False,
        HandInKind.REVIEW_SUMMARY_PDF: True,
        HandInKind.RECOMMENDATION_LETTER: False,
        HandInKind.ACTIVITY_SUMMARY: False,
        HandInKind.ACTIVITY_STATISTICS: False,
    }


def test_hand_ins_are_locked_after_the_deadline(edition, recommender, member):
    deadline = edition.phase(PhaseKind.RECOMMENDATION).ends_at
    with time_machine.travel(deadline + datetime.timedelta(hours=1)):
        client = client_for(member)
        page = client.get(dossier_url(recommender, edition))
        assert page.context["may_change"] is False
        assert marked(page, "upload-form") == [] and marked(page, "statistics-form") == []
        response = client.post(
            dossier_url(recommender, edition, "handin_upload"),
            {"kind": HandInKind.ACTIVITY_SUMMARY, "file": upload("总结.pdf", pdf_bytes())},
            follow=True,
        )
        end = timezone.localtime(deadline)
        assert messages_of(response) == [
            f"The Recommendation phase ended at {end:%Y-%m-%d %H:%M} (Beijing time); decisions are locked."
        ]
    assert not HandIn.objects.exists()


def test_hand_ins_are_visible_to_staff_and_hidden_from_other_recommenders(edition, recommender, member, other_member):
    dossier = services.dossier_for(recommender=recommender, edition=edition)
    item = services.hand_in(
        actor=member, dossier=dossier, kind=HandInKind.ACTIVITY_SUMMARY, data=pdf_bytes(), file_name="总结.pdf"
    )
    download = reverse("recommenders:recommender_handin_download", args=[item.pk])
    assert client_for(other_member).get(download).status_code == 404
    assert client_for(other_member).get(dossier_url(recommender, edition)).status_code == 404
    staff = client_for(staff_user())
    assert staff.get(download).status_code == 200
    page = staff.get(dossier_url(recommender, edition))
    assert page.status_code == 200 and page.context["may_change"] is False
    assert staff.post(dossier_url(recommender, edition, "statistics"), {}).status_code == 403


def test_staff_looking_at_a_dossier_creates_nothing(edition, recommender):
    page = client_for(staff_user()).get(dossier_url(recommender, edition))
    assert page.status_code == 200
    assert marked(page, "no-dossier") == ["no-dossier"]
    assert not Dossier.objects.exists()


# --- Staff overview and panels ------------------------------------------------------------------------------------


def test_staff_overview_shows_who_handed_in_what(edition, unit, member, application):
    decided(application, member)
    dossier = services.dossier_for(recommender=unit.recommender, edition=edition)
    services.hand_in(
        actor=member, dossier=dossier, kind=HandInKind.ACTIVITY_SUMMARY, data=pdf_bytes(), file_name="a.pdf"
    )
    other = RecommenderFactory(name="徐汇区市场监督管理局")
    url = reverse("recommenders:staff_handins", args=[edition.pk])
    assert client_for(member).get(url).status_code == 403
    response = client_for(staff_user()).get(url)
    rows = {row["recommender"].name: row for row in response.context["rows"]}
    pudong = rows["浦东新区市场监督管理局"]
    assert pudong["recommender"].recommended == 1
    assert [c is not None for c in pudong["cells"]] == [False, False, False, False, False, True, False]
    assert rows[other.name]["dossier"] is None and rows[other.name]["recommender"].recommended == 0


def test_staff_overview_query_count_is_constant_at_1_and_4_recommenders(edition):
    client = client_for(staff_user())
    url = reverse("recommenders:staff_handins", args=[edition.pk])

    def add_row():
        recommender = RecommenderFactory()
        dossier = services.dossier_for(recommender=recommender, edition=edition)
        services.hand_in(
            actor=recommender_member(recommender),  # only a member who decides for it hands in
            dossier=dossier,
            kind=HandInKind.ACTIVITY_SUMMARY,
            data=pdf_bytes(),
            file_name="a.pdf",
        )

    add_row()
    client.get(url)
    at_one = _count(client, url)
    for _ in range(3):
        add_row()
    at_four = _count(client, url)
    assert len(client.get(url).context["rows"]) == 4
    assert at_one == at_four


def test_recommender_dashboard_panel_counts_per_open_edition(edition, unit, member, application):
    endorsed_application(edition=edition, unit=unit, category="innovation", title="课题二")
    decided(application, member)
    response = client_for(member).get(reverse("accounts:recommender_dashboard", args=[unit.recommender.pk]))
    assert "recommenders/_recommender_dashboard_panel.html" in response.context["dashboard_panels"]
    items = {item["edition"].pk: item for item in response.context["recommenders_editions"]}
    assert (items[edition.pk]["waiting"], items[edition.pk]["recommended"], items[edition.pk]["declined"]) == (1, 1, 0)
    html = response.content.decode()
    assert queue_url(unit.recommender) + f"?edition={edition.pk}" in html
    assert dossier_url(unit.recommender, edition) in html


def test_staff_dashboard_panel_links_to_the_overview_of_open_editions(edition):
    response = client_for(staff_user()).get(reverse("accounts:staff_dashboard"))
    assert "recommenders/_recommender_staff_panel.html" in response.context["dashboard_panels"]
    assert reverse("recommenders:staff_handins", args=[edition.pk]) in response.content.decode()


def test_admin_shows_the_rows_read_only(edition, unit, member, application):
    dossier = services.dossier_for(recommender=unit.recommender, edition=edition)
    services.hand_in(
        actor=member, dossier=dossier, kind=HandInKind.ACTIVITY_SUMMARY, data=pdf_bytes(), file_name="a.pdf"
    )
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = client_for(admin)
    for model in ("endorsement", "evaluation", "dossier"):
        response = client.get(reverse(f"admin:recommenders_{model}_changelist"))
        assert response.status_code == 200, model
        assert client.get(reverse(f"admin:recommenders_{model}_add")).status_code == 403
    page = client.get(reverse("admin:recommenders_dossier_change", args=[dossier.pk]))
    assert page.status_code == 200
    assert (
        reverse("recommenders:recommender_handin_download", args=[dossier.hand_ins.get().pk]) in page.content.decode()
    )


# --- Issue 8: confirmation, opinion or reason, ranks 1..n --------------------------------------------------------


def test_the_decision_form_asks_to_confirm_and_for_the_opinion(member, application):
    page = client_for(member).get(app_url(application)).content.decode()

    assert re.search(r'<input type="checkbox" name="confirm"[^>]*required[^>]*data-testid="decision-confirm"', page)
    assert re.search(r'<textarea name="opinion"[^>]*required', page)


def test_a_decision_without_the_confirmation_is_refused_and_keeps_the_text(member, application):
    ranked(member, application)

    response = decide(client_for(member), application, "recommend", "同意推荐。", confirm=False)

    assert response.status_code == 400
    assert messages_of(response) == ["Tick the box to confirm the decision."]
    assert response.context["decision_form"]["opinion"].value() == "同意推荐。"
    assert marked(response, "decision-confirm-error") == ["decision-confirm-error"]
    application.refresh_from_db()
    assert application.status == Status.ENDORSED


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ("recommend", "Write the recommendation opinion."),
        ("decline", "Give the reason for not recommending the application."),
    ],
)
def test_a_decision_without_the_opinion_or_reason_is_refused(member, application, decision, message):
    ranked(member, application)

    response = decide(client_for(member), application, decision, "   ")

    assert messages_of(response) == [message]
    application.refresh_from_db()
    assert application.status == Status.ENDORSED


def test_recommending_before_the_ranking_is_saved_says_so(member, application):
    response = decide(client_for(member), application, "recommend", "同意推荐。")

    assert messages_of(response) == [
        "Rank the applications of “问题解决型” first (1 to 1, each rank once) and save the ranking: "
        f"“{application.number}” has no rank."
    ]
    application.refresh_from_db()
    assert application.status == Status.ENDORSED


def test_rank_page_refuses_duplicate_ranks_and_keeps_what_was_typed(edition, unit, member, application):
    second = endorsed_application(edition=edition, unit=UnitFactory(recommender=unit.recommender), title="课题二")
    url = reverse("recommenders:recommender_rank", args=[unit.recommender.pk, edition.pk, category_of(edition).pk])
    client = client_for(member)
    assert marked(client.get(url), "ranking-incomplete") == ["ranking-incomplete"]

    response = client.post(url, {f"rank_{application.pk}": "1", f"rank_{second.pk}": "1"})

    assert response.status_code == 400
    page = response.content.decode()
    assert (
        f"Ranks must be 1 to 2, each given once: Rank 1 is given to “{application.number}”、“{second.number}”; "
        "each rank goes to one application."
    ) in page
    assert re.findall(r'name="rank_\d+" value="(\d*)"', page) == ["1", "1"]
    assert "The ranking is saved." not in page
    assert not Endorsement.objects.filter(level=EndorsementLevel.RECOMMENDER, rank__isnull=False).exists()

    response = client.post(url, {f"rank_{application.pk}": "2", f"rank_{second.pk}": "1"}, follow=True)
    assert messages_of(response) == ["The ranking is saved."]
    assert marked(response, "ranking-incomplete") == []
