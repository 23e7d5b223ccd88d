import pytest
from django.urls import reverse
from accounts.models import User
from documents.services import document_build_now
from tests.documents.builders import UNIT_TABLE

@pytest.mark.django_db
def test_admin(client, table_kind, unit):
    doc = document_build_now(kind=UNIT_TABLE, obj=unit)
    admin = User.objects.create_superuser("root@x.test", "pw-root-12345", full_name="root")
    client.force_login(admin, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert client.get(reverse("admin:documents_document_changelist")).status_code == 200
    r = client.get(reverse("admin:documents_document_change", args=[doc.pk]))
    assert r.status_code == 200
