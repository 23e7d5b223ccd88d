"""An edition's setup (programme, phases, questions, attachment requirements) as every application page reads it:
from the cache while none of its tables changed, read afresh after any change, never another edition's."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications import selectors as application_selectors
from awards.enums import PhaseKind
from awards.models import AttachmentRequirement, Phase, Question
from awards.selectors import edition_setup
from tests.factories.applications import draft_application
from tests.factories.awards import open_edition

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def reference_cache(settings):
    settings.REFERENCE_CACHE = True  # as in production (the suite's default is off: see saq_portal/settings/test.py)


def read(edition_id):
    """The setup and everything a page reads of it, with the queries that took."""
    with CaptureQueriesContext(connection) as queries:
        edition = edition_setup(edition_id)
        seen = {
            "programme": edition.programme.code,
            "phases": [(p.kind, p.ends_at) for p in edition.phases.all()],
            "questions": [q.label for q in edition.questions.all()],
            "requirements": [r.name for r in edition.attachment_requirements.all()],
        }
    return seen, len(queries)


def test_a_second_read_comes_from_the_cache_with_the_same_content():
    edition = open_edition()
    first, first_queries = read(edition.pk)
    again, again_queries = read(edition.pk)
    assert first_queries == 4  # the edition with its programme, then phases, questions, requirements
    assert again_queries == 0
    assert again == first
    assert first["questions"] and first["requirements"] and first["phases"]


def test_a_moved_deadline_is_read_at_the_next_request():
    edition = open_edition()
    read(edition.pk)
    later = Phase.objects.get(edition=edition, kind=PhaseKind.APPLICATION).ends_at + datetime.timedelta(days=3)
    Phase.objects.filter(edition=edition, kind=PhaseKind.APPLICATION).update(ends_at=later)
    seen, queries = read(edition.pk)
    assert (PhaseKind.APPLICATION, later) in seen["phases"]
    assert queries == 4


@pytest.mark.parametrize("change", ["question", "requirement", "programme"])
def test_an_edited_question_requirement_or_programme_is_read_afresh(change):
    edition = open_edition()
    read(edition.pk)
    if change == "question":
        question = Question.objects.filter(edition=edition).first()
        question.label = "改过的问题"
        question.save()
        expected = ("questions", "改过的问题")
    elif change == "requirement":
        AttachmentRequirement.objects.filter(edition=edition).update(name="改过的附件")
        expected = ("requirements", "改过的附件")
    else:
        edition.programme.code = "QC-NEW"
        edition.programme.save()
        expected = ("programme", "QC-NEW")
    seen, _queries = read(edition.pk)
    field, value = expected
    assert value == seen[field] or value in seen[field]


def test_each_edition_has_its_own_entry():
    first, second = open_edition(), open_edition()
    Question.objects.filter(edition=second).update(label="第二届的问题")
    read(first.pk)
    seen, _queries = read(second.pk)
    assert seen["questions"] and set(seen["questions"]) == {"第二届的问题"}
    assert "第二届的问题" not in read(first.pk)[0]["questions"]


def test_without_the_cache_every_read_asks_the_database(settings):
    settings.REFERENCE_CACHE = False
    edition = open_edition()
    read(edition.pk)
    assert read(edition.pk)[1] == 4


def test_an_application_page_gets_its_edition_setup_without_further_queries():
    application = draft_application()
    leader, programme_id = application.created_by, application.edition.programme_id
    application_selectors.application_for(leader, application.pk)  # fills the cache
    fetched = application_selectors.application_for(leader, application.pk)
    with CaptureQueriesContext(connection) as queries:
        assert fetched.edition.pk == application.edition_id
        assert fetched.edition.programme.pk == programme_id
        assert list(fetched.edition.phases.all())
        assert list(fetched.edition.questions.all())
        assert list(fetched.edition.attachment_requirements.all())
    assert len(queries) == 0
