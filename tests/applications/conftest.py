import pytest
from django.contrib.messages import get_messages
from django.test import Client

from tests.factories import staff_user, unit_contact
from tests.factories.applications import draft_application, eligible_group
from tests.factories.awards import open_edition


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert against the English message ids, whatever the state of the catalogue."""
    settings.LANGUAGE_CODE = "en"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def edition():
    """A QC edition (programme code QC) whose application window is open now."""
    from tests.factories.awards import ProgrammeFactory

    return open_edition(programme=ProgrammeFactory(code="QC", name="上海市质量管理小组活动成果"))


@pytest.fixture
def group():
    return eligible_group(name="精益求精QC小组")


@pytest.fixture
def leader(group):
    return group.leader


@pytest.fixture
def leader_client(leader):
    return client_for(leader)


@pytest.fixture
def draft(edition, group):
    return draft_application(edition=edition, group=group)


@pytest.fixture
def contact(group):
    return unit_contact(group.unit, email="contact@example.test", full_name="李联系")


@pytest.fixture
def staff():
    return staff_user(email="staff@example.test", full_name="周秘书")
