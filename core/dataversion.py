"""A version number per database table, moved by every write, so cached reads know when they are stale.

Every statement Django sends to the database passes `track_writes` (installed on each new connection). An INSERT,
UPDATE, DELETE or TRUNCATE moves the version of its table in the shared cache (Redis in production), once at the
first write of the table in a transaction and once more when the transaction commits: a reader between the two
sees the first move, and what it cached in between (possibly the data from before the commit) is orphaned by the
second. ORM saves, queryset updates, bulk writes, raw SQL through Django and the admin all pass here; a write from
outside Django (psql) does not, which is why every cached entry also has a time limit (`MAX_AGE_SECONDS`).

A cached entry stores the versions of the tables it was built from and is used only while they are unchanged
(`fresh`). Keys carry the database name, so test databases (one per xdist worker) and deployments sharing a Redis
never see each other's entries. If the cache is down, nothing is served from it (`current` returns None).
"""

import logging
import re
import time

from django.core.cache import cache
from django.db import connections
from django.db.backends.signals import connection_created
from django.dispatch import receiver

logger = logging.getLogger(__name__)

MAX_AGE_SECONDS = 10 * 60
_WRITE = re.compile(r'^\s*(?:insert\s+into|update|delete\s+from|truncate(?:\s+table)?)\s+((?:"?\w+"?\s*,?\s*)+)', re.I)
_NAME = re.compile(r'"?(\w+)"?')


def _prefix(alias: str = "default") -> str:
    return _prefix_of(connections[alias])


def _prefix_of(connection) -> str:
    # From the connection itself: one opened outside the handler (a test's own sqlite3 file) has no alias in it.
    return f"dv:{connection.settings_dict['NAME']}:"


def written_tables(sql: str) -> list[str]:
    """The tables a statement writes (empty for reads). TRUNCATE may name several."""
    match = _WRITE.match(sql)
    if not match:
        return []
    names = _NAME.findall(match.group(1))
    keywords = {"only", "restart", "identity", "cascade", "continue", "restrict", "set", "where", "values"}
    if not sql.lstrip()[:8].lower().startswith("truncate"):
        return names[:1]
    return [name for name in names if name.lower() not in keywords]


def _origin() -> int:
    """A new version's first value: the time in microseconds, so a version key lost from the cache (evicted,
    flushed) starts again above any value it had, and an entry stored under an old value never matches again."""
    return time.time_ns() // 1000


def _bump(connection, tables) -> None:
    prefix = _prefix_of(connection)
    try:
        for table in tables:
            key = prefix + table
            if not cache.add(key, _origin(), timeout=None):
                cache.incr(key)
    except Exception:  # a cache outage must not fail a write; readers then skip the cache
        logger.warning("data versions: could not move %s", ", ".join(tables), exc_info=True)


def track_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    tables = written_tables(sql) if isinstance(sql, str) else []
    if not tables:
        return result
    connection = context["connection"]
    if not connection.in_atomic_block:  # autocommit: the statement is committed already
        _bump(connection, tables)
        return result
    # Other connections cannot see the writes before the commit, which moves the versions for them. This
    # connection can: if it read from the cache since the table last moved, move it now, or its next read in the
    # same transaction (a test, a request that writes and reads back) would take the cached entry.
    pending, reads = connection.dataversion_pending, connection.dataversion_reads
    moved = [t for t in tables if pending.get(t) != reads]
    for table in tables:
        pending[table] = reads
    if moved:
        _bump(connection, moved)
    return result


@receiver(connection_created, dispatch_uid="core.dataversion.install")
def install(sender, connection, **kwargs):
    """Track the connection's writes, and move what a transaction wrote again when it commits. The commit is caught
    on the connection itself, not with on_commit, so the portal's on-commit lists hold only its own jobs."""
    if getattr(connection, "dataversion_pending", None) is not None:
        return
    connection.dataversion_pending = {}  # table written in this transaction -> `dataversion_reads` at its move
    connection.dataversion_reads = 0  # cached reads on this connection so far
    # First in the list: a connection opened inside `with connection.execute_wrapper(...)` must not have its
    # tracking removed by that block's pop() on exit.
    connection.execute_wrappers.insert(0, track_writes)
    commit, rollback, savepoint_rollback = connection.commit, connection.rollback, connection.savepoint_rollback

    def commit_and_bump():
        commit()
        tables, connection.dataversion_pending = connection.dataversion_pending, {}
        if tables:
            _bump(connection, sorted(tables))

    def forget(undo):
        def wrapped(*args, **kwargs):
            undo(*args, **kwargs)
            # Forgetting costs at most one more move per table; remembering would skip the first move of the
            # next transaction (a test's writes after the previous test rolled back).
            connection.dataversion_pending = {}

        return wrapped

    connection.commit = commit_and_bump
    connection.rollback = forget(rollback)
    connection.savepoint_rollback = forget(savepoint_rollback)


def get(key: str, tables, alias: str = "default"):
    """The value cached under `key` if the tables it was read from have not changed since; else None. One round
    trip reads the entry and the tables' versions. Returns (value, versions): a caller that reads afresh passes
    these versions, taken before its read, to `put`."""
    return get_many({key: tables}, alias)[key]


def get_many(wanted: dict, alias: str = "default") -> dict:
    """`get` for several entries ({key: tables}) in one round trip: {key: (value or None, versions or None)}."""
    prefix = _prefix(alias)
    tables = sorted({table for each in wanted.values() for table in each})
    connection = connections[alias]
    connection.dataversion_reads = getattr(connection, "dataversion_reads", 0) + 1
    try:
        found = cache.get_many([*(prefix + "v:" + key for key in wanted), *(prefix + table for table in tables)])
        for table in tables:  # not written since the cache started: give it a first value, as a write would
            if prefix + table not in found:
                cache.add(prefix + table, _origin(), timeout=None)
                found[prefix + table] = cache.get(prefix + table)
    except Exception:  # a cache outage: read afresh
        logger.warning("data versions: cache unreadable", exc_info=True)
        return dict.fromkeys(wanted, (None, None))
    answers = {}
    for key, its_tables in wanted.items():
        versions = tuple(found.get(prefix + table, 0) for table in its_tables)
        entry = found.get(prefix + "v:" + key)
        answers[key] = (entry[1] if entry is not None and entry[0] == versions else None, versions)
    return answers


def put(key: str, versions, value, alias: str = "default", timeout: int = MAX_AGE_SECONDS) -> None:
    """Cache `value`, read at `versions` (taken BEFORE the read, from `get`), for `timeout` seconds at most."""
    if versions is None:
        return
    try:
        cache.set(_prefix(alias) + "v:" + key, (versions, value), min(timeout, MAX_AGE_SECONDS))
    except Exception:  # a cache outage: the next reader reads afresh
        logger.warning("data versions: could not cache %s", key, exc_info=True)
