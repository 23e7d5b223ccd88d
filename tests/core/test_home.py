"""The public home page: no promise of features that do not exist, and the programmes open for applications now
with their deadlines, linked to the editions' public pages (issue 8)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.models import Edition
from tests.factories.accounts import UserFactory
from tests.factories.awards import ProgrammeFactory, closed_edition, open_edition

pytestmark = [pytest.mark.django_db, pytest.mark.unit]


def test_the_secretariat_card_promises_only_what_exists(client):
    html = client.get(reverse("home")).content.decode()
    assert "formal review" not in html
    assert "review rounds" not in html
    assert (
        "For association staff: programmes and editions, organisations and accounts, the applications and the "
        "recommending organisations' hand-ins." in html
    )


def test_home_lists_the_editions_open_now_with_deadline_and_notice_for_anonymous_visitors(client):
    qc = open_edition(programme=ProgrammeFactory(code="QC", name="上海市质量管理小组活动成果"))
    Edition.objects.filter(pk=qc.pk).update(notice="请各单位于截止时间前完成网上申报。")
    closed_edition(programme=ProgrammeFactory(code="QT", name="上海市质量技术奖"))
    deadline = timezone.localtime(qc.application_phase.ends_at)

    html = client.get(reverse("home")).content.decode()

    assert html.count('data-testid="open-edition"') == 1
    assert f'href="{reverse("awards:edition_info", args=[qc.pk])}" data-testid="open-edition"' in html
    assert f'<span class="fw-semibold">{qc.title}</span>' in html
    assert f'<strong data-testid="open-edition-deadline">{deadline:%Y-%m-%d %H:%M}</strong>' in html
    assert "上海市质量管理小组活动成果 · 请各单位于截止时间前完成网上申报。" in html
    assert "上海市质量技术奖" not in html
    public = client.get(reverse("awards:edition_info", args=[qc.pk]))
    assert public.status_code == 200 and "请各单位于截止时间前完成网上申报。" in public.content.decode()


def test_home_says_when_nothing_is_open(client):
    closed_edition()
    html = client.get(reverse("home")).content.decode()
    assert '<div class="list-group-item text-muted" data-testid="no-open-edition">' in html
    assert "No programme is open for applications now." in html


def test_deadline_is_shown_in_beijing_time(client):
    edition = open_edition()
    ends = services.local_datetime(2031, 5, 31, 17, 0)
    edition.phases.filter(kind="application").update(ends_at=ends)
    with time_machine.travel(ends - datetime.timedelta(days=1), tick=False):
        html = client.get(reverse("home")).content.decode()
    assert '<strong data-testid="open-edition-deadline">2031-05-31 17:00</strong>' in html


def test_home_query_count_does_not_grow_with_open_editions(client, django_assert_max_num_queries):
    open_edition()
    client.get(reverse("home"))
    for _ in range(4):
        open_edition()
    with django_assert_max_num_queries(2):
        response = client.get(reverse("home"))
    assert response.content.decode().count('data-testid="open-edition"') == 5


def test_signed_in_people_are_sent_to_their_dashboard_not_asked_to_sign_in(client):
    anonymous = client.get(reverse("home")).content.decode()
    assert anonymous.count(f'href="{reverse("account_login")}"') >= 4

    client.force_login(UserFactory())
    html = client.get(reverse("home")).content.decode()
    cards = html[html.index('data-testid="channel-group"') :]
    assert f'href="{reverse("account_login")}"' not in cards
    assert cards.count(f'href="{reverse("accounts:dashboard")}"') == 4


def test_the_console_button_is_offered_to_staff_and_to_visitors_not_to_other_signed_in_roles(client):
    """A signed-in applicant, contact, recommender or expert is refused the console (403): no button leads there."""
    from tests.factories.accounts import expert_user, staff_user, unit_contact

    console = f'href="{reverse("accounts:staff_dashboard")}"'
    login = f'href="{reverse("account_login")}"'
    anonymous = client.get(reverse("home")).content.decode()
    staff_card = anonymous[anonymous.index('data-testid="channel-staff"') :]
    assert login in staff_card
    assert console not in anonymous

    for user in (unit_contact(), expert_user(), UserFactory()):
        client.force_login(user)
        html = client.get(reverse("home")).content.decode()
        assert console not in html
        assert client.get(reverse("accounts:staff_dashboard")).status_code == 403

    client.force_login(staff_user())
    html = client.get(reverse("home")).content.decode()
    staff_card = html[html.index('data-testid="channel-staff"') :]
    assert console in staff_card
