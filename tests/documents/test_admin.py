import pytest
from django.urls import reverse

from accounts.models import User
from documents.services import document_build_now

from .builders import UNIT_TABLE
from .conftest import LOGIN_BACKEND

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def test_admin_lists_and_shows_documents_read_only(client, table_kind, unit):
    document = document_build_now(kind=UNIT_TABLE, obj=unit)
    admin_user = User.objects.create_superuser("root@saq.test", "pw-root-12345", full_name="管理员")
    client.force_login(admin_user, backend=LOGIN_BACKEND)

    changelist = client.get(reverse("admin:documents_document_changelist"))
    assert changelist.status_code == 200
    assert document.filename in changelist.content.decode()

    detail = client.get(reverse("admin:documents_document_change", args=[document.pk]))
    assert detail.status_code == 200
    assert reverse("documents:download", args=[document.pk]) in detail.content.decode()
    assert client.get(reverse("admin:documents_document_add")).status_code == 403
