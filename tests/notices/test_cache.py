import pytest
from django.urls import reverse

from notices import services
from tests.factories import staff_user
from tests.factories.notices import NoticeFactory, published_notice

pytestmark = pytest.mark.django_db


def test_anonymous_list_is_served_from_the_cache(client, django_assert_num_queries):
    published_notice(title="缓存通知")
    client.get(reverse("notices:list"))
    with django_assert_num_queries(0):
        response = client.get(reverse("notices:list"))
    assert "缓存通知" in response.content.decode()


def test_anonymous_detail_and_home_part_are_served_from_the_cache(client, django_assert_max_num_queries):
    notice = published_notice(title="详情缓存")
    url = reverse("notices:detail", args=[notice.pk])
    client.get(url)
    with django_assert_max_num_queries(0):
        assert "详情缓存" in client.get(url).content.decode()
    first = client.get(reverse("home")).content.decode()
    with django_assert_max_num_queries(1):  # the open editions; the notices part comes from the cache
        again = client.get(reverse("home")).content.decode()
    assert "详情缓存" in first and "详情缓存" in again


def test_publish_shows_at_once_on_cached_pages(client, django_capture_on_commit_callbacks):
    actor = staff_user()
    notice = NoticeFactory(title="刚发布的通知")
    assert "刚发布的通知" not in client.get(reverse("notices:list")).content.decode()
    assert "刚发布的通知" not in client.get(reverse("home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_publish(actor=actor, notice=notice)
    assert "刚发布的通知" in client.get(reverse("notices:list")).content.decode()
    assert "刚发布的通知" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("notices:detail", args=[notice.pk])).status_code == 200


def test_withdraw_and_edit_invalidate_cached_pages(client, django_capture_on_commit_callbacks):
    actor = staff_user()
    notice = published_notice(title="原标题")
    detail = reverse("notices:detail", args=[notice.pk])
    assert "原标题" in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_update(actor=actor, notice=notice, title="新标题", body=notice.body)
    assert "新标题" in client.get(detail).content.decode()
    assert "新标题" in client.get(reverse("notices:list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_withdraw(actor=actor, notice=notice)
    assert client.get(detail).status_code == 404
    assert "新标题" not in client.get(reverse("notices:list")).content.decode()


def test_signed_in_users_bypass_the_cache(client):
    notice = published_notice(title="旧标题")
    client.get(reverse("notices:list"))  # cached for anonymous visitors
    notice.title = "未失效的新标题"
    notice.save()  # a write that skips the services does not bump the version
    assert "未失效的新标题" not in client.get(reverse("notices:list")).content.decode()
    client.force_login(staff_user())
    assert "未失效的新标题" in client.get(reverse("notices:list")).content.decode()


def test_rolled_back_write_keeps_the_cache(client, django_capture_on_commit_callbacks):
    from notices import cache

    before = cache.version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notice_create(actor=staff_user(), title="草稿", body="")
    assert cache.version() == before and len(callbacks) == 1
