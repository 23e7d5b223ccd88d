"""Canaries: nothing a role may not see reaches it, on any page or in any document it can get to.

tests/battery/canary_world.py builds one full edition with a unique marker in every sensitive field and says, for
each marker, which roles may see it. For each role a crawler (tests/battery/crawler.py) signed in as that role
starts at the site root and the role's dashboard, follows every same-site link up to a cap, presses the document
buttons the role is offered, and reads every page and document it reaches. Before that each role looks up the status
of an objection by tracking number and mobile (the objector with its own, everyone else with a wrong mobile, and the
objector with another objection's number); after it each role asks directly for the on-site panel, visit and photo,
both certificates and the certificate ZIP (probes: each must answer exactly the roles it is for, and what comes back
is read). Both chains (A and B) are crawled, and group A and staff once more with English active.

The test fails on any forbidden marker found; when a role did not reach the markers of MUST_SEE (a crawl that reached
nothing proves nothing); when a signed-in role is shown a link that refuses it (403, 404, 405); when a probe answers a
role it is not for or refuses one it is for; when a page shows a role a non-public marker without
`Cache-Control: no-store`; and when an English crawl got a page in another language.

It prints, per crawl, the pages and documents read, the document buttons pressed, the probes answered, the markers
seen out of those allowed, the leaks, and the wall and CPU time. CANARY_DUMP=1 also prints what each crawl was
allowed but did not see and writes each crawl (url and markers found) to /tmp/canary-<label>.txt.
"""

import os
import time

import pytest
from django.test import Client
from django.urls import reverse

from tests.battery.canary_world import ROLES, build_canary_world
from tests.battery.crawler import crawl

pytestmark = pytest.mark.integration

CAP = 150
# Markers each role must reach: the crawl has to get to the pages that hold its own data.
MUST_SEE = {
    "anonymous": {"A1-TITLE", "NOTICE-TITLE", "LEVEL-AWARD"},
    "objector": {"OBJECTION2-ANSWER"},  # its own lookup worked
    "group_a": {"A1-TITLE", "GROUP-A-NAME", "MEMBER-A1", "CERT-A4-NUMBER"},
    "unit_a": {"A1-TITLE", "UNIT-A-NAME", "UNIT-A-CONTACT", "CERT-A4-NUMBER"},
    "recommender_a": {"A1-TITLE", "UNIT-A-NAME"},
    "group_b": {"B1-TITLE", "GROUP-B-NAME", "MEMBER-B1", "CERT-B4-NUMBER"},
    "unit_b": {"B1-TITLE", "UNIT-B-NAME", "UNIT-B-CONTACT", "CERT-B4-NUMBER"},
    "expert_1": {"A1-TITLE", "B1-TITLE", "X1-A1-COMMENT"},
    "expert_2": {"A1-TITLE", "B1-TITLE", "X2-B1-COMMENT"},
    "expert_3": {"VISIT-NOTES", "OS-X3-COMMENT", "OS-X4-COMMENT"},  # the leader reads the member's sheet
    "expert_4": {"VISIT-NOTES", "OS-X4-COMMENT"},
    "staff": {
        "UNIT-B-NAME",
        "OBJECTOR-NAME",
        "OBJECTION-NOTE",
        "X2-B1-TOTAL",
        "LEVEL-STAGED",
        "OBJECTOR2-NAME",
        "OS-X4-COMMENT",
        "CERT-B4-NUMBER",
    },
}
# (label, role, language): every role in Chinese (the default), and group A and staff again with English active, so
# what only the English rendering shows is read too.
CRAWLS = [(role, role, None) for role in ROLES] + [("group_a/en", "group_a", "en"), ("staff/en", "staff", "en")]


def crawl_as(role, world, capture, *, language=None, address="127.0.0.1"):
    from django.conf import settings
    from django.core.cache import cache

    client = Client(REMOTE_ADDR=address)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    # Each crawl has its own address and a fresh lookup allowance (notices.views_results limits lookups per hour).
    cache.delete(f"results:status-lookups:{address}")
    starts = ["/"] if user is None else ["/portal/dashboard/", "/"]
    if role == "staff":
        # The secretariat's results page of the edition leads to the objections (their objectors' identities),
        # which a capped crawl of the whole staff area can otherwise leave out.
        starts.append(reverse("notices:results_edition", args=[world.edition.pk]))
    return crawl(client, starts, cap=CAP, capture=capture, posts=world.lookups.get(role, []), probes=list(world.probes))


def stored_private(result, world, role):
    """The URLs that showed the role a marker that is not public but kept no `no-store`: a shared proxy or the
    browser's disk cache could keep what only this role may see (core.private_pages does it for signed-in people;
    an anonymous page with personal data, such as an objection's status, must say so itself)."""
    public = set(ROLES)
    private = [m for m in world.allowed_for(role) if set(m.may_see) != public]
    return sorted(
        url
        for url, text in result.texts
        if "no-store" not in result.cache_control.get(url, "") and any(m.pattern().search(text) for m in private)
    )


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
def test_no_role_sees_a_forbidden_marker(eager_documents, django_capture_on_commit_callbacks, capsys, settings):
    # As production serves: the identity and list pages from the cache (a key shared across viewers would leak).
    settings.PAGE_CACHE = settings.IDENTITY_CACHE = True
    started = time.monotonic()
    world = build_canary_world()
    built = time.monotonic() - started
    report, all_leaks, missing, refused, wrong_language, not_private, wrong_probes = [], {}, {}, {}, {}, {}, {}
    for n, (label, role, language) in enumerate(CRAWLS):
        crawl_started, cpu_started = time.monotonic(), time.process_time()
        result = crawl_as(role, world, django_capture_on_commit_callbacks, language=language, address=f"10.9.0.{n + 1}")
        if world.users[role] is not None:
            refused[label] = {url: code for url, code in result.statuses.items() if code in (403, 404, 405)}
        if language:
            # The language switch took: the pages are rendered in it.
            pages = [text for _url, text in result.texts if "<html" in text]
            wrong_language[label] = (len(pages) > 0, sum(f'<html lang="{language}"' not in text for text in pages))
        seen, leaks = findings(result, world, role)
        allowed = {m.name for m in world.allowed_for(role)}
        reached = sum(code == 200 for code in result.probed.values())
        report.append(
            f"{label:14} pages={result.pages:3} documents={result.documents:3} requested={result.requested:2} "
            f"probes={reached}/{len(result.probed)} markers={len(seen):2}/{len(allowed):2} leaks={len(leaks)} "
            f"({time.monotonic() - crawl_started:.1f} s, cpu {time.process_time() - cpu_started:.1f} s)"
        )
        if leaks:
            all_leaks[label] = leaks
        # A probe answers the roles it is for and refuses everyone else (anonymous: sent to sign in).
        wrong = {url: code for url, code in result.probed.items() if (code == 200) != (role in world.probes[url])}
        if wrong:
            wrong_probes[label] = wrong
        if cacheable := stored_private(result, world, role):
            not_private[label] = cacheable
        if os.environ.get("CANARY_DUMP"):
            print(label, "allowed, not seen:", sorted(allowed - set(seen)))
        if not MUST_SEE[role] <= set(seen):
            missing[label] = sorted(MUST_SEE[role] - set(seen))
        if os.environ.get("CANARY_DUMP"):
            with open(f"/tmp/canary-{label.replace('/', '-')}.txt", "w") as out:
                for url, text in result.texts:
                    names = [m.name for m in world.markers if m.pattern().search(text)]
                    out.write(f"{url} {' '.join(names)}\n")
    with capsys.disabled():
        print(f"\ncanary world built in {built:.1f} s; crawled in {time.monotonic() - started - built:.1f} s")
        print("\n".join(report))
        for label, leaks in all_leaks.items():
            for name, url in sorted(leaks.items()):
                print(f"  LEAK {label}: {name} at {url}")
        for label, urls in not_private.items():
            for url in urls:
                print(f"  PRIVATE BUT CACHEABLE {label}: {url}")
        for label, urls in wrong_probes.items():
            for url, code in urls.items():
                print(f"  PROBE ANSWERED WRONGLY {label}: {url} {code}")
        for role, names in missing.items():
            print(f"  NOT REACHED {role}: {', '.join(names)}")
        for role, urls in refused.items():
            for url, code in urls.items():
                print(f"  LINKED BUT REFUSED {role}: {url} {code}")
    assert all_leaks == {}
    assert not_private == {}
    assert wrong_probes == {}
    assert wrong_language == {"group_a/en": (True, 0), "staff/en": (True, 0)}
    assert missing == {}
    assert {role: urls for role, urls in refused.items() if urls} == {}
