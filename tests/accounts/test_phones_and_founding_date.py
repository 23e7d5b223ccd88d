"""Phone numbers are mainland mobile numbers or landlines with their area code, wherever they are entered; a QC
group cannot have been founded in the future."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.forms import GroupForm, GroupMemberFormSet, RecommenderForm, UnitForm
from accounts.models import GroupMember, QCGroup, Unit
from accounts.validators import validate_not_future, validate_phone
from tests.accounts.conftest import client_for
from tests.factories import UserFactory, group_leader
from tests.factories.applications import eligible_group

from .test_registration import group_data, unit_data

PHONE_MESSAGE = (
    "Enter a mainland mobile number such as 13812345678, or a landline with its area code such as 021-62345678 "
    "(an extension may follow: 021-62345678-123 or 021-62345678转123)."
)
FUTURE_MESSAGE = "This date is in the future; give a date up to today (%s)."


@pytest.mark.unit
@pytest.mark.parametrize(
    "phone",
    [
        "13812345678",
        "19912345678",
        "021-62345678",
        "021 62345678",
        "02162345678",
        "0571-8765432",
        "0755-12345678-123",
        "021-62345678转8001",
        "(021)62345678",
        "（0512）65432100",
    ],
)
def test_validate_phone_accepts_mobiles_and_landlines(phone):
    assert validate_phone(phone) is None


@pytest.mark.unit
@pytest.mark.parametrize(
    "phone",
    [
        "abc",
        "xyz",
        "12812345678",
        "1381234567",
        "138123456789",
        "62345678",
        "021-123456",
        "21-62345678",
        "021-62345678-",
    ],
)
def test_validate_phone_refuses_anything_else_with_examples(phone):
    with pytest.raises(ValidationError) as error:
        validate_phone(phone)
    assert error.value.messages == [PHONE_MESSAGE]


@pytest.mark.unit
def test_validate_not_future_allows_today_and_refuses_tomorrow():
    today = timezone.localdate()
    assert validate_not_future(today) is None
    with pytest.raises(ValidationError) as error:
        validate_not_future(today + datetime.timedelta(days=1))
    assert error.value.messages == [FUTURE_MESSAGE % f"{today:%Y-%m-%d}"]


@pytest.mark.django_db
@pytest.mark.unit
class TestForms:
    def test_unit_registration_refuses_a_contact_phone_that_is_not_one(self, recommender):
        response = client_for(UserFactory()).post(
            reverse("accounts:register_unit"), unit_data(recommender, contact_phone="abc")
        )
        assert response.context["form"].errors["contact_phone"] == [PHONE_MESSAGE]
        assert not Unit.objects.filter(name="上海浦联汽车零部件有限公司").exists()

    def test_unit_form_accepts_a_landline_with_extension(self, recommender):
        form = UnitForm(data=unit_data(recommender, contact_phone="021-58881234转12"))
        assert form.is_valid(), form.errors

    def test_group_registration_refuses_a_founding_date_in_the_future(self, unit):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        response = client_for(UserFactory()).post(
            reverse("accounts:register_group"), group_data(unit, **{"group-founded_on": tomorrow.isoformat()})
        )
        assert response.context["group_form"].errors["founded_on"] == [
            FUTURE_MESSAGE % f"{timezone.localdate():%Y-%m-%d}"
        ]
        assert not QCGroup.objects.filter(name="攻坚克难QC小组").exists()

    def test_the_group_form_offers_no_later_day_than_today(self):
        html = str(GroupForm()["founded_on"])
        assert f'max="{timezone.localdate().isoformat()}"' in html

    def test_a_members_phone_must_be_a_phone(self):
        group = eligible_group(members=0)
        data = {
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "30",
            "members-0-name": "王五",
            "members-0-phone": "xyz",
        }
        formset = GroupMemberFormSet(data, instance=group, prefix="members")
        assert not formset.is_valid()
        assert formset.forms[0].errors["phone"] == [PHONE_MESSAGE]

        data["members-0-phone"] = "13912345678"
        formset = GroupMemberFormSet(data, instance=group, prefix="members")
        assert formset.is_valid(), formset.errors

    def test_the_members_page_refuses_a_bad_phone(self):
        group = eligible_group(members=0)
        leader = group_leader(group) if not group.leader_id else group.leader
        data = {
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "30",
            "members-0-name": "王五",
            "members-0-phone": "xyz",
        }
        response = client_for(leader).post(reverse("accounts:group_members", args=[group.pk]), data)
        assert PHONE_MESSAGE in response.content.decode().replace("&#x27;", "'")
        assert not GroupMember.objects.filter(group=group).exists()

    def test_a_recommenders_contact_phone_must_be_a_phone(self):
        form = RecommenderForm(
            data={
                "name": "浦东新区市场监管局",
                "kind": "district",
                "contact_name": "赵主任",
                "contact_phone": "abc",
                "contact_email": "zhao@example.test",
            }
        )
        assert not form.is_valid()
        assert form.errors["contact_phone"] == [PHONE_MESSAGE]
