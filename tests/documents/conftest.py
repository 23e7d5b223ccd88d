import pytest
import rules

from accounts.models import User
from documents import registry

from .builders import PERMISSION, SHEET_OPTIONS, TABLE_OPTIONS, UNIT_SHEET, UNIT_TABLE, make_unit

LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@rules.predicate
def is_unit_contact(user, unit):
    return unit is not None and bool(unit.contact_email) and unit.contact_email == user.email


@pytest.fixture
def unit_permission():
    rules.add_perm(PERMISSION, is_unit_contact)
    yield PERMISSION
    rules.remove_perm(PERMISSION)


@pytest.fixture
def sheet_kind(unit_permission):
    with registry.registered(UNIT_SHEET, **SHEET_OPTIONS) as entry:
        yield entry


@pytest.fixture
def table_kind(unit_permission):
    with registry.registered(UNIT_TABLE, **TABLE_OPTIONS) as entry:
        yield entry


@pytest.fixture
def contact():
    return User.objects.create_user("contact@unit.test", "pw-contact-123", full_name="联系人")


@pytest.fixture
def stranger():
    return User.objects.create_user("stranger@other.test", "pw-stranger-123", full_name="无关人员")


@pytest.fixture
def unit(contact):
    return make_unit(1, contact_email=contact.email)


@pytest.fixture
def contact_client(client, contact):
    client.force_login(contact, backend=LOGIN_BACKEND)
    return client


@pytest.fixture
def stranger_client(client, stranger):
    client.force_login(stranger, backend=LOGIN_BACKEND)
    return client
