import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notices.enums import NoticeState
from tests.factories import staff_user
from tests.factories.awards import ProgrammeFactory
from tests.factories.notices import NoticeFactory, published_notice

pytestmark = pytest.mark.django_db


def _listed(client, **params):
    html = client.get(reverse("notices:list"), params).content.decode()
    return html


def test_list_shows_published_pinned_first_then_newest(client):
    published_notice(title="旧通知", minutes_ago=300)
    published_notice(title="新通知", minutes_ago=10)
    published_notice(title="置顶通知", minutes_ago=1000, pinned=True)
    NoticeFactory(title="草稿通知")
    published_notice(title="定时通知", minutes_ago=-30)
    NoticeFactory(title="撤回通知", state=NoticeState.WITHDRAWN, publish_at=timezone.now())
    html = _listed(client)
    positions = [html.find(t) for t in ("置顶通知", "新通知", "旧通知")]
    assert all(p > 0 for p in positions) and positions == sorted(positions)
    for hidden in ("草稿通知", "定时通知", "撤回通知"):
        assert hidden not in html


def test_scheduled_notice_appears_at_its_minute_without_any_job(client):
    notice = published_notice(title="定时发布的通知", minutes_ago=-2)
    url = reverse("notices:detail", args=[notice.pk])
    assert client.get(url).status_code == 404
    assert "定时发布的通知" not in _listed(client)
    with time_machine.travel(notice.publish_at + datetime.timedelta(seconds=1), tick=False):
        assert client.get(url).status_code == 200
        assert "定时发布的通知" in _listed(client)


def test_detail_of_draft_and_withdrawn_is_404_even_for_staff(client):
    client.force_login(staff_user())
    for notice in (NoticeFactory(), NoticeFactory(state=NoticeState.WITHDRAWN, publish_at=timezone.now())):
        assert client.get(reverse("notices:detail", args=[notice.pk])).status_code == 404


def test_detail_renders_the_sanitised_body(client):
    notice = published_notice(title="正文通知", body="<p>各有关单位：</p><h2>一、要求</h2>")
    html = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "<p>各有关单位：</p><h2>一、要求</h2>" in html


def test_search_matches_title_and_body_text(client):
    published_notice(title="质量管理小组成果申报", body="<p>班组通道</p>")
    published_notice(title="质量标杆遴选", body="<p>工业企业申报条件</p>")
    html = _listed(client, q="标杆")
    assert "质量标杆遴选" in html and "质量管理小组成果申报" not in html
    html = _listed(client, q="班组通道")
    assert "质量管理小组成果申报" in html and "质量标杆遴选" not in html


def test_programme_filter(client):
    qc, ta = ProgrammeFactory(), ProgrammeFactory()
    published_notice(title="小组通知", programme=qc)
    published_notice(title="技术奖通知", programme=ta)
    html = _listed(client, programme=ta.pk)
    assert "技术奖通知" in html and "小组通知" not in html


def test_list_paginates(client):
    for n in range(22):
        published_notice(title=f"分页通知{n:02d}", minutes_ago=100 - n)
    first = _listed(client)
    second = _listed(client, page=2)
    assert first.count('data-testid="notice-row"') == 20
    assert second.count('data-testid="notice-row"') == 2
    assert "分页通知00" in second and "分页通知00" not in first


@pytest.mark.parametrize("rows", [1, 5])
def test_list_query_count_is_constant(client, django_assert_num_queries, rows):
    programme = ProgrammeFactory()
    for n in range(rows):
        published_notice(title=f"通知{n}", programme=programme)
    # count, page, programmes of the filter, next scheduled notice; no per-row query
    with django_assert_num_queries(4):
        response = client.get(reverse("notices:list"))
    assert response.content.decode().count('data-testid="notice-row"') == rows


@pytest.mark.parametrize("attachments", [0, 3])
def test_detail_query_count_is_constant(client, django_assert_num_queries, attachments):
    from django.core.files.base import ContentFile

    from notices.models import NoticeAttachment

    notice = published_notice(title="附件通知")
    for n in range(attachments):
        row = NoticeAttachment(notice=notice, file_name=f"附件{n}.pdf", file_type="application/pdf", size=1)
        row.file.save(f"a{n}.pdf", ContentFile(b"%PDF-1.4"), save=False)
        row.save()
    with django_assert_num_queries(3):  # notice, its attachments, next scheduled notice
        html = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert html.count("附件") >= attachments and all(f"附件{n}.pdf" in html for n in range(attachments))


def test_programme_filter_offers_only_programmes_with_visible_notices(client):
    shown, hidden = ProgrammeFactory(name="有通知的活动"), ProgrammeFactory(name="只有草稿的活动")
    published_notice(programme=shown)
    NoticeFactory(programme=hidden)
    html = _listed(client)
    assert "有通知的活动" in html and "只有草稿的活动" not in html


def test_home_shows_open_editions_and_latest_notices(client):
    from tests.factories.awards import open_edition

    edition = open_edition()
    published_notice(title="首页通知")
    published_notice(title="未来通知", minutes_ago=-60)
    html = client.get(reverse("home")).content.decode()
    from awards.selectors import open_editions

    deadline = timezone.localtime(open_editions().get(pk=edition.pk).application_ends_at).strftime("%Y-%m-%d %H:%M")
    assert f'data-testid="open-edition-deadline">{deadline}<' in html
    assert "首页通知" in html and "未来通知" not in html
