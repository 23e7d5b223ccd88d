"""Programmes configured in the staff console: programme_create / programme_update and their pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards import services
from awards.enums import ApplicantKind, ProgrammeKind
from awards.models import Programme
from core.audit import action_label
from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from tests.factories.applications import draft_application
from tests.factories.awards import ProgrammeFactory, open_edition

from .test_list_queries import PROGRAMME_LIST_QUERIES, add_two_editions, queries_for

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

BENCHMARK = {
    "code": "qb",
    "name": "工业企业质量标杆",
    "kind": ProgrammeKind.BENCHMARK,
    "applicant_kind": ApplicantKind.UNIT,
    "description": "符合条件的工业企业申报。",
    "is_active": True,
}
LOCKED = (
    "The code cannot be changed: editions of this programme already have applications, and their numbers start with QC."
)


@pytest.fixture
def with_application(qc_programme):
    """The QC programme with an edition that has a (draft) application."""
    draft_application(edition=open_edition(programme=qc_programme), complete=False)
    return qc_programme


def form_data(**changes):
    data = {**BENCHMARK, **changes}
    return {k: ("on" if v is True else str(v)) for k, v in data.items() if v is not False}


def programme_data(programme, **changes):
    data = {field: getattr(programme, field) for field in services.PROGRAMME_FIELDS}
    return {**data, **changes}


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def programme_pages(programme):
    return [reverse("awards:programme_create"), reverse("awards:programme_edit", args=[programme.pk])]


# --- Services ------------------------------------------------------------------------------------------------------


def test_programme_create_stores_the_code_in_capitals_and_audits_every_field(staff):
    programme = services.programme_create(actor=staff, data=BENCHMARK)
    programme.refresh_from_db()
    assert (programme.code, programme.name, programme.kind, programme.applicant_kind, programme.is_active) == (
        "QB",
        "工业企业质量标杆",
        ProgrammeKind.BENCHMARK,
        ApplicantKind.UNIT,
        True,
    )
    entry = AuditEntry.objects.get(action="programme.created")
    assert (entry.actor, entry.object_id, entry.object_repr) == (staff, str(programme.pk), "工业企业质量标杆")
    assert entry.changes == {
        "code": [None, "QB"],
        "name": [None, "工业企业质量标杆"],
        "name_en": [None, ""],
        "kind": [None, "benchmark"],
        "applicant_kind": [None, "unit"],
        "description": [None, "符合条件的工业企业申报。"],
        "description_en": [None, ""],
        "is_active": [None, True],
    }


def test_programme_create_refuses_a_code_already_taken(staff):
    ProgrammeFactory(code="QB")
    with pytest.raises(ValidationError) as error:
        services.programme_create(actor=staff, data=BENCHMARK)
    assert error.value.message_dict == {"code": ["Programme with this Code already exists."]}
    assert Programme.objects.count() == 1
    assert not AuditEntry.objects.filter(action="programme.created").exists()


def test_programme_create_refuses_an_unknown_kind(staff):
    with pytest.raises(ValidationError) as error:
        services.programme_create(actor=staff, data={**BENCHMARK, "kind": "lottery"})
    assert error.value.message_dict == {"kind": ["Value 'lottery' is not a valid choice."]}
    assert not Programme.objects.exists()


def test_programme_update_audits_old_and_new_values(staff, qc_programme):
    services.programme_update(
        actor=staff,
        programme=qc_programme,
        data=programme_data(qc_programme, name="上海市QC小组活动成果", is_active=False),
    )
    qc_programme.refresh_from_db()
    assert (qc_programme.name, qc_programme.is_active) == ("上海市QC小组活动成果", False)
    entry = AuditEntry.objects.get(action="programme.updated")
    assert (entry.actor, entry.object_id) == (staff, str(qc_programme.pk))
    assert entry.changes == {"name": ["上海市质量管理小组活动成果", "上海市QC小组活动成果"], "is_active": [True, False]}


def test_programme_update_without_a_change_writes_nothing(staff, qc_programme):
    updated_at = qc_programme.updated_at
    services.programme_update(actor=staff, programme=qc_programme, data=programme_data(qc_programme, code="qc"))
    qc_programme.refresh_from_db()
    assert (qc_programme.code, qc_programme.updated_at) == ("QC", updated_at)
    assert not AuditEntry.objects.filter(action="programme.updated").exists()


def test_programme_update_changes_the_code_while_no_edition_has_applications(staff, qc_2020):
    services.programme_update(actor=staff, programme=qc_2020.programme, data={"code": "qcg"})
    assert Programme.objects.get(pk=qc_2020.programme_id).code == "QCG"
    assert AuditEntry.objects.get(action="programme.updated").changes == {"code": ["QC", "QCG"]}


def test_programme_update_refuses_a_new_code_once_an_edition_has_applications(staff, with_application):
    with pytest.raises(BusinessRuleError) as error:
        services.programme_update(
            actor=staff, programme=with_application, data=programme_data(with_application, code="QCG", name="新")
        )
    assert (error.value.code, error.value.message) == ("code_locked", LOCKED)
    programme = Programme.objects.get(pk=with_application.pk)
    assert (programme.code, programme.name) == ("QC", "上海市质量管理小组活动成果")
    assert not AuditEntry.objects.filter(action="programme.updated").exists()


def test_programme_update_refuses_a_new_kind_once_an_edition_has_applications(staff, with_application):
    with pytest.raises(BusinessRuleError) as error:
        services.programme_update(
            actor=staff, programme=with_application, data=programme_data(with_application, applicant_kind="unit")
        )
    assert (error.value.code, error.value.message) == (
        "kind_locked",
        "The kind and who applies cannot be changed: editions of this programme already have applications.",
    )
    assert Programme.objects.get(pk=with_application.pk).applicant_kind == "group"


def test_programme_update_keeps_the_locked_code_and_changes_the_rest(staff, with_application):
    services.programme_update(
        actor=staff, programme=with_application, data=programme_data(with_application, code="qc", description="QC成果")
    )
    assert Programme.objects.get(pk=with_application.pk).description == "QC成果"


def test_programme_audit_actions_have_readable_labels():
    assert [action_label("programme.created"), action_label("programme.updated")] == [
        "programme created",
        "programme changed",
    ]


# --- Who may open the pages ----------------------------------------------------------------------------------------


def test_programme_pages_are_forbidden_to_every_other_role(qc_programme, other_role_client):
    for url in programme_pages(qc_programme):
        assert other_role_client.get(url).status_code == 403, url
        assert other_role_client.post(url, form_data(code="ZZ")).status_code == 403, url
    assert list(Programme.objects.values_list("code", flat=True)) == ["QC"]
    assert not AuditEntry.objects.exists()


def test_programme_pages_send_anonymous_users_to_sign_in(qc_programme, client):
    for url in programme_pages(qc_programme):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, f"{reverse('account_login')}?next={url}")


def test_programme_pages_open_for_staff(qc_programme, staff_client):
    for url in programme_pages(qc_programme):
        response = staff_client.get(url)
        assert (response.status_code, response.context["staff_section"]) == (200, "awards")


def test_programme_edit_of_a_missing_programme_is_404(staff_client):
    assert staff_client.get(reverse("awards:programme_edit", args=[999999])).status_code == 404


# --- Creating ------------------------------------------------------------------------------------------------------


def test_programme_create_page_creates_the_programme(staff_client, staff):
    response = staff_client.post(reverse("awards:programme_create"), form_data(), follow=True)
    programme = Programme.objects.get()
    assert response.redirect_chain == [(reverse("awards:programme_list"), 302)]
    assert messages_of(response) == ["Programme “工业企业质量标杆” created. Add its first edition."]
    assert (programme.code, programme.kind, programme.applicant_kind) == ("QB", "benchmark", "unit")
    assert 'data-testid="programme-QB"' in response.content.decode()
    assert AuditEntry.objects.get(action="programme.created").actor == staff


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"code": "qc"}, {"code": ["Another programme already uses the code QC."]}),
        ({"code": "Q-B"}, {"code": ["Use letters and digits only, e.g. QC: the code starts numbers."]}),
        ({"code": "QB12345678X"}, {"code": ["Ensure this value has at most 10 characters (it has 11)."]}),
        ({"code": "", "name": ""}, {"code": ["This field is required."], "name": ["This field is required."]}),
        ({"kind": "lottery"}, {"kind": ["Select a valid choice. lottery is not one of the available choices."]}),
    ],
)
def test_programme_create_page_refuses_invalid_input(staff_client, qc_programme, changes, errors):
    response = staff_client.post(reverse("awards:programme_create"), form_data(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert list(Programme.objects.values_list("code", flat=True)) == ["QC"]


def test_programme_create_page_marks_the_invalid_field(staff_client, qc_programme):
    html = staff_client.post(reverse("awards:programme_create"), form_data(code="qc")).content.decode()
    assert 'class="form-control form-control-sm is-invalid textinput" required aria-invalid="true"' in html
    assert "Another programme already uses the code QC." in html


# --- Editing -------------------------------------------------------------------------------------------------------


def test_programme_edit_page_shows_the_stored_values(staff_client, qc_programme):
    response = staff_client.get(reverse("awards:programme_edit", args=[qc_programme.pk]))
    form = response.context["form"]
    assert [form[name].value() for name in ("code", "name", "kind", "applicant_kind", "is_active")] == [
        "QC",
        "上海市质量管理小组活动成果",
        "qc_achievement",
        "group",
        True,
    ]
    assert '<h1 class="h3">Edit 上海市质量管理小组活动成果</h1>' in response.content.decode()
    assert form.fields["code"].help_text == "Prefix of application numbers, e.g. QC gives QC-2026-0001."


def test_programme_edit_page_saves_the_changes(staff_client, staff, qc_programme):
    response = staff_client.post(
        reverse("awards:programme_edit", args=[qc_programme.pk]),
        form_data(
            code="QC", name="上海市QC小组活动成果", kind="qc_achievement", applicant_kind="group", description=""
        ),
        follow=True,
    )
    assert response.redirect_chain == [(reverse("awards:programme_list"), 302)]
    assert messages_of(response) == ["Programme “上海市QC小组活动成果” saved."]
    qc_programme.refresh_from_db()
    assert (qc_programme.name, qc_programme.description) == ("上海市QC小组活动成果", "")
    entry = AuditEntry.objects.get(action="programme.updated")
    assert (entry.actor, entry.changes) == (staff, {"name": ["上海市质量管理小组活动成果", "上海市QC小组活动成果"]})


def test_programme_edit_page_may_keep_its_own_code(staff_client, qc_programme):
    response = staff_client.post(
        reverse("awards:programme_edit", args=[qc_programme.pk]),
        form_data(code="qc", name=qc_programme.name, kind="qc_achievement", applicant_kind="group"),
    )
    assert response.status_code == 302


def test_programme_edit_page_explains_and_refuses_a_locked_code(staff_client, with_application):
    url = reverse("awards:programme_edit", args=[with_application.pk])
    assert staff_client.get(url).context["form"].fields["code"].help_text == (
        "Fixed: editions of this programme already have applications, and their numbers start with it."
    )
    response = staff_client.post(
        url, form_data(code="QCG", name="新名称", kind="qc_achievement", applicant_kind="group")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": [LOCKED]}
    html = response.content.decode()
    assert LOCKED in html
    assert '<h1 class="h3">Edit 上海市质量管理小组活动成果</h1>' in html
    programme = Programme.objects.get(pk=with_application.pk)
    assert (programme.code, programme.name) == ("QC", "上海市质量管理小组活动成果")


# --- The programme list --------------------------------------------------------------------------------------------


def test_programme_list_links_to_new_and_edit_pages(staff_client, qc_programme):
    other = ProgrammeFactory(kind=ProgrammeKind.TACKLING, code="IQ")
    html = staff_client.get(reverse("awards:programme_list")).content.decode()
    assert f'href="{reverse("awards:programme_create")}"' in html
    for programme in (qc_programme, other):
        card = html[html.index(f'data-testid="programme-{programme.code}"') :]
        assert card.index(f'href="{reverse("awards:programme_edit", args=[programme.pk])}"') < card.index("</table>")


def test_programme_list_queries_unchanged_by_the_links(qc_2020, staff_client):
    url = reverse("awards:programme_list")
    assert queries_for(staff_client, url) == PROGRAMME_LIST_QUERIES
    add_two_editions(qc_2020)
    assert queries_for(staff_client, url) == PROGRAMME_LIST_QUERIES
