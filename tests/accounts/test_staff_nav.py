"""The staff console's menu is made of entries that apps register: each shows to the users who hold its
permission, in its order, the current section marked."""

import re

import pytest
from django.urls import reverse

from accounts import staff_nav
from tests.accounts.conftest import client_for
from tests.factories import recommender_member, staff_user, unit_contact

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

EXTRA = "Complaints desk"


@pytest.fixture
def extra_entry():
    staff_nav.register(
        label=EXTRA, url_name="notifications:inbox", permission="notifications.manage_templates", order=35
    )
    yield
    staff_nav.unregister("notifications:inbox")


def nav_links(response) -> list[tuple[str, str, bool]]:
    html = response.content.decode()
    nav = html[html.index('data-testid="staff-nav"') :].split("</div>", 1)[0]
    return [
        (label.strip(), href, "active" in classes)
        for classes, href, label in re.findall(r'<a class="([^"]*)" href="([^"]*)"[^>]*>([^<]*)</a>', nav)
    ]


def test_staff_menu_lists_the_registered_entries_in_order_with_the_section_active():
    response = client_for(staff_user()).get(reverse("accounts:staff_units"))

    assert nav_links(response) == [
        ("Overview", reverse("accounts:staff_dashboard"), False),
        ("Programmes and editions", reverse("awards:programme_list"), False),
        ("Applications", reverse("applications:staff_list"), False),
        ("Formal review", reverse("reviews:formal_queue"), False),
        ("Review rounds", reverse("reviews:round_index"), False),
        ("Presentation competition", reverse("reviews:presentation_index"), False),
        ("Award levels", reverse("reviews:levels_index"), False),
        ("Results publicity", reverse("notices:results_index"), False),
        ("Units", reverse("accounts:staff_units"), True),
        ("QC groups", reverse("accounts:staff_groups"), False),
        ("Recommending organisations", reverse("accounts:staff_recommenders"), False),
        ("Experts", reverse("accounts:staff_experts"), False),
        ("Expert pool", reverse("reviews:pool_home"), False),
        ("Expert declaration", reverse("reviews:staff_declaration"), False),
        ("Users and roles", reverse("accounts:staff_users"), False),
        ("Notices", reverse("notices:staff_list"), False),
        ("Compendium and national package", reverse("notices:books_index"), False),
        ("Shared cases", reverse("notices:cases_staff"), False),
        ("Certificates", reverse("notices:certificates_index"), False),
        ("Audit log", reverse("accounts:staff_audit"), False),
    ]


def test_registered_entry_shows_to_staff(extra_entry):
    response = client_for(staff_user()).get(reverse("accounts:staff_dashboard"))

    links = nav_links(response)
    assert links[3] == (EXTRA, reverse("notifications:inbox"), False)
    assert [label for label, _href, _active in links][2:4] == ["Applications", EXTRA]


@pytest.mark.parametrize("make_user", [unit_contact, recommender_member], ids=["unit contact", "recommender"])
def test_registered_entry_not_shown_to_others(extra_entry, make_user):
    user = make_user()

    assert staff_nav.entries_for(user) == []
    assert client_for(user).get(reverse("accounts:staff_dashboard")).status_code in (403, 404)


def test_entry_needs_its_own_permission(extra_entry):
    """A staff-only menu hides an entry whose permission the user lacks, even from staff."""
    staff_nav.register(label="Nobody's", url_name="home", permission="accounts.access_expert_channel", order=1)
    try:
        labels = [entry["label"] for entry in staff_nav.entries_for(staff_user())]
    finally:
        staff_nav.unregister("home")

    assert "Nobody's" not in labels and EXTRA in labels
