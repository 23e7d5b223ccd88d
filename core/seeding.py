"""Demo data, app by app. Each app registers a seeder in its AppConfig.ready(); `seed_demo` runs them in order.

A seeder is `fn(*, stdout) -> list[tuple[str, str]]` returning (login, description) pairs to print; it must be
idempotent (running `seed_demo` twice leaves the same data).
"""

_SEEDERS: list[tuple[int, str, object]] = []

DEMO_PASSWORD = "saq-demo-2026"  # noqa: S105 - the demo's published password, demo data only  # nosec B105


def register(order: int, name: str, seeder) -> None:
    if all(existing != name for _, existing, _ in _SEEDERS):
        _SEEDERS.append((order, name, seeder))


def seeders():
    return [(name, fn) for _, name, fn in sorted(_SEEDERS, key=lambda item: item[0])]
