import pytest

from tests.factories import staff_user, unit_contact
from tests.factories.applications import draft_application, eligible_group
from tests.factories.awards import open_edition
from tests.helpers import client_for, messages_of  # noqa: F401  (re-exported to the tests)


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
