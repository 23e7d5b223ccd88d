"""Cached reads (core.dataversion, core.identity, core.pagecache): served while their tables are unchanged, read
afresh after any kind of write, never across sessions, users or languages."""

import pytest
from django.contrib import messages
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role
from accounts.models import Membership, Unit
from applications.models import Application
from core import dataversion
from core.identity import user_key
from tests.factories import MembershipFactory, UnitFactory, UserFactory, staff_user, unit_contact
from tests.factories.applications import submitted_application
from tests.helpers import client_for

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def identity_from_the_cache(settings):
    settings.IDENTITY_CACHE = True  # as in production (the suite's default is off: see saq_portal/settings/test.py)


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ('INSERT INTO "applications_application" ("title") VALUES (%s)', ["applications_application"]),
        ('UPDATE "accounts_unit" SET "name" = %s', ["accounts_unit"]),
        ("delete from accounts_membership where id = 1", ["accounts_membership"]),
        (
            'TRUNCATE "accounts_unit", "accounts_qcgroup" CASCADE',
            ["accounts_unit", "accounts_qcgroup"],
        ),
        ('SELECT "accounts_unit"."id" FROM "accounts_unit"', []),
        ('DECLARE "c" NO SCROLL CURSOR FOR SELECT 1 FROM "accounts_unit"', []),
    ],
)
def test_written_tables(sql, tables):
    assert dataversion.written_tables(sql) == tables


def versions(*tables):
    return dataversion.get("nothing", tables)[1]


def test_every_kind_of_write_moves_its_table():
    unit = UnitFactory()
    writes = [
        lambda: unit.save(),
        lambda: Unit.objects.filter(pk=unit.pk).update(name="改名有限公司"),
        lambda: connection.cursor().execute("UPDATE accounts_unit SET address = 'x' WHERE id = %s", [unit.pk]),
        lambda: Unit.objects.bulk_update([unit], ["name"]),
    ]
    for write in writes:
        before = versions("accounts_unit", "accounts_qcgroup")
        write()
        after = versions("accounts_unit", "accounts_qcgroup")
        assert after[0] != before[0] and after[1] == before[1]


def test_a_read_back_in_the_same_transaction_sees_the_write():
    """Writes after a cached read in one transaction move the version at once (the commit would be too late)."""
    unit = UnitFactory()
    with transaction.atomic():
        first = versions("accounts_unit")
        unit.save()
        second = versions("accounts_unit")
        unit.save()
        assert len({first, second, versions("accounts_unit")}) == 3


def test_a_cached_value_is_returned_only_at_its_versions():
    value, at = dataversion.get("k", ("accounts_unit",))
    assert value is None
    dataversion.put("k", at, ["read at these versions"])
    assert dataversion.get("k", ("accounts_unit",))[0] == ["read at these versions"]
    UnitFactory()
    assert dataversion.get("k", ("accounts_unit",))[0] is None


def test_signed_in_user_and_roles_come_from_the_cache_and_follow_changes():
    contact = unit_contact()
    client = client_for(contact)
    url = reverse("accounts:dashboard")
    client.get(url)
    with CaptureQueriesContext(connection) as seen:
        client.get(url)
    assert not [q for q in seen.captured_queries if 'FROM "accounts_membership"' in q["sql"]]
    assert not [q for q in seen.captured_queries if 'FROM "accounts_user"' in q["sql"].split("WHERE")[0][-40:]]
    # The role goes: the next request no longer has it.
    Membership.objects.filter(user=contact).update(is_active=False)
    response = client.get(url)
    assert response.wsgi_request.user.is_authenticated
    assert list(response.wsgi_request.user.memberships.filter(is_active=True)) == []
    from core import roles

    assert roles.memberships(response.wsgi_request.user) == []


def test_a_deactivated_user_is_signed_out_at_the_next_request():
    contact = unit_contact()
    client = client_for(contact)
    client.get(reverse("accounts:dashboard"))
    type(contact).objects.filter(pk=contact.pk).update(is_active=False)
    response = client.get(reverse("accounts:dashboard"))
    assert not response.wsgi_request.user.is_authenticated


def test_a_changed_password_ends_other_sessions():
    contact = unit_contact()
    client = client_for(contact)
    client.get(reverse("accounts:dashboard"))
    assert dataversion.get(user_key(contact.pk), ("accounts_user",))[0] is not None
    contact.set_password("a-new-password-2026")
    contact.save()
    assert not client.get(reverse("accounts:dashboard")).wsgi_request.user.is_authenticated


# --- Pages ---------------------------------------------------------------------------------------------------------


def staff_list(client, **params):
    return client.get(reverse("applications:staff_list"), params)


def view_queries(client, url) -> int:
    """Queries of one GET apart from the session's own."""
    with CaptureQueriesContext(connection) as seen:
        response = client.get(url)
    assert response.status_code == 200
    return len([q for q in seen.captured_queries if "django_session" not in q["sql"]])


@override_settings(PAGE_CACHE=True)
def test_a_list_page_is_served_from_the_cache_until_a_write():
    staff = staff_user()
    application = submitted_application(title="降低某型号产品装配不良率的研究")
    client = client_for(staff)
    url = reverse("applications:staff_list")
    for _ in range(2):  # the first visit learns the tables, the second stores the page
        client.get(url)
    assert view_queries(client, url) == 0
    assert application.title in client.get(url).content.decode()

    Application.objects.filter(pk=application.pk).update(title="提高焊接一次合格率")  # a queryset update
    assert "提高焊接一次合格率" in client.get(url).content.decode()
    client.get(url)
    with connection.cursor() as cursor:  # raw SQL
        cursor.execute("UPDATE applications_application SET title = %s WHERE id = %s", ["原始SQL改名", application.pk])
    assert "原始SQL改名" in client.get(url).content.decode()
    second = submitted_application(title="缩短换型时间")  # a new row through the services
    assert second.title in client.get(url).content.decode()


@override_settings(PAGE_CACHE=True)
def test_a_cached_page_is_not_served_to_another_user_or_language():
    staff = staff_user(full_name="秘书处甲")
    other = staff_user(full_name="秘书处乙")
    submitted_application()
    first, second = client_for(staff), client_for(other)
    url = reverse("applications:staff_list")
    for _ in range(3):
        first.get(url)
    page = second.get(url).content.decode()
    assert "秘书处乙" in page and "秘书处甲" not in page
    first.cookies["django_language"] = "en"
    english = first.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in english


@override_settings(PAGE_CACHE=True)
def test_a_refusal_is_never_served_from_another_users_cached_page():
    unit = UnitFactory()
    contact = unit_contact(unit)
    outsider = unit_contact()
    url = reverse("recommenders:unit_queue", args=[unit.pk])
    owner = client_for(contact)
    for _ in range(3):
        assert owner.get(url).status_code == 200
    assert client_for(outsider).get(url).status_code in (403, 404)
    # The owner loses the role: the cached page goes with it.
    Membership.objects.filter(user=contact, role=Role.UNIT).update(is_active=False)
    assert owner.get(url).status_code in (302, 403, 404)


@override_settings(PAGE_CACHE=True)
def test_a_waiting_message_is_shown_once_and_never_cached():
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    staff = staff_user()
    client = client_for(staff)
    url = reverse("applications:staff_list")
    for _ in range(3):
        client.get(url)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(messages.INFO, "申报材料已退回")])
    assert "申报材料已退回" in client.get(url).content.decode()
    assert "申报材料已退回" not in client.get(url).content.decode()


@override_settings(PAGE_CACHE=True)
def test_a_view_that_writes_is_not_cached():
    """The page cache keeps a page only when the view read and did not write."""
    from core.pagecache import cached_page

    calls = []

    @cached_page
    def writing_view(request):
        from django.http import HttpResponse

        calls.append(1)
        MembershipFactory(role=Role.EXPERT, user=UserFactory())
        return HttpResponse("<p>ok</p>", content_type="text/html")

    from django.test import RequestFactory

    staff = staff_user()
    request_factory = RequestFactory()
    for _ in range(3):
        request = request_factory.get("/x/")
        request.user = staff
        request.session = client_for(staff).session
        request.COOKIES = {}
        writing_view(request)
    assert len(calls) == 3


def test_a_connection_opened_inside_an_execute_wrapper_keeps_its_write_tracking():
    from django.db import connections

    fresh = connections.create_connection("default")  # not connected yet, as after CONN_MAX_AGE ran out

    def watch(execute, sql, params, many, context):
        return execute(sql, params, many, context)

    try:
        with fresh.execute_wrapper(watch), fresh.cursor() as cursor:  # the connection opens in here
            cursor.execute("SELECT 1")
        assert dataversion.track_writes in fresh.execute_wrappers
        assert watch not in fresh.execute_wrappers
    finally:
        fresh.close()
