"""The expert pool's staff pages: list with filters, add, edit, who may open them."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import staff_nav
from core.models import AuditEntry
from reviews.models import PoolEntry
from tests.factories import UnitFactory, expert_user, recommender_member, staff_user, unit_contact
from tests.factories.awards import open_edition
from tests.factories.reviews import pool_expert, pool_xlsx
from tests.helpers import client_for, messages_of

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def programme():
    return open_edition().programme


@pytest.fixture
def staff():
    return staff_user()


def pages(programme, entry):
    return [
        ("get", reverse("reviews:pool_home")),
        ("get", reverse("reviews:pool_list", args=[programme.pk])),
        ("get", reverse("reviews:pool_add", args=[programme.pk])),
        ("post", reverse("reviews:pool_add", args=[programme.pk])),
        ("get", reverse("reviews:pool_edit", args=[entry.pk])),
        ("post", reverse("reviews:pool_edit", args=[entry.pk])),
        ("get", reverse("reviews:pool_import", args=[programme.pk])),
        ("post", reverse("reviews:pool_import", args=[programme.pk])),
        ("post", reverse("reviews:pool_import_confirm", args=[programme.pk])),
        ("get", reverse("reviews:pool_template", args=[programme.pk])),
    ]


def test_other_roles_get_403_and_anonymous_the_sign_in_page(programme):
    entry = PoolEntry.objects.get(expert=pool_expert(programme))
    unit = UnitFactory()
    others = [expert_user(), unit_contact(unit), recommender_member(unit.recommender)]
    for user in others:
        client = client_for(user)
        for method, url in pages(programme, entry):
            assert getattr(client, method)(url).status_code == 403, (user, url)
    for method, url in pages(programme, entry):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    assert PoolEntry.objects.get().max_load == 20


def test_unknown_programme_or_entry_is_404(staff):
    client = client_for(staff)
    assert client.get(reverse("reviews:pool_list", args=[999999])).status_code == 404
    assert client.get(reverse("reviews:pool_edit", args=[999999])).status_code == 404


def test_staff_nav_has_the_expert_pool(staff):
    assert "reviews:pool_home" in staff_nav._ENTRIES
    labels = [e["label"] for e in staff_nav.entries_for(staff)]
    assert "Expert pool" in [str(label) for label in labels]
    assert "Expert pool" not in [str(e["label"]) for e in staff_nav.entries_for(expert_user())]
    response = client_for(staff).get(reverse("reviews:pool_home"))
    assert reverse("reviews:pool_home") in response.content.decode()


def test_add_an_expert_through_the_form(staff, programme):
    unit = UnitFactory()
    client = client_for(staff)
    response = client.get(reverse("reviews:pool_add", args=[programme.pk]))
    html = response.content.decode()
    assert 'type="checkbox"' in html and "problem_solving" in html and "innovation" in html
    data = {
        "full_name": "孙丽",
        "email": "sun.li@example.test",
        "mobile": "13700001234",
        "organisation_name": "华东质量协会",
        "title": "研究员",
        "categories": ["innovation", "problem_solving"],
        "fields": "六西格玛",
        "employer": unit.credit_code.lower(),
        "max_load": "8",
        "available_from": "2026-03-01",
        "available_until": "",
    }
    response = client.post(reverse("reviews:pool_add", args=[programme.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    entry = PoolEntry.objects.select_related("expert__user").get()
    assert entry.expert.user.email == "sun.li@example.test"
    assert entry.categories == ["innovation", "problem_solving"] and entry.employer == unit and entry.max_load == 8
    assert "孙丽 added" in messages_of(response)[0]
    # The list shows the employer's recommender.
    html = client.get(reverse("reviews:pool_list", args=[programme.pk])).content.decode()
    assert "孙丽" in html and unit.name in html and unit.recommender.name in html

    # The same person again: refused on the email field, nothing added.
    response = client.post(reverse("reviews:pool_add", args=[programme.pk]), data | {"email": "SUN.LI@example.test"})
    assert response.status_code == 200
    assert "already in the pool" in " ".join(response.context["form"].errors["email"])
    assert PoolEntry.objects.count() == 1


def test_add_form_errors(staff, programme):
    client = client_for(staff)
    response = client.post(
        reverse("reviews:pool_add", args=[programme.pk]),
        {"full_name": "", "email": "bad", "categories": ["nope"], "employer": "nobody", "max_load": "0"},
    )
    errors = response.context["form"].errors
    assert {"full_name", "email", "categories", "employer", "max_load"} <= set(errors)
    assert not PoolEntry.objects.exists()


def test_edit_and_deactivate(staff, programme):
    expert = pool_expert(programme, categories=["problem_solving"])
    entry = PoolEntry.objects.get(expert=expert)
    unit = UnitFactory()
    client = client_for(staff)
    url = reverse("reviews:pool_edit", args=[entry.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"categories": ["innovation"], "fields": "统计", "employer": unit.name, "max_load": "4", "is_active": ""},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.categories, entry.employer, entry.max_load, entry.is_active) == (["innovation"], unit, 4, False)
    assert AuditEntry.objects.filter(action="pool.changed", object_id=str(entry.pk)).exists()
    html = client.get(url).content.decode()
    assert unit.recommender.name in html  # the employer's recommender is shown
    listed = client.get(reverse("reviews:pool_list", args=[programme.pk]), {"active": "0"}).content.decode()
    assert expert.user.full_name in listed


def test_list_filters_and_query_count(staff, programme, django_assert_max_num_queries):
    pool_expert(programme, categories=["innovation"], full_name="王芳", employer=UnitFactory())
    pool_expert(programme, categories=["problem_solving"], full_name="赵强")
    client = client_for(staff)
    url = reverse("reviews:pool_list", args=[programme.pk])
    html = client.get(url, {"category": "innovation"}).content.decode()
    assert "王芳" in html and "赵强" not in html
    html = client.get(url, {"q": "赵"}).content.decode()
    assert "赵强" in html and "王芳" not in html

    client.get(url)  # warm caches (sessions, content types)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    for n in range(8):
        pool_expert(programme, employer=UnitFactory(), full_name=f"专家{n}")
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert response.content.decode().count('data-testid="pool-row-') == 10


def test_import_pages_render(staff, programme):
    client = client_for(staff)
    response = client.get(reverse("reviews:pool_import", args=[programme.pk]))
    assert response.status_code == 200
    assert reverse("reviews:pool_template", args=[programme.pk]) in response.content.decode()
    confirm = client.post(reverse("reviews:pool_import_confirm", args=[programme.pk]))
    assert confirm.status_code == 302 and "Upload the file again" in messages_of(confirm)[0]
    assert pool_xlsx([]) and not PoolEntry.objects.exists()
