"""Walks every cell of tests/authz_matrix.yaml (URL × role × own/other) and checks that the matrix is complete.

How to read a failure and how to add rows: see the comment at the top of tests/authz_matrix.yaml.
"""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import connection, models
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import authz_world
from tests.authz_world import ROLES, World

pytestmark = pytest.mark.unit

MATRIX_PATH = Path(__file__).with_name("authz_matrix.yaml")
OUTCOMES = {"allow", "deny", "404"}
VARIANTS = ("own", "other")

authz_world.discover()


def load_matrix() -> dict:
    with MATRIX_PATH.open(encoding="utf-8") as handle:
        matrix = yaml.safe_load(handle)
    matrix.setdefault("urls", {})
    matrix.setdefault("public_or_allauth", [])
    matrix.setdefault("excluded_prefixes", [])
    return matrix


MATRIX = load_matrix()


def url_name(key: str) -> str:
    """The URL name of a row: its key up to the first space. A URL may have several rows, each keyed by its name and
    a label (`documents:request scoring_opinion_form draft`), when one row cannot say everything (e.g. one row per
    document kind and state)."""
    return key.split(" ", 1)[0]


def named_urls(resolver=None, namespace: str = "") -> dict[str, URLPattern]:
    """Every named URL of the project as reverse() spells it (`ns:name`), read from the resolver at run time."""
    found: dict[str, URLPattern] = {}
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            for name, pattern in named_urls(entry, inner).items():
                found.setdefault(name, pattern)
        elif isinstance(entry, URLPattern) and entry.name:
            found.setdefault(f"{namespace}{entry.name}", entry)
    return found


def expectations(row: dict, role: str) -> dict[str, str]:
    """{"own": outcome, "other": outcome} for one role of one row (outcome "" when the row does not say)."""
    expect = row.get("expect", {})
    raw = str(expect.get(role, expect.get(authz_world.ROLE_BASE.get(role), ""))).strip()
    parts = [p.strip() for p in raw.split("/")] if raw else [""]
    return dict(zip(VARIANTS, parts if len(parts) == 2 else parts * 2, strict=True))


def cells():
    for name, row in MATRIX["urls"].items():
        variants = VARIANTS if ("own" in row or "other" in row) else ("any",)
        for role in ROLES:
            for variant in variants:
                yield pytest.param(name, role, variant, id=f"{name}|{role}|{variant}")


def resolve_value(world: World, value):
    if not isinstance(value, str) or value.split(".")[0] not in authz_world.OBJECTS:
        return value
    head, *attributes = value.split(".")
    obj = world.get(head)
    for attribute in attributes:
        obj = getattr(obj, attribute)
    if isinstance(obj, models.Model):
        return obj.pk
    return "" if obj is None else obj


def observed_outcome(response, signed_in: bool) -> str:
    login_url = resolve_url(settings.LOGIN_URL)
    to_login = response.status_code in (301, 302, 303, 307, 308) and response["Location"].startswith(login_url)
    if signed_in and response.status_code == 403:
        return "deny"
    if not signed_in and to_login:
        return "deny"
    if to_login:
        return "login redirect"
    if response.status_code == 404:
        return "404"
    if 200 <= response.status_code < 400:
        return "allow"
    return str(response.status_code)


# Tables a refused request may legitimately write: the session (messages, the active role) and the sign-in log.
BOOKKEEPING_TABLES = ("django_session", "axes_")


def table_writes() -> dict[str, int]:
    """Rows inserted, updated and deleted per table so far in this transaction (PostgreSQL's own counters, which
    see every write: ORM, queryset updates, raw SQL, triggers)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "select relname, n_tup_ins + n_tup_upd + n_tup_del from pg_stat_xact_user_tables "
            "where n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return {table: count for table, count in cursor.fetchall() if not table.startswith(BOOKKEEPING_TABLES)}


@pytest.fixture
def world_for():
    worlds = []

    def make(role):
        worlds.append(World(role))
        return worlds[-1]

    yield make
    for world in worlds:
        world.close()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role", "variant"), list(cells()))
def test_authz_matrix_cell(name, role, variant, world_for):
    row = MATRIX["urls"][name]
    expected = expectations(row, role)["own" if variant == "any" else variant]
    assert expected, f"{name}: no expectation for role {role!r} in {MATRIX_PATH.name}"
    assert expected in OUTCOMES or expected.isdigit(), f"{name}/{role}: unknown outcome {expected!r}"

    world = world_for(role)
    actor = world.actor
    kwargs = {key: resolve_value(world, value) for key, value in (row.get(variant) or {}).items()}
    data = row.get(f"{variant}_data", row.get("data")) or {}
    data = {key: resolve_value(world, value) for key, value in data.items()}
    url = reverse(url_name(name), kwargs=kwargs)

    client = Client()
    if actor is not None:
        client.force_login(actor)
    method = row.get("method", "GET").upper()
    before = table_writes()
    response = client.post(url, data) if method == "POST" else client.get(url, data)
    after = table_writes()

    observed = observed_outcome(response, signed_in=actor is not None)
    location = f" → {response['Location']}" if response.has_header("Location") else ""
    assert observed == expected, (
        f"{method} {url} as {role} ({variant}): expected {expected}, got {observed} "
        f"(HTTP {response.status_code}{location})"
    )
    # A refusal counts only when nothing changed: a 403 after a write would still be a leak.
    if observed != "allow":
        changed = {table: after[table] - before.get(table, 0) for table in after if after[table] != before.get(table)}
        assert not changed, f"{method} {url} as {role} ({variant}) was refused but wrote rows: {changed}"


def skeleton(name: str, pattern: URLPattern) -> str:
    """A row to paste into the yaml for a URL it does not list yet."""
    kwargs = list(pattern.pattern.converters) or list(pattern.pattern.regex.groupindex)
    lines = [f"  {name}:"]
    if kwargs:
        lines.append("    own: {" + ", ".join(f"{k}: own_?" for k in kwargs) + "}")
        lines.append("    other: {" + ", ".join(f"{k}: other_?" for k in kwargs) + "}")
    lines.append("    expect: {" + ", ".join(f"{role}: ?" for role in ROLES if role not in authz_world.ROLE_BASE) + "}")
    return "\n".join(lines)


def test_authz_matrix_lists_every_named_url():
    listed = {url_name(key) for key in MATRIX["urls"]} | set(MATRIX["public_or_allauth"])
    prefixes = tuple(MATRIX["excluded_prefixes"])
    urls = named_urls()
    missing = sorted(name for name in urls if name not in listed and not name.startswith(prefixes))

    assert not missing, (
        f"{len(missing)} named URL(s) are not in tests/{MATRIX_PATH.name}: "
        f"{', '.join(missing)}.\nAdd a row under `urls:` for each (see the comment at the top of the file), e.g.\n\n"
        + "\n\n".join(skeleton(name, urls[name]) for name in missing)
    )


def test_authz_matrix_lists_no_stale_url():
    urls = named_urls()
    listed = {url_name(key) for key in MATRIX["urls"]} | set(MATRIX["public_or_allauth"])
    stale = sorted(name for name in listed if name not in urls)

    assert not stale, f"{MATRIX_PATH.name} lists URL names the project no longer has: {', '.join(stale)}"


def test_authz_matrix_rows_are_well_formed():
    problems = []
    for name, row in MATRIX["urls"].items():
        unknown_keys = set(row) - {"method", "data", "own", "other", "own_data", "other_data", "expect"}
        if unknown_keys:
            problems.append(f"{name}: unknown keys {sorted(unknown_keys)}")
        if ("own" in row) != ("other" in row):
            problems.append(f"{name}: give both `own` and `other`, or neither")
        if row.get("method", "GET").upper() not in ("GET", "POST"):
            problems.append(f"{name}: method must be GET or POST")
        for role in ROLES:
            for variant, outcome in expectations(row, role).items():
                if not (outcome in OUTCOMES or outcome.isdigit()):
                    problems.append(f"{name}: role {role} ({variant}) has outcome {outcome!r}")
        for role in set(row.get("expect", {})) - set(ROLES):
            problems.append(f"{name}: unknown role {role!r} (roles: {', '.join(ROLES)})")
        for section in ("own", "other", "data", "own_data", "other_data"):
            for value in (row.get(section) or {}).values():
                if isinstance(value, str) and value.endswith("_?"):
                    problems.append(f"{name}: fill in {section} value {value!r}")
    assert not problems, "\n".join(problems)


def _takes_no_arguments(name: str) -> bool:
    pattern = named_urls().get(name)
    return pattern is not None and not (pattern.pattern.converters or pattern.pattern.regex.groupindex)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in MATRIX["public_or_allauth"] if _takes_no_arguments(n)])
def test_public_or_allauth_page_answers_anonymous(client, name):
    """Not a permission check: the library pages without arguments at least answer an anonymous visitor."""
    response = client.get(reverse(name))

    assert response.status_code < 500


@pytest.mark.django_db
def test_table_writes_sees_orm_and_raw_sql_writes():
    """The no-change check of refused requests can fail: it sees a write however it is made."""
    from accounts.models import User

    before = table_writes()
    user = User.objects.create_user(email="writes@example.org", password="x-Strong-1")
    with connection.cursor() as cursor:
        cursor.execute("update accounts_user set full_name = %s where id = %s", ["改名", user.pk])
    after = table_writes()

    assert after.get("accounts_user", 0) - before.get("accounts_user", 0) == 2


def _allowed_cells():
    """One (row, role, variant) per row: the first role the row allows, on its own object."""
    for name, row in MATRIX["urls"].items():
        variant = "own" if ("own" in row or "other" in row) else "any"
        for role in ROLES:
            if role != "anonymous" and expectations(row, role)["own"] == "allow":
                yield pytest.param(name, role, variant, id=f"{name}|{role}")
                break


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role", "variant"), list(_allowed_cells()))
def test_empty_post_is_answered_not_crashed(name, role, variant, world_for):
    """A POST without any field (a script, a truncated request) to every URL, as a role allowed there: a page that
    says what is missing, a refusal or 405, never a server error. A form bound to `request.POST or None` stayed
    unbound on an empty POST and crashed on `add_error`."""
    row = MATRIX["urls"][name]
    world = world_for(role)
    kwargs = {key: resolve_value(world, value) for key, value in (row.get(variant) or {}).items()}
    client = Client(raise_request_exception=False)
    client.force_login(world.actor)

    response = client.post(reverse(url_name(name), kwargs=kwargs), {})

    assert response.status_code < 500, f"empty POST to {name} as {role}: HTTP {response.status_code}"
