"""Handing in a generated table: the request queues the document job (after commit) and returns without
building; the job builds the file and hands in exactly its bytes; a table already built from the current rows is
handed in at once; refusals are checked in the request and again in the job."""

import dataclasses
import datetime
import time

import pytest
import time_machine
from django.urls import reverse

from awards.enums import PhaseKind
from core.models import AuditEntry
from documents import registry
from documents.enums import DocumentStatus
from documents.selectors import document_for
from recommenders import services, tasks
from recommenders.documents_recommender import RECOMMENDATION_TABLE_PDF, handin_document_kind
from recommenders.enums import HandInKind
from recommenders.models import HandIn
from tests.factories import RecommenderFactory, UnitFactory, recommender_member
from tests.factories.recommenders import decided, endorsed_application, qc_edition
from tests.helpers import client_for, messages_of

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

KIND = HandInKind.RECOMMENDATION_TABLE_PDF
LABEL = "Recommendation table (PDF)"
QUEUED = f"“{LABEL}” is being generated; it is handed in as soon as it is ready."


@pytest.fixture
def world():
    edition = qc_edition()
    recommender = RecommenderFactory(name="浦东新区市场监督管理局")
    unit = UnitFactory(recommender=recommender, name="上海华瑞精密机械有限公司")
    member = recommender_member(recommender, full_name="王慧敏")
    decided(endorsed_application(edition=edition, unit=unit, title="降低精密轴承外圈磨削不良率"), member)
    dossier = services.dossier_for(recommender=recommender, edition=edition)
    url = reverse("recommenders:recommender_handin_generated", args=[recommender.pk, edition.pk])
    return {"edition": edition, "member": member, "dossier": dossier, "url": url}


@pytest.fixture
def builds(monkeypatch):
    """Counts the builds of the recommendation table (PDF), still building the real file."""
    entry = registry.get(RECOMMENDATION_TABLE_PDF)
    calls = []

    def counting(obj, document):
        calls.append(obj.pk)
        return entry.build(obj, document)

    monkeypatch.setitem(registry._kinds, RECOMMENDATION_TABLE_PDF, dataclasses.replace(entry, build=counting))
    return calls


def test_handing_in_queues_the_job_and_returns_without_building(world, builds, django_capture_on_commit_callbacks):
    client = client_for(world["member"])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(world["url"], {"kind": KIND}, follow=True)

    assert messages_of(response) == [QUEUED]
    assert builds == []
    assert len(callbacks) == 1  # the hand-in job only: it builds the document itself, so no second build is queued
    document = document_for(RECOMMENDATION_TABLE_PDF, world["dossier"])
    assert (document.status, bool(document.file)) == (DocumentStatus.PENDING, False)
    assert not HandIn.objects.exists()
    page = response.content.decode()
    assert f'id="document-{document.pk}"' in page and 'data-status="pending"' in page  # polls until ready


def test_the_queued_job_builds_the_file_and_hands_in_its_bytes(world, builds, django_capture_on_commit_callbacks):
    client = client_for(world["member"])

    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: the job runs on commit
        client.post(world["url"], {"kind": KIND})

    document = document_for(RECOMMENDATION_TABLE_PDF, world["dossier"])
    item = HandIn.objects.get(dossier=world["dossier"], kind=KIND)
    assert document.status == DocumentStatus.READY
    assert (item.sha256, item.file_name, item.mime_type, item.handed_in_by) == (
        document.checksum,
        document.filename,
        "application/pdf",
        world["member"],
    )
    with item.file.open("rb") as handle:
        assert handle.read()[:5] == b"%PDF-"
    assert builds == [world["dossier"].pk]


def test_a_table_built_from_the_current_rows_is_handed_in_at_once(world, builds, django_capture_on_commit_callbacks):
    client = client_for(world["member"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(world["url"], {"kind": KIND}, follow=True)
    HandIn.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(world["url"], {"kind": KIND}, follow=True)

    assert messages_of(response) == [f"“{LABEL}” is handed in."]
    assert callbacks == []
    assert HandIn.objects.get(kind=KIND).sha256 == document_for(RECOMMENDATION_TABLE_PDF, world["dossier"]).checksum
    assert builds == [world["dossier"].pk]  # built once, by the first request's job


def test_a_failed_build_hands_in_nothing_and_the_page_says_so(world, monkeypatch, django_capture_on_commit_callbacks):
    def broken(obj, document):
        raise RuntimeError("font missing")

    entry = registry.get(RECOMMENDATION_TABLE_PDF)
    monkeypatch.setitem(registry._kinds, RECOMMENDATION_TABLE_PDF, dataclasses.replace(entry, build=broken))
    client = client_for(world["member"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(world["url"], {"kind": KIND})

    assert document_for(RECOMMENDATION_TABLE_PDF, world["dossier"]).status == DocumentStatus.FAILED
    assert not HandIn.objects.exists()
    page = client.get(
        reverse("recommenders:recommender_dossier", args=[world["dossier"].recommender_id, world["edition"].pk])
    )
    assert "The document could not be built." in page.content.decode()


def test_the_job_refuses_a_hand_in_after_the_deadline_and_audits_it(world, django_capture_on_commit_callbacks):
    client = client_for(world["member"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(world["url"], {"kind": KIND})
    deadline = world["edition"].phase(PhaseKind.RECOMMENDATION).ends_at

    with time_machine.travel(deadline + datetime.timedelta(minutes=5)):
        callbacks[0]()  # the job runs after the deadline

    assert not HandIn.objects.exists()
    assert document_for(RECOMMENDATION_TABLE_PDF, world["dossier"]).status == DocumentStatus.READY
    entry = AuditEntry.objects.get(action="dossier.handin_refused")
    assert (entry.actor, entry.changes) == (world["member"], {"kind": KIND})
    assert entry.note.startswith("The Recommendation phase ended at ")


def test_the_request_refuses_after_the_deadline_without_queueing(world, django_capture_on_commit_callbacks):
    deadline = world["edition"].phase(PhaseKind.RECOMMENDATION).ends_at
    with (
        time_machine.travel(deadline + datetime.timedelta(minutes=5)),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        response = client_for(world["member"]).post(world["url"], {"kind": KIND}, follow=True)

    assert messages_of(response) == ["The recommendation phase has ended; the hand-ins are locked."]
    assert callbacks == []
    assert document_for(RECOMMENDATION_TABLE_PDF, world["dossier"]) is None


def test_the_job_is_a_no_op_for_a_dossier_that_is_gone(world):
    tasks.hand_in_generated(dossier_id=0, kind=KIND, actor_id=world["member"].pk, document_id=0)

    assert not HandIn.objects.exists()


def test_the_job_goes_to_the_documents_queue():
    from saq_portal.celery import app

    route = app.amqp.router.route({}, tasks.hand_in_generated.name)
    assert route["queue"].name == "documents"
    assert handin_document_kind(KIND) == RECOMMENDATION_TABLE_PDF


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_builds_the_table_and_hands_it_in(world, celery_worker_process):
    response = client_for(world["member"]).post(world["url"], {"kind": KIND}, follow=True)
    assert messages_of(response) == [QUEUED]

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not HandIn.objects.filter(kind=KIND).exists():
        time.sleep(0.25)
    item = HandIn.objects.filter(kind=KIND).first()
    assert item is not None, celery_worker_process.log()[-3000:]
    document = document_for(RECOMMENDATION_TABLE_PDF, world["dossier"])
    assert (document.status, item.sha256) == (DocumentStatus.READY, document.checksum)
    assert (celery_worker_process.media_root / item.file.name).read_bytes()[:5] == b"%PDF-"
    assert "recommenders.hand_in_generated[" in celery_worker_process.log()
