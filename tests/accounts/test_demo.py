"""The accounts demo seeder: complete, valid, idempotent, and its logins work."""

import io

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts import demo
from accounts.enums import ApprovalStatus, RecommenderKind, Role
from accounts.models import Expert, GroupMember, Membership, QCGroup, Recommender, Unit, User
from accounts.validators import MOBILE_RE, validate_credit_code
from core.seeding import DEMO_PASSWORD

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, inside a transaction rolled back at its end; each test's own transaction nests
    in it as a savepoint (what TestCase.setUpTestData does)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo.seed(stdout=io.StringIO())
        transaction.set_rollback(True)


def snapshot() -> dict:
    """Every row the seeder writes, with every column, so a rerun that touches anything shows up."""
    return {
        model.__name__: sorted(model.objects.values_list(), key=repr)
        for model in (User, Recommender, Unit, QCGroup, GroupMember, Expert, Membership)
    }


def sign_in(login: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": login, "password": DEMO_PASSWORD})
    assert response.status_code == 302, login
    assert client.session.get(SESSION_KEY)
    return client


def test_demo_seed_returns_the_demo_logins(seeded):
    assert [login for login, _ in seeded] == [
        "staff@demo.saq.test",
        "group@demo.saq.test",
        "unit@demo.saq.test",
        "recommender@demo.saq.test",
        "expert@demo.saq.test",
    ]
    assert all(" / " in description for _, description in seeded)  # Chinese / English


def test_demo_seed_twice_changes_nothing(seeded):
    before = snapshot()

    second = demo.seed(stdout=io.StringIO())

    assert second == seeded
    assert snapshot() == before


def test_demo_seed_is_the_same_world_every_time():
    assert demo.build_world() == demo.build_world()


def test_demo_seed_command_prints_logins(monkeypatch):
    # Only this app's seeder: the other apps' seeders are their tests' business (and slower).
    monkeypatch.setattr("core.management.commands.seed_demo.seeders", lambda: [("accounts", demo.seed)])
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert "staff@demo.saq.test" in out.getvalue()
    assert f"password for all: {DEMO_PASSWORD}" in out.getvalue()


def test_demo_seed_sizes(seeded):
    assert Recommender.objects.filter(kind=RecommenderKind.DISTRICT).count() == 16
    assert Recommender.objects.filter(kind=RecommenderKind.INDUSTRY).count() == 4
    assert Recommender.objects.filter(kind=RecommenderKind.GROUP_COMPANY).count() == 3
    assert Unit.objects.count() == 150
    assert QCGroup.objects.count() == 400
    assert Expert.objects.count() == 40
    assert Membership.objects.filter(role=Role.EXPERT).count() == 40
    sizes = {g.members.count() for g in QCGroup.objects.prefetch_related("members")}
    assert min(sizes) >= 3 and max(sizes) <= 10


def test_demo_seed_statuses(seeded):
    approved_units = Unit.objects.filter(status=ApprovalStatus.APPROVED).count()
    pending_units = Unit.objects.filter(status=ApprovalStatus.PENDING).count()
    approved_groups = QCGroup.objects.filter(status=ApprovalStatus.APPROVED).count()
    pending_groups = QCGroup.objects.filter(status=ApprovalStatus.PENDING).count()
    assert approved_units > 120 and 3 <= pending_units <= 20
    assert approved_groups > 320 and pending_groups >= 10
    direct = Unit.objects.filter(recommender=None)
    assert direct.count() == 4
    assert all(u.is_member and u.applies_directly for u in direct)
    assert direct.filter(direct_confirmed=True).count() == 1
    # No group is approved under a unit that is not.
    assert not QCGroup.objects.filter(status=ApprovalStatus.APPROVED).exclude(unit__status=ApprovalStatus.APPROVED)


def test_demo_seed_data_is_valid(seeded):
    for unit in Unit.objects.all():
        validate_credit_code(unit.credit_code)
        assert unit.credit_code.startswith("91310")
    mobiles = list(User.objects.exclude(mobile=None).values_list("mobile", flat=True))
    assert len(mobiles) == len(set(mobiles)) == User.objects.count()
    assert all(MOBILE_RE.match(m) for m in mobiles)
    for model in (User, Recommender, Unit, QCGroup, GroupMember, Expert):
        for obj in model.objects.all()[:50]:
            obj.full_clean(exclude=["password"] if model is User else None)
    unique_names = QCGroup.objects.values("unit", "name").distinct().count()
    assert unique_names == QCGroup.objects.count()


def test_demo_district_recommenders_are_the_16_districts(seeded):
    names = set(Recommender.objects.filter(kind=RecommenderKind.DISTRICT).values_list("name", flat=True))

    assert names == {f"{district}市场监督管理局" for district, _ in demo.DISTRICTS}
    assert "浦东新区市场监督管理局" in names and "崇明区市场监督管理局" in names


def test_demo_featured_group_and_unit(seeded):
    leader = User.objects.get(email="group@demo.saq.test")
    group = QCGroup.objects.get(leader=leader)
    unit = group.unit

    assert (group.status, group.members.count()) == (ApprovalStatus.APPROVED, 6)
    assert (unit.status, unit.recommender.name) == (ApprovalStatus.APPROVED, "浦东新区市场监督管理局")
    assert unit.groups.filter(status=ApprovalStatus.PENDING).exists()
    assert unit.recommender.units.filter(status=ApprovalStatus.PENDING).exists()
    contact = User.objects.get(email="unit@demo.saq.test")
    assert sorted(contact.memberships.values_list("role", flat=True)) == [Role.EXPERT, Role.UNIT]
    assert contact.memberships.get(role=Role.UNIT).unit == unit
    assert Expert.objects.filter(user=contact).exists()
    member = User.objects.get(email="recommender@demo.saq.test")
    assert member.memberships.get().recommender == unit.recommender


def test_demo_staff_is_django_admin(seeded):
    staff = User.objects.get(email="staff@demo.saq.test")

    assert (staff.is_staff, staff.is_superuser) == (True, True)
    assert list(staff.memberships.values_list("role", flat=True)) == [Role.STAFF]
    assert sign_in("staff@demo.saq.test").get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("login", "target"),
    [
        ("staff@demo.saq.test", lambda: reverse("accounts:staff_dashboard")),
        ("group@demo.saq.test", lambda: reverse("accounts:group_dashboard", args=[_group_pk()])),
        # A unit contact who is also an expert lands on the unit's work first.
        ("unit@demo.saq.test", lambda: reverse("accounts:unit_dashboard", args=[_demo_unit_pk()])),
        ("recommender@demo.saq.test", lambda: reverse("accounts:recommender_dashboard", args=[_pudong_pk()])),
        ("expert@demo.saq.test", lambda: reverse("accounts:expert_dashboard")),
    ],
)
def test_demo_login_works_and_lands_on_dashboard(seeded, login, target):
    client = sign_in(login)

    response = client.get(reverse("accounts:dashboard"))

    assert response["Location"] == target()
    assert client.get(response["Location"]).status_code == 200


def test_demo_login_by_mobile(seeded):
    sign_in(User.objects.get(email="group@demo.saq.test").mobile)


def test_demo_other_seeded_user_signs_in_with_demo_password(seeded):
    sign_in(Membership.objects.filter(role=Role.GROUP).exclude(user__email__startswith="group@").first().user.email)


def test_demo_approval_queues_are_not_empty(seeded):
    contact = sign_in("unit@demo.saq.test")
    unit = User.objects.get(email="unit@demo.saq.test").memberships.get(role=Role.UNIT).unit
    page = contact.get(reverse("accounts:unit_dashboard", args=[unit.pk]))
    recommender = sign_in("recommender@demo.saq.test")
    units_page = recommender.get(reverse("accounts:recommender_dashboard", args=[_pudong_pk()]))

    assert any(g.status == ApprovalStatus.PENDING for g in page.context["groups"])
    assert any(u.status == ApprovalStatus.PENDING for u in units_page.context["units"])


def test_demo_seed_repairs_a_changed_demo_password(seeded):
    staff = User.objects.get(email="staff@demo.saq.test")
    staff.set_password("something-else-2026")
    staff.save()

    demo.seed(stdout=io.StringIO())

    staff.refresh_from_db()
    assert staff.check_password(DEMO_PASSWORD)


def _group_pk():
    return QCGroup.objects.get(leader__email="group@demo.saq.test").pk


def _demo_unit_pk():
    return QCGroup.objects.get(leader__email="group@demo.saq.test").unit_id


def _pudong_pk():
    return Recommender.objects.get(name="浦东新区市场监督管理局").pk
