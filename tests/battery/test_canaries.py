"""Canaries: nothing a role may not see reaches it, on any page or in any document it can get to.

tests/battery/canary_world.py builds one full edition with a unique marker in every sensitive field and says, for
each marker, which roles may see it. For each role a crawler (tests/battery/crawler.py) signed in as that role
starts at the site root and the role's dashboard, follows every same-site link up to a cap, presses the document
buttons the role is offered, and reads every page and document it reaches. The test fails on any forbidden marker
found; when a role did not reach the markers of MUST_SEE (a crawl that reached nothing proves nothing); and when a
signed-in role is shown a link that refuses it (403, 404, 405).

It prints, per role, the pages and documents read, the document buttons pressed, the markers seen out of those
allowed, and the leaks. CANARY_DUMP=1 also prints what each role was allowed but did not see and writes each role's
crawl (url and markers found) to /tmp/canary-<role>.txt.
"""

import os
import time

import pytest
from django.test import Client

from tests.battery.canary_world import ROLES, build_canary_world
from tests.battery.crawler import crawl

pytestmark = pytest.mark.integration

CAP = 150
# Markers each role must reach: the crawl has to get to the pages that hold its own data.
MUST_SEE = {
    "anonymous": {"A1-TITLE", "NOTICE-TITLE", "LEVEL-AWARD"},
    "group_a": {"A1-TITLE", "GROUP-A-NAME", "MEMBER-A1"},
    "unit_a": {"A1-TITLE", "UNIT-A-NAME", "UNIT-A-CONTACT"},
    "recommender_a": {"A1-TITLE", "UNIT-A-NAME"},
    "expert_1": {"A1-TITLE", "B1-TITLE", "X1-A1-COMMENT"},
    "expert_2": {"A1-TITLE", "B1-TITLE", "X2-B1-COMMENT"},
    "staff": {"UNIT-B-NAME", "OBJECTOR-NAME", "OBJECTION-NOTE", "X2-B1-TOTAL", "LEVEL-STAGED"},
}


def crawl_as(role, world, capture):
    client = Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    starts = ["/"] if user is None else ["/portal/dashboard/", "/"]
    return crawl(client, starts, cap=CAP, capture=capture)


def findings(result, world, role):
    """{marker name: first url} for every marker found in the crawl, and the forbidden ones among them."""
    seen: dict[str, str] = {}
    for url, text in result.texts:
        for marker in world.markers:
            if marker.name not in seen and marker.pattern().search(text):
                seen[marker.name] = url
    forbidden = {m.name for m in world.forbidden_for(role)}
    leaks = {name: url for name, url in seen.items() if name in forbidden}
    return seen, leaks


@pytest.fixture
def eager_documents():
    """Documents are built by Celery tasks queued on commit. The suite runs them in-process unless a run switched
    that off (CELERY_TASK_ALWAYS_EAGER=False, for the worker tests): here they must be, so that a document button a
    role presses leaves a file behind for the crawl to read."""
    from saq_portal.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.mark.django_db
def test_no_role_sees_a_forbidden_marker(eager_documents, django_capture_on_commit_callbacks, capsys):
    started = time.monotonic()
    world = build_canary_world()
    built = time.monotonic() - started
    report, all_leaks, missing, refused = [], {}, {}, {}
    for role in ROLES:
        crawl_started = time.monotonic()
        result = crawl_as(role, world, django_capture_on_commit_callbacks)
        if role != "anonymous":
            refused[role] = {url: code for url, code in result.statuses.items() if code in (403, 404, 405)}
        seen, leaks = findings(result, world, role)
        allowed = {m.name for m in world.allowed_for(role)}
        report.append(
            f"{role:14} pages={result.pages:3} documents={result.documents:3} requested={result.requested:2} "
            f"markers={len(seen):2}/{len(allowed):2} leaks={len(leaks)} ({time.monotonic() - crawl_started:.1f} s)"
        )
        if leaks:
            all_leaks[role] = leaks
        if os.environ.get("CANARY_DUMP"):
            print(role, "allowed, not seen:", sorted(allowed - set(seen)))
        if not MUST_SEE[role] <= set(seen):
            missing[role] = sorted(MUST_SEE[role] - set(seen))
        if os.environ.get("CANARY_DUMP"):
            with open(f"/tmp/canary-{role}.txt", "w") as out:
                for url, text in result.texts:
                    names = [m.name for m in world.markers if m.pattern().search(text)]
                    out.write(f"{url} {' '.join(names)}\n")
    with capsys.disabled():
        print(f"\ncanary world built in {built:.1f} s; crawled in {time.monotonic() - started - built:.1f} s")
        print("\n".join(report))
        for role, leaks in all_leaks.items():
            for name, url in sorted(leaks.items()):
                print(f"  LEAK {role}: {name} at {url}")
        for role, names in missing.items():
            print(f"  NOT REACHED {role}: {', '.join(names)}")
        for role, urls in refused.items():
            for url, code in urls.items():
                print(f"  LINKED BUT REFUSED {role}: {url} {code}")
    assert all_leaks == {}
    assert missing == {}
    assert {role: urls for role, urls in refused.items() if urls} == {}
