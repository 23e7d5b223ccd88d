"""The fields of an edition's activity statistics (活动统计表): edition_statistics_fields_save and its page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards import defaults, services
from awards.models import Edition
from core.audit import action_label
from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from recommenders.models import Dossier
from tests.factories import RecommenderFactory

from .formsets import formset_data

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

DEFAULT_CODES = [code for code, _label, _kind in defaults.STATISTICS_FIELDS]
REPORTED = (
    "Not saved: recommending organisations have already reported figures for “直接效益（万元）” (direct_benefit). "
    "Keep these fields and their codes; you may still change their labels."
)


def reported(edition, **figures):
    """A recommender's dossier of the edition with these figures saved."""
    return Dossier.objects.create(recommender=RecommenderFactory(), edition=edition, statistics=figures)


def stored(edition):
    return Edition.objects.get(pk=edition.pk).statistics_fields


def without(fields, code):
    return [field for field in fields if field["code"] != code]


def url_of(edition):
    return reverse("awards:edition_statistics", args=[edition.pk])


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def row_of(formset, code) -> int:
    return next(i for i, form in enumerate(formset.forms) if form.initial.get("code") == code)


def extra_row(formset) -> int:
    return next(i for i, form in enumerate(formset.forms) if not form.initial)


# --- The service ---------------------------------------------------------------------------------------------------


def test_statistics_fields_save_replaces_the_list_and_audits_old_and_new(qc_2020, staff):
    new = [
        {"code": "participants", "label": "参加活动人数（人）", "kind": "int"},
        {"code": "benefit", "label": "直接效益（万元）", "kind": "decimal"},
    ]
    services.edition_statistics_fields_save(actor=staff, edition=qc_2020, fields=new)
    assert stored(qc_2020) == new
    entry = AuditEntry.objects.get(action="edition.statistics_fields_changed")
    assert (entry.actor, entry.object_id) == (staff, str(qc_2020.pk))
    assert entry.changes == {
        "employees": ["企业职工总数 (int)", None],
        "groups_registered_total": ["历年注册QC小组累计数 (int)", None],
        "groups_registered_year": ["本年度注册QC小组数 (int)", None],
        "groups_active_year": ["本年度开展活动小组数 (int)", None],
        "achievements_year": ["当年取得成果数 (int)", None],
        "direct_benefit": ["直接效益（万元） (decimal)", None],
        "participants": ["参加活动人数 (int)", "参加活动人数（人） (int)"],
        "trained": ["参加培训人数 (int)", None],
        "suggestions": ["合理化建议数 (int)", None],
        "promoters": ["具有中国质协QC小组活动推进者资格人数 (int)", None],
        "benefit": [None, "直接效益（万元） (decimal)"],
    }


def test_statistics_fields_save_trims_the_values(qc_2020, staff):
    services.edition_statistics_fields_save(
        actor=staff, edition=qc_2020, fields=[{"code": " trained ", "label": " 参加培训人数 ", "kind": "int"}]
    )
    assert stored(qc_2020) == [{"code": "trained", "label": "参加培训人数", "kind": "int"}]


def test_statistics_fields_save_without_a_change_writes_nothing(qc_2020, staff):
    services.edition_statistics_fields_save(actor=staff, edition=qc_2020, fields=defaults.statistics_fields())
    assert not AuditEntry.objects.filter(action="edition.statistics_fields_changed").exists()


def test_statistics_fields_save_refuses_a_repeated_code(qc_2020, staff):
    fields = defaults.statistics_fields() + [{"code": "trained", "label": "培训人次", "kind": "int"}]
    with pytest.raises(BusinessRuleError) as error:
        services.edition_statistics_fields_save(actor=staff, edition=qc_2020, fields=fields)
    assert (error.value.code, error.value.message) == (
        "statistics_fields",
        "Each code may be used only once: trained is repeated.",
    )
    assert stored(qc_2020) == defaults.statistics_fields()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (
            {"code": "units", "label": "单位数", "kind": "text"},
            "“单位数”: the kind must be a whole number or a decimal.",
        ),
        ({"code": "units", "label": " ", "kind": "int"}, "Each field needs a label."),
    ],
)
def test_statistics_fields_save_refuses_a_wrong_field(qc_2020, staff, field, message):
    with pytest.raises(BusinessRuleError) as error:
        services.edition_statistics_fields_save(actor=staff, edition=qc_2020, fields=[field])
    assert error.value.message == message
    assert stored(qc_2020) == defaults.statistics_fields()


def test_statistics_fields_save_refuses_a_code_that_is_not_a_slug(qc_2020, staff):
    with pytest.raises(ValidationError) as error:
        services.edition_statistics_fields_save(
            actor=staff, edition=qc_2020, fields=[{"code": "单位 数", "label": "单位数", "kind": "int"}]
        )
    assert error.value.messages == ["Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."]


def test_statistics_fields_save_refuses_removing_a_code_with_reported_figures(qc_2020, staff):
    reported(qc_2020, direct_benefit="12.5", trained=40)
    with pytest.raises(BusinessRuleError) as error:
        services.edition_statistics_fields_save(
            actor=staff, edition=qc_2020, fields=without(defaults.statistics_fields(), "direct_benefit")
        )
    assert (error.value.code, error.value.message) == ("statistics_reported", REPORTED)
    assert stored(qc_2020) == defaults.statistics_fields()
    assert not AuditEntry.objects.filter(action="edition.statistics_fields_changed").exists()


def test_statistics_fields_save_refuses_renaming_a_code_with_reported_figures(qc_2020, staff):
    reported(qc_2020, direct_benefit="12.5")
    fields = [
        {**field, "code": "benefit"} if field["code"] == "direct_benefit" else field
        for field in defaults.statistics_fields()
    ]
    with pytest.raises(BusinessRuleError) as error:
        services.edition_statistics_fields_save(actor=staff, edition=qc_2020, fields=fields)
    assert error.value.message == REPORTED


def test_statistics_fields_save_relabels_and_adds_fields_with_reported_figures(qc_2020, staff):
    reported(qc_2020, direct_benefit="12.5")
    fields = [
        {**field, "label": "直接经济效益（万元）"} if field["code"] == "direct_benefit" else field
        for field in defaults.statistics_fields()
    ] + [{"code": "cases_shared", "label": "在线分享案例数", "kind": "int"}]
    services.edition_statistics_fields_save(actor=staff, edition=qc_2020, fields=fields)
    assert stored(qc_2020) == fields


def test_statistics_fields_save_removes_codes_nobody_reported(qc_2020, staff):
    reported(qc_2020, direct_benefit="12.5")
    Dossier.objects.create(recommender=RecommenderFactory(), edition=qc_2020)  # nothing saved yet
    other = services.edition_copy(actor=None, source=qc_2020, year=2021)
    reported(other, promoters=3)  # another edition's figures do not count
    services.edition_statistics_fields_save(
        actor=staff, edition=qc_2020, fields=without(defaults.statistics_fields(), "promoters")
    )
    assert [field["code"] for field in stored(qc_2020)] == [c for c in DEFAULT_CODES if c != "promoters"]


def test_statistics_fields_audit_action_has_a_readable_label():
    assert action_label("edition.statistics_fields_changed") == "activity statistics fields changed"


# --- Who may open the page -----------------------------------------------------------------------------------------


def test_statistics_page_is_forbidden_to_every_other_role(qc_2020, other_role_client):
    data = {"statistics-TOTAL_FORMS": "0", "statistics-INITIAL_FORMS": "0"}
    assert other_role_client.get(url_of(qc_2020)).status_code == 403
    assert other_role_client.post(url_of(qc_2020), data).status_code == 403
    assert stored(qc_2020) == defaults.statistics_fields()


def test_statistics_page_sends_anonymous_users_to_sign_in(qc_2020, client):
    response = client.get(url_of(qc_2020))
    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('account_login')}?next={url_of(qc_2020)}",
    )


def test_statistics_page_of_a_missing_edition_is_404(staff_client):
    assert staff_client.get(reverse("awards:edition_statistics", args=[999999])).status_code == 404


# --- The page ------------------------------------------------------------------------------------------------------


def test_statistics_page_shows_one_row_per_field_and_marks_reported_ones(qc_2020, staff_client):
    reported(qc_2020, trained=40)
    response = staff_client.get(url_of(qc_2020))
    formset = response.context["formset"]
    assert (response.status_code, response.context["staff_section"], response.context["tab"]) == (
        200,
        "awards",
        "statistics",
    )
    assert [form.initial["code"] for form in formset.initial_forms] == DEFAULT_CODES
    assert len(formset.extra_forms) == 2
    html = response.content.decode()
    assert html.count('data-testid="reported"') == 1
    trained = html[html.index('<tr data-row="trained"') :]
    assert trained.index('data-testid="reported"') < trained.index("</tr>")
    assert 'value="直接效益（万元）"' in html
    assert '<option value="decimal" selected>Decimal</option>' in html
    assert html.count('<tr data-row="new" class="table-light">') == 2
    assert f'<a class="nav-link active" href="{url_of(qc_2020)}">Activity statistics</a>' in html  # the edition's tab


def test_statistics_page_saves_relabelled_added_deleted_and_reordered_fields(qc_2020, staff_client, staff):
    formset = staff_client.get(url_of(qc_2020)).context["formset"]
    data = formset_data(formset)
    data[f"statistics-{row_of(formset, 'participants')}-label"] = "参加活动人数（人）"
    data[f"statistics-{row_of(formset, 'participants')}-ORDER"] = "0"
    data[f"statistics-{row_of(formset, 'promoters')}-DELETE"] = "on"
    new = extra_row(formset)
    data.update(
        {
            f"statistics-{new}-code": "investment",
            f"statistics-{new}-label": "活动投入（万元）",
            f"statistics-{new}-kind": "decimal",
        }
    )
    response = staff_client.post(url_of(qc_2020), data, follow=True)
    assert response.redirect_chain == [(url_of(qc_2020), 302)]
    assert messages_of(response) == ["Activity statistics fields saved."]
    fields = stored(qc_2020)
    assert [field["code"] for field in fields] == [
        "participants",
        "employees",
        "groups_registered_total",
        "groups_registered_year",
        "groups_active_year",
        "achievements_year",
        "direct_benefit",
        "trained",
        "suggestions",
        "investment",
    ]
    assert fields[0] == {"code": "participants", "label": "参加活动人数（人）", "kind": "int"}
    assert fields[-1] == {"code": "investment", "label": "活动投入（万元）", "kind": "decimal"}
    entry = AuditEntry.objects.get(action="edition.statistics_fields_changed")
    assert (entry.actor, entry.changes) == (
        staff,
        {
            "participants": ["参加活动人数 (int)", "参加活动人数（人） (int)"],
            "promoters": ["具有中国质协QC小组活动推进者资格人数 (int)", None],
            "investment": [None, "活动投入（万元） (decimal)"],
            "(order)": [DEFAULT_CODES, [field["code"] for field in fields]],
        },
    )


def test_statistics_page_unchanged_writes_nothing(qc_2020, staff_client):
    formset = staff_client.get(url_of(qc_2020)).context["formset"]
    response = staff_client.post(url_of(qc_2020), formset_data(formset))
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="edition.statistics_fields_changed").exists()


def test_statistics_page_refuses_a_repeated_code(qc_2020, staff_client):
    formset = staff_client.get(url_of(qc_2020)).context["formset"]
    data = formset_data(formset)
    new = extra_row(formset)
    data.update({f"statistics-{new}-code": "trained", f"statistics-{new}-label": "培训人次"})
    data[f"statistics-{new}-kind"] = "int"
    response = staff_client.post(url_of(qc_2020), data)
    assert response.status_code == 200
    posted = response.context["formset"]
    assert posted.non_form_errors() == ["Each code may be used only once: trained is repeated."]
    assert posted.forms[new].errors == {"code": ["This code is used by another row."]}
    assert posted.forms[row_of(formset, "trained")].errors == {"code": ["This code is used by another row."]}
    html = response.content.decode()
    assert html.count("This code is used by another row.") == 2
    assert (
        f'name="statistics-{new}-code" value="trained" maxlength="40" class="form-control form-control-sm is-invalid"'
        in html
    )
    assert stored(qc_2020) == defaults.statistics_fields()


@pytest.mark.parametrize(
    ("row", "errors"),
    [
        (
            {"code": "单位 数", "label": "单位数", "kind": "int"},
            {"code": ["Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."]},
        ),
        ({"code": "units", "label": "", "kind": "int"}, {"label": ["This field is required."]}),
        (
            {"code": "units", "label": "单位数", "kind": "text"},
            {"kind": ["Select a valid choice. text is not one of the available choices."]},
        ),
    ],
)
def test_statistics_page_refuses_an_invalid_row(qc_2020, staff_client, row, errors):
    formset = staff_client.get(url_of(qc_2020)).context["formset"]
    data = formset_data(formset)
    new = extra_row(formset)
    data.update({f"statistics-{new}-{name}": value for name, value in row.items()})
    response = staff_client.post(url_of(qc_2020), data)
    assert response.context["formset"].forms[new].errors == errors
    assert stored(qc_2020) == defaults.statistics_fields()


def test_statistics_page_skips_empty_new_rows(qc_2020, staff_client):
    formset = staff_client.get(url_of(qc_2020)).context["formset"]
    data = formset_data(formset)
    data[f"statistics-{row_of(formset, 'trained')}-label"] = "参加培训人次"
    assert staff_client.post(url_of(qc_2020), data).status_code == 302
    assert len(stored(qc_2020)) == len(DEFAULT_CODES)


def test_statistics_page_refuses_deleting_a_field_with_reported_figures(qc_2020, staff_client):
    reported(qc_2020, direct_benefit="12.5")
    formset = staff_client.get(url_of(qc_2020)).context["formset"]
    data = formset_data(formset)
    data[f"statistics-{row_of(formset, 'direct_benefit')}-DELETE"] = "on"
    data[f"statistics-{row_of(formset, 'trained')}-label"] = "参加培训人次"
    response = staff_client.post(url_of(qc_2020), data)
    assert response.status_code == 200
    assert messages_of(response) == [REPORTED]
    # Nothing of the submission was saved.
    assert stored(qc_2020) == defaults.statistics_fields()
    assert not AuditEntry.objects.filter(action="edition.statistics_fields_changed").exists()


def test_edition_detail_links_the_statistics_page(qc_2020, staff_client):
    html = staff_client.get(reverse("awards:edition_detail", args=[qc_2020.pk])).content.decode()
    card = html[html.index('data-testid="statistics"') :]
    assert card.index(f'<a class="btn btn-outline-primary btn-sm" href="{url_of(qc_2020)}">Edit</a>') < card.index(
        "</ol>"
    )
    assert f'<a class="nav-link" href="{url_of(qc_2020)}">Activity statistics</a>' in html
