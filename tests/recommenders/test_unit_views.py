"""The unit channel's pages: queue, review page, self-evaluation form, scan, endorse and return, permissions."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.enums import Status
from applications.models import ApplicationEvent
from awards.enums import PhaseKind
from recommenders.enums import Decision
from recommenders.models import Evaluation
from tests.factories import UnitFactory, recommender_member, staff_user
from tests.factories.recommenders import (
    close_unit_endorsement,
    contact_of,
    endorsed_application,
    png_bytes,
    qc_edition,
    ready_to_endorse,
    scan_uploaded,
    scoring_form_built,
    self_evaluated,
    submitted_application,
    unit_endorsement,
    upload,
)
from tests.helpers import client_for, messages_of

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

SCORES = {"topic": "12.5", "cause": "27", "measures": "18", "effect": "17.5", "report": "4", "feature": "9"}


def score_data(scores=SCORES, opinion="同意推荐。") -> dict:
    return {**{f"score_{code}": value for code, value in scores.items()}, "opinion": opinion}


def quota_rows(page: str) -> dict:
    """{kind: (used, quota)} of the quotas the unit's review page shows."""
    return {
        kind: (used, quota)
        for kind, used, quota in re.findall(
            r'data-testid="unit-quota" data-kind="([a-z_]+)" data-used="(\d+)" data-quota="(\d+)"', page
        )
    }


def review_url(application) -> str:
    return reverse("recommenders:unit_application", args=[application.pk])


def action_url(name, application) -> str:
    return reverse(f"recommenders:unit_{name}", args=[application.pk])


@pytest.fixture
def edition():
    return qc_edition()


@pytest.fixture
def unit():
    return UnitFactory(name="上海华瑞精密机械有限公司")


@pytest.fixture
def application(edition, unit):
    return submitted_application(edition=edition, unit=unit)


@pytest.fixture
def contact(unit):
    return contact_of(unit, full_name="李联系", email="contact@example.test")


@pytest.fixture
def client(contact):
    return client_for(contact)


# --- Queue ------------------------------------------------------------------------------------------------------


def queue_numbers(response) -> list[str]:
    return re.findall(r'data-testid="unit-queue-row" data-number="([^"]+)"', response.content.decode())


def test_queue_lists_the_units_applications_waiting_first(client, edition, unit, contact):
    endorsed = endorsed_application(edition=edition, unit=unit, actor=contact, title="提高焊接一次合格率")
    waiting = submitted_application(edition=edition, unit=unit, title="缩短设备换型时间")
    submitted_application(edition=edition)  # another unit's
    later = submitted_application(edition=qc_edition(), unit=unit, title="研制新型夹具")

    response = client.get(reverse("recommenders:unit_queue", args=[unit.pk]))

    assert response.status_code == 200
    numbers = queue_numbers(response)
    assert sorted(numbers) == sorted([endorsed.number, waiting.number, later.number])
    assert numbers[-1] == endorsed.number  # what waits for the unit comes first
    deadline = edition.phases.get(kind=PhaseKind.UNIT_ENDORSEMENT).ends_at
    assert f'data-deadline="{timezone.localtime(deadline).isoformat()}"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "waiting"}, {"waiting", "innovation"}),
        ({"status": "endorsed_by_unit"}, {"endorsed"}),
        ({"status": "returned_to_group"}, {"returned"}),
        ({"category": "innovation"}, {"innovation"}),
        ({}, {"waiting", "endorsed", "returned", "innovation"}),
    ],
)
def test_queue_filters(client, edition, unit, contact, query, expected):
    rows = {
        "waiting": submitted_application(edition=edition, unit=unit, title="缩短设备换型时间"),
        "endorsed": endorsed_application(edition=edition, unit=unit, actor=contact, title="提高焊接一次合格率"),
        "innovation": submitted_application(edition=edition, unit=unit, category="innovation", title="研制新型夹具"),
    }
    returned = submitted_application(edition=edition, unit=unit, title="降低能耗")
    from recommenders.services import unit_return

    rows["returned"] = unit_return(actor=contact, application=returned, reason="请补充")

    response = client.get(reverse("recommenders:unit_queue", args=[unit.pk]), query)

    assert set(queue_numbers(response)) == {rows[name].number for name in expected}


def test_queue_filter_by_edition(client, edition, unit):
    this = submitted_application(edition=edition, unit=unit)
    other_edition = qc_edition()
    submitted_application(edition=other_edition, unit=unit)

    response = client.get(reverse("recommenders:unit_queue", args=[unit.pk]), {"edition": edition.pk})

    assert queue_numbers(response) == [this.number]


def test_queue_of_another_unit_is_not_found(client):
    other = UnitFactory()

    assert client.get(reverse("recommenders:unit_queue", args=[other.pk])).status_code == 404


def test_queue_not_for_the_units_recommender_nor_its_groups(unit, application):
    member = recommender_member(unit.recommender)
    url = reverse("recommenders:unit_queue", args=[unit.pk])

    assert client_for(member).get(url).status_code == 404
    assert client_for(application.group.leader).get(url).status_code == 404


def test_queue_for_staff(unit, application):
    response = client_for(staff_user()).get(reverse("recommenders:unit_queue", args=[unit.pk]))

    assert queue_numbers(response) == [application.number]


def _queue_queries(client, unit) -> int:
    url = reverse("recommenders:unit_queue", args=[unit.pk])
    client.get(url)  # warm up: session, content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # The session backend is configuration (database or cache); count the page's own queries.
    own = [q for q in queries.captured_queries if "django_session" not in q["sql"]]
    return len(own), len(queue_numbers(response))


def test_queue_query_count_is_constant(client, edition, unit, contact):
    submitted_application(edition=edition, unit=unit)
    one = _queue_queries(client, unit)
    endorsed_application(edition=edition, unit=unit, actor=contact, title="提高焊接一次合格率")
    submitted_application(edition=qc_edition(), unit=unit, category="innovation", title="研制新型夹具")
    submitted_application(edition=edition, unit=unit, title="缩短设备换型时间")
    four = _queue_queries(client, unit)

    # user, memberships, unit, editions (+ phases, categories), count, page (+ phases)
    assert one == (9, 1)
    assert four == (9, 4)


# --- Review page ------------------------------------------------------------------------------------------------


def test_review_page_shows_application_and_bounded_score_inputs(client, application):
    response = client.get(review_url(application))

    html = response.content.decode()
    assert response.status_code == 200
    assert application.title in html
    assert 'name="score_topic"' in html
    assert re.search(r'name="score_topic"[^>]*min="0" max="15\.0" step="0\.1"', html)
    assert re.search(r'name="score_cause"[^>]*min="0" max="30\.0" step="0\.1"', html)
    assert html.count("data-score-input") == 6
    assert 'data-testid="endorse-button" disabled' in html
    assert "Fill in the self-evaluation." in html
    assert '<script src="/static/js/recommenders_unit.js" defer></script>' in html
    attachment = application.attachments.get(requirement__code="report")
    assert reverse("applications:attachment_download", args=[application.pk, attachment.pk]) in html


def test_review_page_of_another_units_application_is_not_found(client, edition):
    other = submitted_application(edition=edition)

    assert client.get(review_url(other)).status_code == 404
    assert client.post(action_url("endorse", other)).status_code == 404
    assert client.post(action_url("evaluation", other), score_data()).status_code == 404


def test_review_page_of_a_draft_is_not_found(client, edition, unit):
    from tests.factories.recommenders import draft_application

    draft = draft_application(edition=edition, unit=unit)

    assert client.get(review_url(draft)).status_code == 404


def test_evaluation_save_computes_total(client, application):
    response = client.post(action_url("evaluation", application), score_data())

    assert response.status_code == 302
    assert response["Location"] == review_url(application) + "#self-evaluation"
    assert messages_of(response) == ["Self-evaluation saved: 88.0 of 100.0 points."]
    evaluation = Evaluation.objects.get(application=application)
    assert evaluation.total == Decimal("88.0")
    page = client.get(review_url(application)).content.decode()
    assert re.search(r'data-testid="score-total">88\.00<', page)
    assert 'value="12.5"' in page


def test_evaluation_out_of_range_shows_message_and_keeps_every_value(client, application):
    data = score_data({**SCORES, "cause": "35"}, opinion="我的意见")

    response = client.post(action_url("evaluation", application), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "“Cause analysis”: the score must be between 0 and 30.0." in html
    for code, value in {**SCORES, "cause": "35"}.items():
        assert re.search(rf'name="score_{code}"[^>]*value="{re.escape(value)}"', html), code
    assert re.search(r'name="score_cause"[^>]*class="[^"]*is-invalid', html)
    assert "我的意见</textarea>" in html
    assert not Evaluation.objects.filter(application=application).exists()


def test_evaluation_non_numeric_refused(client, application):
    response = client.post(action_url("evaluation", application), score_data({**SCORES, "topic": "十二"}))

    assert response.status_code == 400
    assert "“Choice of topic”: enter a number." in response.content.decode()
    assert 'value="十二"' in response.content.decode()


def test_review_page_readonly_after_endorsement(client, application, contact):
    ready_to_endorse(application, contact)
    client.post(action_url("endorse", application))

    html = client.get(review_url(application)).content.decode()

    assert 'data-decision="endorsed"' in html
    assert 'data-testid="evaluation-form"' not in html
    assert 'data-testid="endorse-form"' not in html
    assert re.search(r'data-testid="score-total">80\.00<', html)
    assert "该成果选题合理" in html


# --- Endorse and return through the pages -----------------------------------------------------------------------


def test_endorse_through_the_page(client, application, contact):
    ready_to_endorse(application, contact)

    response = client.post(action_url("endorse", application))

    assert response.status_code == 302
    assert messages_of(response) == [f"Endorsed: the application is now with {application.unit.recommender.name}."]
    application.refresh_from_db()
    assert application.status == Status.ENDORSED


def test_endorse_double_click_is_a_no_op(client, application, contact):
    ready_to_endorse(application, contact)
    client.post(action_url("endorse", application))
    client.get(review_url(application))  # the first message is shown

    response = client.post(action_url("endorse", application))

    assert response.status_code == 302
    assert messages_of(response) == ["The unit has already endorsed this application."]
    assert ApplicationEvent.objects.filter(application=application, action="unit_endorse").count() == 1


def test_endorse_incomplete_shows_what_is_missing(client, application, contact):
    self_evaluated(application, contact)

    response = client.post(action_url("endorse", application))

    assert messages_of(response) == [
        "Build the scoring-and-recommendation form with the saved scores and opinion. "
        "Upload the stamped scoring-and-recommendation form."
    ]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_endorse_over_quota_shows_the_quota_message(unit, contact, client):
    edition = qc_edition(unit_quota=1)
    endorsed_application(edition=edition, unit=unit, actor=contact)
    second = submitted_application(edition=edition, unit=unit, title="提高焊接一次合格率")
    ready_to_endorse(second, contact)

    page = client.get(review_url(second)).content.decode()
    response = client.post(action_url("endorse", second))

    assert quota_rows(page)["unit_endorsements"] == ("1", "1")
    assert messages_of(response) == ["Your unit has already endorsed 1 application(s); this edition allows 1 per unit."]


def test_endorse_after_deadline_refused_by_the_server(client, edition, application, contact):
    ready_to_endorse(application, contact)
    close_unit_endorsement(edition)

    page = client.get(review_url(application)).content.decode()
    response = client.post(action_url("endorse", application))

    assert 'data-testid="deadline-passed"' in page
    end = timezone.localtime(edition.phases.get(kind=PhaseKind.UNIT_ENDORSEMENT).ends_at)
    assert messages_of(response) == [
        f"The Unit endorsement phase ended at {end:%Y-%m-%d %H:%M} (Beijing time); decisions are locked."
    ]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_direct_member_endorsement_goes_to_the_association(edition):
    unit = UnitFactory(direct=True, direct_confirmed=True)
    application = submitted_application(edition=edition, unit=unit)
    contact = contact_of(unit)
    ready_to_endorse(application, contact)
    client = client_for(contact)

    page = client.get(review_url(application)).content.decode()
    response = client.post(action_url("endorse", application))

    assert "Endorse and send to the association" in page
    assert messages_of(response) == ["Endorsed: the application goes directly to the association."]
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED


def test_return_with_reason(client, application):
    response = client.post(action_url("return", application), {"reason": "请补充现状调查数据。"})

    assert messages_of(response) == ["Returned to the applicant with your reason."]
    application.refresh_from_db()
    assert (application.status, application.return_reason) == (Status.RETURNED_TO_GROUP, "请补充现状调查数据。")
    assert unit_endorsement(application).decision == Decision.RETURNED
    html = client.get(review_url(application)).content.decode()
    assert 'data-decision="returned"' in html
    assert "请补充现状调查数据。" in html


def test_return_without_reason_keeps_the_page(client, application):
    response = client.post(action_url("return", application), {"reason": "  "})

    assert response.status_code == 400
    assert "Give the reason for returning the application." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_return_twice_is_a_no_op(client, application):
    client.post(action_url("return", application), {"reason": "请补充"})
    client.get(review_url(application))  # the first message is shown

    response = client.post(action_url("return", application), {"reason": "请补充"})

    assert messages_of(response) == ["The unit has already returned this application."]
    assert ApplicationEvent.objects.filter(application=application, action="unit_return").count() == 1


# --- Scan -------------------------------------------------------------------------------------------------------


def test_scan_upload_png_named_pdf_accepted(client, application, contact):
    self_evaluated(application, contact)
    scoring_form_built(application, contact)
    response = client.post(action_url("scan_upload", application), {"scan": upload("盖章扫描.pdf", png_bytes())})

    assert messages_of(response) == ["Stamped scan uploaded."]
    assert unit_endorsement(application).scan_mime == "image/png"


def test_scan_upload_text_named_pdf_refused(client, application, contact):
    self_evaluated(application, contact)
    scoring_form_built(application, contact)
    response = client.post(action_url("scan_upload", application), {"scan": upload("scan.pdf", b"plain text " * 50)})

    assert messages_of(response) == [
        "This file is not an accepted type for “Stamped scoring-and-recommendation form” (its content is "
        "plain text). Accepted: PDF, JPG, PNG."
    ]
    assert not unit_endorsement(application).scan_sha256


def test_scan_upload_without_file(client, application):
    response = client.post(action_url("scan_upload", application), {})

    assert messages_of(response) == ["Choose the scanned file to upload."]


def test_scan_download_for_unit_and_recommender_after_endorsement(client, application, contact):
    data = png_bytes(color=(10, 20, 30))
    self_evaluated(application, contact)
    scan_uploaded(application, contact, data=data, name="盖章.png")
    member = client_for(recommender_member(application.unit.recommender))
    url = action_url("scan_download", application)

    assert b"".join(client.get(url).streaming_content) == data
    assert member.get(url).status_code == 404  # not yet at the recommender
    client.post(action_url("endorse", application))
    response = member.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert b"".join(response.streaming_content) == data


# --- Who may act ------------------------------------------------------------------------------------------------


def test_recommender_member_cannot_act_as_the_unit(application, contact):
    ready_to_endorse(application, contact)
    member = client_for(recommender_member(application.unit.recommender))

    assert member.get(review_url(application)).status_code == 404
    assert member.post(action_url("endorse", application)).status_code == 404
    assert member.post(action_url("return", application), {"reason": "x"}).status_code == 404
    assert member.post(action_url("evaluation", application), score_data()).status_code == 404
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_staff_see_the_review_page_read_only(application, contact):
    ready_to_endorse(application, contact)
    staff = client_for(staff_user())

    html = staff.get(review_url(application)).content.decode()

    assert 'data-testid="decision-pending"' in html
    assert 'data-testid="evaluation-form"' not in html
    assert staff.post(action_url("endorse", application)).status_code == 403
    assert staff.post(action_url("evaluation", application), score_data()).status_code == 403


def test_group_leader_cannot_open_the_unit_review(application):
    assert client_for(application.group.leader).get(review_url(application)).status_code == 404


def test_second_contact_of_the_unit_may_act(application, unit, contact):
    ready_to_endorse(application, contact)
    colleague = client_for(contact_of(unit))

    response = colleague.post(action_url("endorse", application))

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.ENDORSED


# --- Dashboard panel --------------------------------------------------------------------------------------------


def test_unit_dashboard_panel_counts(client, edition, unit, contact):
    submitted_application(edition=edition, unit=unit)
    submitted_application(edition=edition, unit=unit, title="缩短设备换型时间")
    endorsed_application(edition=edition, unit=unit, actor=contact, title="提高焊接一次合格率")
    from recommenders.services import unit_return

    unit_return(
        actor=contact, application=submitted_application(edition=edition, unit=unit, title="降低能耗"), reason="x"
    )

    html = client.get(reverse("accounts:unit_dashboard", args=[unit.pk])).content.decode()

    assert re.search(r'data-testid="unit-count-waiting">2<', html)
    assert re.search(r'data-testid="unit-count-endorsed">1<', html)
    assert re.search(r'data-testid="unit-count-returned">1<', html)
    assert reverse("recommenders:unit_queue", args=[unit.pk]) in html


def test_unit_dashboard_panel_hidden_from_the_recommender(unit):
    html = client_for(recommender_member(unit.recommender)).get(reverse("accounts:unit_dashboard", args=[unit.pk]))

    assert html.status_code == 200
    assert 'data-testid="unit-queue-panel"' not in html.content.decode()


def test_review_page_after_recommender_return_shows_the_reason_and_allows_work_again(client, application, contact):
    from recommenders.services import recommender_return, unit_endorse

    ready_to_endorse(application, contact)
    unit_endorse(actor=contact, application=application)
    recommender_return(
        actor=recommender_member(application.unit.recommender),
        application=application,
        recommender=application.unit.recommender,
        reason="自评分偏高，请复核。",
    )

    html = client.get(review_url(application)).content.decode()

    assert 'data-testid="recommender-return-reason"' in html
    assert "自评分偏高，请复核。" in html
    assert 'data-testid="evaluation-form"' in html
    assert 'data-testid="endorse-ready"' in html
    response = client.post(action_url("endorse", application))
    assert messages_of(response) == [f"Endorsed: the application is now with {application.unit.recommender.name}."]


# --- Issue 8: the form, the scan, the quotas and the application form on the unit's page -----------------------


def test_review_page_asks_for_the_form_before_the_scan(client, application, contact):
    self_evaluated(application, contact)

    page = client.get(review_url(application)).content.decode()

    assert 'data-testid="scan-needs-form"' in page
    response = client.post(action_url("scan_upload", application), {"scan": upload("盖章.png", png_bytes())})
    assert messages_of(response) == [
        "First build the scoring-and-recommendation form with the saved scores and opinion (step 2); then print "
        "it, have it signed and stamped, and upload its scan."
    ]


def test_review_page_says_a_changed_score_needs_a_new_form_and_scan(client, application, contact):
    ready_to_endorse(application, contact)
    page = client.get(review_url(application)).content.decode()
    assert 'data-scan-state="current"' in page
    assert 'data-testid="endorse-ready"' in page

    client.post(action_url("evaluation", application), score_data({**SCORES, "topic": "10"}))
    page = client.get(review_url(application)).content.decode()

    assert 'data-scan-state="stale"' in page
    assert 'data-testid="scan-stale"' in page
    assert 'data-testid="scoring-form-stale"' in page
    assert 'data-testid="endorse-ready"' not in page
    assert re.search(r'<button[^>]*data-testid="endorse-button"[^>]*disabled', page)
    response = client.post(action_url("endorse", application))
    assert messages_of(response) == [
        "Build the scoring-and-recommendation form with the saved scores and opinion. The stamped scan is not of "
        "the form with the saved scores and opinion (they changed after it was uploaded): build the form again, "
        "print, stamp and scan it, and upload the new scan."
    ]


def test_review_page_shows_the_quotas_with_what_is_used(unit, contact, client):
    """每个单位每类最多推荐 1 项 and "n of N used", counted as selectors.quota_usage counts them."""
    from recommenders import selectors, services

    edition = qc_edition(unit_quota=2, recommend_per_unit=2, recommend_per_unit_category=1)
    first = endorsed_application(edition=edition, unit=unit, actor=contact)
    member = recommender_member(unit.recommender)
    services.recommender_rank(
        actor=member, recommender=unit.recommender, edition=edition, category=first.category, ordered_ids=[first.pk]
    )
    services.recommender_decide(
        actor=member, application=first, recommender=unit.recommender, recommend=True, opinion="同意推荐。"
    )
    second = submitted_application(edition=edition, unit=unit, title="提高焊接一次合格率")

    page = client.get(review_url(second)).content.decode()

    assert quota_rows(page) == {
        "unit_endorsements": ("1", "2"),
        "per_unit": ("1", "2"),
        "per_unit_category": ("1", "1"),
    }
    assert "Recommendations per unit in each category: at most 1." in page
    assert {use.kind: (use.used, use.quota) for use in selectors.quota_usage(second)} == {
        "unit_endorsements": (1, 2),
        "per_unit": (1, 2),
        "per_unit_category": (1, 1),
    }


def test_unit_can_download_the_application_form_from_its_review_page(client, application, contact):
    from documents.models import Document
    from documents.services import document_build_now

    page = client.get(review_url(application)).content.decode()
    request_url = reverse("documents:request", args=["application_form", application.pk])
    assert f'action="{request_url}"' in page

    response = client.post(request_url, {"next": review_url(application)})

    assert response.status_code == 302
    assert Document.objects.filter(kind="application_form", owner_id=str(application.pk)).exists()
    document = document_build_now(kind="application_form", obj=application)
    download = client.get(reverse("documents:download", args=[document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


def test_another_units_contact_cannot_request_the_application_form(application, edition):
    other = contact_of(UnitFactory())
    response = client_for(other).post(reverse("documents:request", args=["application_form", application.pk]))

    assert response.status_code == 404  # outside the user's reach: its existence is not revealed
