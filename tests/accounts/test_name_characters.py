"""Names typed into forms become file names and certificates: invisible bidi and control characters are refused."""

import pytest

from accounts.forms import ExpertInviteForm, GroupForm, GroupMemberForm, RecommenderForm, UnitForm

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

MESSAGE = (
    "This name contains invisible control characters (such as text-direction marks), often copied along with the "
    "text. Type the name again without them."
)


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (UnitForm, "name"),
        (UnitForm, "contact_name"),
        (GroupForm, "name"),
        (GroupMemberForm, "name"),
        (RecommenderForm, "name"),
        (RecommenderForm, "contact_name"),
        (ExpertInviteForm, "organisation_name"),
        (ExpertInviteForm, "full_name"),
    ],
)
@pytest.mark.parametrize("hidden", ["\u202e", "\u2066", "\u200f", "\u061c", "\u200b", "\x07"])
def test_names_with_invisible_characters_are_refused(form_class, field, hidden):
    form = form_class(data={field: f"上海华瑞{hidden}精密机械有限公司"})

    assert form.errors[field] == [MESSAGE]


@pytest.mark.parametrize(
    ("form_class", "field"),
    [(UnitForm, "name"), (GroupForm, "name"), (GroupMemberForm, "name"), (RecommenderForm, "name")],
)
def test_plain_chinese_names_pass(form_class, field):
    form = form_class(data={field: "上海华瑞精密机械有限公司 (浦东) QC-1 小组"})
    form.is_valid()

    assert field not in form.errors
