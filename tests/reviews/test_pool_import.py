"""Importing the expert pool from Excel: template, preview with per-row errors, confirmation (reviews/pool_import.py
and its pages)."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from awards.models import Category
from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from reviews import pool_import
from reviews.models import PoolEntry
from tests.factories import UnitFactory, UserFactory, staff_user
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


def good_row(n=1, **overrides):
    return {
        "full_name": f"专家{n}",
        "email": f"expert{n}@example.test",
        "mobile": None,
        "organisation_name": "上海质量研究院",
        "title": "高级工程师",
        "categories": "problem_solving",
        "fields": "质量管理",
        "employer": None,
        "max_load": 10,
        "available_from": "2026-03-01",
        "available_until": "2026-06-30",
    } | overrides


def upload(client, programme, data, name="experts.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("reviews:pool_import", args=[programme.pk]), {"file": file})


def confirm(client, programme):
    return client.post(reverse("reviews:pool_import_confirm", args=[programme.pk]))


def errors_by_row(response):
    return {row.row: row.errors for row in response.context["rows"]}


def test_preview_reports_each_kind_of_row_error_and_saves_nothing(staff, programme):
    unit = UnitFactory(name="上海好单位有限公司")
    pending = UnitFactory(status="pending")
    already = pool_expert(programme, email="in.pool@example.test")
    UserFactory(mobile="13900009999", email="someone@example.test")
    rows = [
        good_row(1, employer=unit.credit_code, categories="problem_solving, 创新型"),  # row 2: fine
        good_row(2, full_name=None),  # 3: name missing
        good_row(3, email=None),  # 4: email missing
        good_row(4, email="not-an-email"),  # 5: bad email
        good_row(5, categories="problem_solving，火星型"),  # 6: unknown category (by name)
        good_row(6, employer="91310000000000000X"),  # 7: unknown unit
        good_row(7, employer=pending.credit_code),  # 8: unit not approved
        good_row(8, available_from="明年"),  # 9: bad date
        good_row(9, max_load=0),  # 10: load not positive
        good_row(10, max_load="2.5"),  # 11: load not whole
        good_row(11, email="expert1@example.test"),  # 12: duplicate of row 2
        good_row(12, email="IN.POOL@example.test", employer=unit.name),  # 13: already in pool → will update
        good_row(13, available_from="2026-07-01"),  # 14: from after until
        good_row(14, mobile="12345"),  # 15: bad mobile
        good_row(15, mobile="13900009999"),  # 16: mobile of another account
    ]
    client = client_for(staff)
    before_users = User.objects.count()
    response = upload(client, programme, pool_xlsx(rows))
    assert response.status_code == 200
    errors = errors_by_row(response)
    assert errors[2] == [] and errors[13] == []
    expectations = {
        3: "name is missing",
        4: "email is missing",
        5: "not a valid email",
        6: "Unknown category “火星型”",
        7: "No approved unit",
        8: "No approved unit",
        9: "not a date",
        10: "not a whole number",
        11: "not a whole number",
        12: "also in row 2",
        14: "must not be after",
        15: "11-digit",
        16: "belongs to another account",
    }
    for row, text in expectations.items():
        assert len(errors[row]) == 1 and text in errors[row][0], (row, errors[row])
    actions = {row.row: row.action for row in response.context["rows"]}
    assert actions[2] == "add" and actions[13] == "update"
    assert response.context["counts"] == {"added": 1, "updated": 1, "errors": 13}
    html = response.content.decode()
    assert "will update" in html and "火星型" in html
    # Nothing saved.
    assert PoolEntry.objects.count() == 1
    assert User.objects.count() == before_users
    assert not AuditEntry.objects.filter(action__startswith="pool.").exists()

    # Confirming saves the valid rows: one added, one updated.
    response = confirm(client, programme)
    assert response.status_code == 302
    assert PoolEntry.objects.count() == 2
    added = PoolEntry.objects.get(expert__user__email="expert1@example.test")
    assert added.categories == ["problem_solving", "innovation"]
    assert added.employer == unit and added.max_load == 10
    assert (added.available_from, added.available_until) == (datetime.date(2026, 3, 1), datetime.date(2026, 6, 30))
    updated = PoolEntry.objects.get(expert=already)
    assert updated.employer == unit and updated.max_load == 10 and updated.categories == ["problem_solving"]
    audit = AuditEntry.objects.get(action="pool.imported")
    assert audit.changes["added"] == [None, 1] and audit.changes["updated"] == [None, 1]
    assert audit.changes["rows_with_errors"] == [None, 13]
    assert "1 added, 1 updated" in messages_of(response)[0]
    # The preview is used once.
    assert confirm(client, programme).status_code == 302
    assert AuditEntry.objects.filter(action="pool.imported").count() == 1


def test_confirm_saves_all_rows_in_one_go_with_date_cells_and_numbers(
    staff, programme, django_capture_on_commit_callbacks
):
    rows = [
        good_row(1, available_from=datetime.date(2026, 1, 5), available_until=datetime.datetime(2026, 2, 1)),
        good_row(2, categories="问题解决型/innovation", max_load=3.0, mobile=13811112222),
        good_row(3, categories=None, max_load=None, available_from=None, available_until=None),
    ]
    client = client_for(staff)
    assert upload(client, programme, pool_xlsx(rows)).context["counts"] == {"added": 3, "updated": 0, "errors": 0}
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, programme)
    entries = {e.expert.user.email: e for e in PoolEntry.objects.select_related("expert__user")}
    assert entries["expert1@example.test"].available_from == datetime.date(2026, 1, 5)
    assert entries["expert1@example.test"].available_until == datetime.date(2026, 2, 1)
    assert entries["expert2@example.test"].categories == ["problem_solving", "innovation"]
    assert entries["expert2@example.test"].max_load == 3
    assert entries["expert2@example.test"].expert.user.mobile == "13811112222"
    assert entries["expert3@example.test"].categories == [] and entries["expert3@example.test"].max_load == 20


def test_confirm_refuses_when_the_pool_changed_since_the_preview(staff, programme):
    client = client_for(staff)
    upload(client, programme, pool_xlsx([good_row(1), good_row(2)]))
    pool_expert(programme, email="expert2@example.test")  # someone added expert2 meanwhile: the row now updates
    response = confirm(client, programme)
    assert "changed since the preview" in messages_of(response)[0]
    assert PoolEntry.objects.count() == 1
    assert not AuditEntry.objects.filter(action="pool.imported").exists()


def test_a_formula_cell_is_stored_as_its_text(staff, programme):
    rows = [good_row(1, full_name='=HYPERLINK("http://evil.test","点我")', fields="=1+1", organisation_name="@SUM(A1)")]
    client = client_for(staff)
    response = upload(client, programme, pool_xlsx(rows))
    assert response.context["counts"]["added"] == 1
    assert "=HYPERLINK(&quot;http://evil.test&quot;" in response.content.decode()
    confirm(client, programme)
    entry = PoolEntry.objects.select_related("expert__user").get()
    assert entry.fields == "=1+1"
    assert entry.expert.user.full_name == '=HYPERLINK("http://evil.test","点我")'
    assert entry.expert.organisation_name == "@SUM(A1)"


def test_a_file_that_is_not_xlsx_is_refused_by_its_content(staff, programme):
    client = client_for(staff)
    response = upload(client, programme, b"full_name,email\n=1+1,a@example.test\n", name="experts.xlsx")
    assert response.status_code == 200
    assert "not an accepted type" in " ".join(response.context["form"].errors["file"])
    assert "rows" not in response.context
    assert not any(key.startswith("reviews.pool_import") for key in client.session.keys())
    # A renamed PDF is refused as well.
    response = upload(client, programme, b"%PDF-1.4\n%%EOF\n", name="experts.xlsx")
    assert response.context["form"].errors["file"]


def test_an_empty_workbook_is_refused():
    with pytest.raises(BusinessRuleError, match="no expert rows"):
        pool_import.read_workbook(pool_xlsx([]))


def test_template_has_the_header_and_escapes_category_names(staff, programme):
    edition = programme.editions.get()
    Category.objects.create(edition=edition, code="evil", name='=HYPERLINK("http://evil.test","x")', position=99)
    response = client_for(staff).get(reverse("reviews:pool_template", args=[programme.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    experts, categories = workbook.worksheets
    assert [c.value for c in experts[1]] == [str(label) for _key, label in pool_import.COLUMNS]
    assert experts.max_row == 1
    cells = {row[0].value: row[1] for row in categories.iter_rows(min_row=2)}
    assert cells["problem_solving"].value == "问题解决型"
    evil = cells["evil"]
    assert evil.data_type == "s" and evil.quotePrefix
    assert evil.value.startswith("=HYPERLINK")
    # The template's header row reads back as a header: an upload of the bare template has no rows.
    with pytest.raises(BusinessRuleError, match="no expert rows"):
        pool_import.read_workbook(response.content)
