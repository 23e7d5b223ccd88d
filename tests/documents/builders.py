"""Test-only document builders on accounts.Unit (no feature app has registered kinds yet).

Used by the tests through `registry.registered(...)` and by the real Celery test worker through worker_kinds.py.
"""

import os
import time

from django.template import engines

from accounts.models import Unit
from accounts.validators import credit_code_check_char
from documents import registry
from documents.excel import build_table_workbook
from documents.pdf import html_to_pdf, verification_context

UNIT_SHEET = "tests.unit_sheet"
UNIT_TABLE = "tests.unit_table"
SLOW_TABLE = "tests.slow_table"
# Seconds the slow table's builder sleeps first: set only in the environment of the workers that
# tests/documents/test_worker_kill.py starts, so a build can be killed halfway.
BUILD_DELAY_ENV = "SAQ_TEST_BUILD_DELAY"
PERMISSION = "tests.view_unit"

SHEET_TEMPLATE = """{% extends "documents/pdf_base.html" %}
{% block title %}{{ unit.name }}{% endblock %}
{% block heading %}<h1>质量管理小组活动成果申报表</h1>{% endblock %}
{% block content %}
<table class="form-grid">
  <colgroup><col class="label"><col><col class="label"><col></colgroup>
  <tr class="section"><th colspan="4">一、申报单位情况</th></tr>
  <tr><th>单位名称</th><td colspan="3">{{ unit.name }}</td></tr>
  <tr><th>信用代码</th><td>{{ unit.credit_code }}</td><th>联系人</th><td>{{ unit.contact_name }}</td></tr>
  <tr><th>通讯地址</th><td colspan="3">{{ unit.address }}</td></tr>
</table>
<div class="sign-block"><div class="seal">申报单位（盖章）<br>年　　月　　日</div></div>
{% endblock %}
"""


def credit_code(serial: int) -> str:
    first17 = f"91310000{serial:09d}"
    return first17 + credit_code_check_char(first17)


def make_unit(serial: int = 1, *, name: str = "上海质量测试有限公司", contact_email: str = "") -> Unit:
    return Unit.objects.create(
        name=f"{name}{serial}",
        credit_code=credit_code(serial),
        address="上海市黄浦区测试路1号",
        contact_name="张三",
        contact_phone="021-12345678",
        contact_email=contact_email,
        applies_directly=True,
    )


def build_unit_sheet(unit, document) -> bytes:
    html = engines["django"].from_string(SHEET_TEMPLATE).render({"unit": unit, **verification_context(document)})
    return html_to_pdf(html)


def build_unit_table(unit, document) -> bytes:
    return build_table_workbook(
        title=f"{unit.name} 推荐汇总表",
        headers=["序号", "单位名称", "信用代码", "得分"],
        rows=[[1, unit.name, unit.credit_code, 95.5]],
    )


SHEET_OPTIONS = {
    "label": "单位信息表（测试）",
    "model": "accounts.Unit",
    "build": build_unit_sheet,
    "filename": lambda unit: f"{unit.name}-信息表.pdf",
    "mime_type": registry.PDF,
    "permission": PERMISSION,
}

TABLE_OPTIONS = {
    "label": "单位汇总表（测试）",
    "model": Unit,
    "build": build_unit_table,
    "filename": lambda unit: f"{unit.name}.xlsx",
    "mime_type": registry.XLSX,
    "permission": PERMISSION,
}


def build_slow_table(unit, document) -> bytes:
    time.sleep(float(os.environ.get(BUILD_DELAY_ENV, "0")))
    return build_unit_table(unit, document)


SLOW_TABLE_OPTIONS = {**TABLE_OPTIONS, "label": "单位汇总表（慢，测试）", "build": build_slow_table}
