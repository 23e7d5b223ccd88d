"""The unit's 成果评分与推荐意见表 PDF: content, version, the management command, and who may have it."""

import subprocess

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from documents import registry
from documents.enums import DocumentStatus
from documents.selectors import document_for
from documents.services import document_build_now
from recommenders.documents_unit import SCORING_OPINION_FORM
from tests.factories import UnitFactory, recommender_member, staff_user
from tests.factories.recommenders import (
    contact_of,
    qc_edition,
    ready_to_endorse,
    self_evaluated,
    submitted_application,
)

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

SCORES = {"topic": "12.5", "cause": "27", "measures": "18", "effect": "17.5", "report": "4", "feature": "9"}
OPINION = "该成果针对磨削不良开展攻关，数据翔实，效果显著，同意推荐。"


@pytest.fixture
def application():
    return submitted_application(edition=qc_edition(), unit=UnitFactory(name="上海华瑞精密机械有限公司"))


@pytest.fixture
def contact(application):
    return contact_of(application.unit)


def pdf_text(data: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode()


def pdf_pages(data: bytes) -> int:
    result = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
    return int(next(line for line in result.stdout.decode().splitlines() if line.startswith("Pages:")).split()[-1])


def build(application) -> bytes:
    document = document_build_now(kind=SCORING_OPINION_FORM, obj=application)
    assert document.status == DocumentStatus.READY, document.error
    with document.file.open("rb") as handle:
        return handle.read()


def test_scoring_form_prints_scores_total_and_opinion_in_chinese(application, contact):
    self_evaluated(application, contact, scores=SCORES, opinion=OPINION)

    data = build(application)

    text = pdf_text(data)
    words = " ".join(text.split())
    assert "成果评分与推荐意见表" in words
    assert application.edition.title in words
    assert f"申报编号：{application.number}" in words
    assert "上海华瑞精密机械有限公司" in words
    assert application.group.name in words
    assert "问题解决型" in words
    assert "问题解决型课题成果评价表" in words
    for line in ("1 选题", "2 原因分析", "3 对策与实施", "4 效果", "5 成果报告", "6 特点"):
        assert line in words, line
    for max_points, score in (("15", "12.5"), ("30", "27.0"), ("20", "18.0"), ("20", "17.5"), ("5", "4.0")):
        assert f"{max_points} {score}" in words
    assert "合 计 100 88.0" in words
    assert OPINION in words
    assert "单位盖章" in words
    assert "日期： 年 月 日" in words
    assert pdf_pages(data) == 1


def test_scoring_form_rubric_descriptions_printed(application, contact):
    self_evaluated(application, contact, scores=SCORES, opinion=OPINION)

    words = " ".join(pdf_text(build(application)).split())

    assert "评审内容" in words
    assert "统计方法运用适宜、正确" in words


def test_scoring_form_filename(application, contact):
    self_evaluated(application, contact)

    document = document_build_now(kind=SCORING_OPINION_FORM, obj=application)

    assert document.filename == f"{application.number}-成果评分与推荐意见表.pdf"
    assert document.mime_type == "application/pdf"


def test_scoring_form_version_follows_scores_and_opinion(application, contact):
    entry = registry.get(SCORING_OPINION_FORM)
    self_evaluated(application, contact, scores=SCORES, opinion=OPINION)
    first = entry.version_of(application)
    document = document_build_now(kind=SCORING_OPINION_FORM, obj=application)

    assert entry.version_of(application) == first
    assert document_build_now(kind=SCORING_OPINION_FORM, obj=application).checksum == document.checksum

    self_evaluated(application, contact, scores={**SCORES, "topic": "10"}, opinion=OPINION)
    second = entry.version_of(application)
    self_evaluated(application, contact, scores={**SCORES, "topic": "10"}, opinion="修改后的意见")
    third = entry.version_of(application)

    assert len({first, second, third}) == 3
    rebuilt = document_build_now(kind=SCORING_OPINION_FORM, obj=application)
    assert rebuilt.source_version == third
    assert "修改后的意见" in pdf_text(build(application))


def test_render_document_command(application, contact, tmp_path):
    self_evaluated(application, contact, scores=SCORES, opinion=OPINION)
    out = tmp_path / "form.pdf"

    call_command("render_document", "scoring_opinion_form", str(application.pk), str(out))

    assert out.read_bytes().startswith(b"%PDF")
    assert "88.0" in pdf_text(out.read_bytes())


def test_review_page_offers_the_form_once_scores_are_saved(application, contact):
    client = Client()
    client.force_login(contact)
    url = reverse("recommenders:unit_application", args=[application.pk])

    before = client.get(url).content.decode()
    self_evaluated(application, contact)
    after = client.get(url).content.decode()

    assert "Save the self-evaluation first" in before
    request_url = reverse("documents:request", args=[SCORING_OPINION_FORM, application.pk])
    assert request_url in after


def test_review_page_rebuild_button_when_scores_changed(application, contact):
    client = Client()
    client.force_login(contact)
    self_evaluated(application, contact)
    build(application)
    url = reverse("recommenders:unit_application", args=[application.pk])

    ready = client.get(url).content.decode()
    self_evaluated(application, contact, scores=SCORES)
    stale = client.get(url).content.decode()

    download = reverse("documents:download", args=[document_for(SCORING_OPINION_FORM, application).pk])
    assert download in ready
    assert 'data-testid="scoring-form-stale"' not in ready
    assert 'data-testid="scoring-form-stale"' in stale
    assert download not in stale


@pytest.mark.parametrize(
    ("who", "expected"),
    # Outside the form's reach the answer is 404, as for a missing application: existence is not revealed.
    [("contact", 302), ("other_contact", 404), ("recommender", 404), ("staff", 302), ("leader", 404)],
)
def test_document_request_permission_before_endorsement(application, contact, who, expected):
    self_evaluated(application, contact)
    users = {
        "contact": contact,
        "other_contact": contact_of(UnitFactory()),
        "recommender": recommender_member(application.unit.recommender),
        "staff": staff_user(),
        "leader": application.group.leader,
    }
    client = Client()
    client.force_login(users[who])

    response = client.post(reverse("documents:request", args=[SCORING_OPINION_FORM, application.pk]))

    assert response.status_code == expected


def test_recommender_may_download_the_form_after_endorsement(application, contact):
    from recommenders.services import unit_endorse

    ready_to_endorse(application, contact)
    unit_endorse(actor=contact, application=application)
    document = document_build_now(kind=SCORING_OPINION_FORM, obj=application)
    member, stranger = Client(), Client()
    member.force_login(recommender_member(application.unit.recommender))
    stranger.force_login(recommender_member())

    response = member.get(reverse("documents:download", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert stranger.get(reverse("documents:download", args=[document.pk])).status_code == 404
