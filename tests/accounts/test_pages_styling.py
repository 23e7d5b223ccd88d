"""What the allauth pages, the audit log, the unit search, registration and the members page show (issue 8)."""

import re

import pytest
from django.urls import reverse

from accounts.models import GroupMember, Unit
from core.audit import audit_record
from tests.factories import QCGroupFactory, UnitFactory
from tests.factories.accounts import UserFactory
from tests.factories.applications import draft_application
from tests.helpers import client_for

from .test_registration import group_data, unit_data

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _testid(html: str, testid: str) -> list[str]:
    """The inner HTML of every element carrying data-testid=`testid` (elements that do not nest themselves)."""
    return re.findall(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', html, re.S)


def _changes(html: str) -> list[str]:
    """The text of each change line of the audit log."""
    parts = html.split('<div data-testid="audit-change">')[1:]
    return [_text(part.split("</td>")[0]) for part in parts]


# --- allauth pages: portal card, crispy Bootstrap inputs, the channel named -------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["account_login", "account_signup", "account_reset_password"], ids=["login", "signup", "reset"]
)
def test_allauth_pages_use_the_portal_card_and_bootstrap_inputs(client, url_name):
    html = client.get(reverse(url_name), **EN).content.decode()
    assert 'data-testid="allauth-card"' in html
    inputs = re.findall(r"<input [^>]*>", html)
    visible = [i for i in inputs if 'type="hidden"' not in i and 'type="checkbox"' not in i]
    assert visible, "the page has no visible inputs"
    assert all('class="' in i and "form-control" in i for i in visible), visible


def test_login_page_says_how_to_sign_in_and_links_to_the_styled_reset(client):
    html = client.get(reverse("account_login"), **EN).content.decode()
    assert _text(_testid(html, "login-intro")[0][1]) == (
        "Sign in with your email address or mobile number. No account yet? Register first."
    )
    assert 'data-testid="forgot-password"' in html


@pytest.mark.parametrize(
    ("next_name", "expected"),
    [
        (
            "accounts:register_group",
            "QC group channel Create your account first; next you register your QC group under its unit.",
        ),
        (
            "accounts:register_unit",
            "Unit channel Create your account first; next you register your unit with its unified social credit code.",
        ),
        (
            None,
            "Create your account first; next you choose how you take part: as a QC group leader or as your unit's "
            "contact. Recommending organisations and experts are invited by the secretariat.",
        ),
    ],
    ids=["group", "unit", "none"],
)
def test_signup_names_the_channel_it_is_for(client, next_name, expected):
    url = reverse("account_signup") + (f"?next={reverse(next_name)}" if next_name else "")
    html = client.get(url, **EN).content.decode()
    assert _text(_testid(html, "signup-channel")[0][1]) == expected


def test_email_addresses_page_has_no_inline_script(client):
    user = UserFactory(email="someone@example.test")
    html = client_for(user).get(reverse("account_email"), **EN).content.decode()
    assert 'data-testid="allauth-card"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


# --- Staff pages use the whole width ----------------------------------------------------------------------------------


def test_staff_pages_use_a_fluid_container(staff):
    html = client_for(staff).get(reverse("accounts:staff_units"), **EN).content.decode()
    assert re.search(r'<main class="container-fluid[^"]*staff-wide', html)
    assert re.search(r'<table class="table table-stack[^"]*"[^>]*data-testid="staff-units"', html)


# --- The audit log ----------------------------------------------------------------------------------------------------


def test_audit_log_shows_field_and_choice_labels_in_the_page_language(staff):
    application = draft_application(complete=False)
    long_reason = "单位自评分与成果报告中的效果数据不一致，" * 6
    audit_record(
        actor=staff,
        obj=application,
        action="application.recommender_returned",
        changes={"status": ["endorsed", "returned_to_unit"], "title": ["旧课题", long_reason]},
    )
    client = client_for(staff)
    html = client.get(reverse("accounts:staff_audit"), {"q": "recommender_returned"}, **EN).content.decode()
    changes = sorted(_changes(html))
    assert changes[0] == "Status : Endorsed, at the recommender → Returned to the unit"
    assert "endorsed →" not in html and "returned_to_unit<" not in html
    # The long value is shortened, the whole value one click away in <details>.
    assert changes[1] == f"Topic : 旧课题 → {long_reason[:59]}… {long_reason}"
    assert re.search(r"<details[^>]*><summary[^>]*>" + re.escape(long_reason[:59] + "…") + "</summary>", html)

    zh = client.get(reverse("accounts:staff_audit"), {"q": "recommender_returned"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    status_row = next(c for c in _changes(zh.content.decode()) if c.startswith("状态"))
    assert status_row.endswith("单位已推荐，待推荐单位审核 → 退回单位")


# --- Registration messages --------------------------------------------------------------------------------------------


def test_duplicate_credit_code_names_the_unit_and_how_to_reach_it(recommender):
    existing = UnitFactory(
        name="上海华瑞精密机械有限公司", contact_phone="021-58889999", contact_email="hr@example.test"
    )
    response = client_for(UserFactory()).post(
        reverse("accounts:register_unit"), unit_data(recommender, credit_code=existing.credit_code), **EN
    )
    assert response.context["form"].errors["credit_code"] == [
        "“上海华瑞精密机械有限公司” is already registered with this unified social credit code. If you lead a QC group "
        "there, register your group under it (search for its name): its contact approves new groups. To become the "
        "unit's contact yourself, ask the association's secretariat."
    ]
    html = response.content.decode()
    assert "021-58889999" not in html and "hr@example.test" not in html
    assert Unit.objects.filter(credit_code=existing.credit_code).count() == 1


def test_empty_group_registration_shows_the_unit_error_once():
    # What a browser sends for the untouched form: every field, empty.
    empty = {name: "" for name in group_data()}
    response = client_for(UserFactory()).post(reverse("accounts:register_group"), empty, **EN)
    html = response.content.decode()
    assert html.count("Choose your unit from the search, or ask for a new unit.") == 1


def test_unit_search_says_when_it_shows_only_the_first_results():
    for n in range(25):
        UnitFactory(name=f"上海精密{n:02d}有限公司")
    html = client_for(UserFactory()).get(reverse("accounts:unit_search"), {"q": "精密"}, **EN).content.decode()
    assert html.count("data-unit-choice=") == 20
    assert _text(_testid(html, "unit-search-more")[0][1]) == (
        "Showing 20 of 25 units. Type more of the name, or the full credit code, to narrow the search."
    )
    few = client_for(UserFactory()).get(reverse("accounts:unit_search"), {"q": "精密07"}, **EN).content.decode()
    assert few.count("data-unit-choice=") == 1 and "unit-search-more" not in few


# --- Group members ----------------------------------------------------------------------------------------------------


def test_members_page_shows_one_empty_row_and_adds_rows_without_javascript():
    group = QCGroupFactory(members=2)
    client = client_for(group.leader)
    url = reverse("accounts:group_members", args=[group.pk])
    response = client.get(url, **EN)
    html = response.content.decode()
    table = html[html.index('data-testid="members-table"') : html.index("</table>")]
    assert table.count("<tr data-member-row>") == 3  # two members and one empty row
    assert 'id="members-empty-row"' in html and 'data-testid="add-member"' in html

    formset = response.context["formset"]
    data = {f"members-{k}": v for k, v in formset.management_form.initial.items()}
    for i, form in enumerate(formset.forms):
        for name in form.fields:
            value = form.initial.get(name, "")
            data[f"members-{i}-{name}"] = getattr(value, "pk", value) if value is not None else ""
    data["members-2-name"] = "赵新人"
    data["add_row"] = "1"
    more = client.post(url, data, **EN)
    more_html = more.content.decode()
    more_table = more_html[more_html.index('data-testid="members-table"') : more_html.index("</table>")]
    assert more_table.count("<tr data-member-row>") == 4
    assert 'value="赵新人"' in more_html  # what was typed is kept
    assert GroupMember.objects.filter(group=group).count() == 2  # nothing saved yet
