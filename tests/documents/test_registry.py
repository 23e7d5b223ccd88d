import datetime

import pytest

from accounts.models import Unit
from documents import registry


def _options(**overrides):
    options = {
        "label": "测试",
        "model": "accounts.Unit",
        "build": lambda obj, document: b"x",
        "filename": lambda obj: "x.pdf",
        "mime_type": registry.PDF,
        "permission": "tests.view_unit",
    }
    return {**options, **overrides}


@pytest.mark.unit
def test_register_get_and_unregister_round_trip():
    entry = registry.register("tests.roundtrip", **_options())
    try:
        assert registry.get("tests.roundtrip") is entry
        assert entry in registry.kinds()
        assert entry.model_class is Unit
        assert entry.permission == "tests.view_unit"
    finally:
        registry.unregister("tests.roundtrip")
    with pytest.raises(registry.UnknownDocumentKind):
        registry.get("tests.roundtrip")


@pytest.mark.unit
def test_register_twice_raises_value_error():
    with registry.registered("tests.twice", **_options()):
        with pytest.raises(ValueError, match="registered already"):
            registry.register("tests.twice", **_options())


@pytest.mark.unit
def test_registered_context_unregisters_after_an_error():
    with pytest.raises(RuntimeError), registry.registered("tests.ctx", **_options()):
        raise RuntimeError
    assert "tests.ctx" not in [e.kind for e in registry.kinds()]


@pytest.mark.unit
def test_kinds_are_sorted_by_name():
    with registry.registered("tests.b", **_options()), registry.registered("tests.a", **_options()):
        names = [e.kind for e in registry.kinds()]
    assert names.index("tests.a") < names.index("tests.b")


@pytest.mark.unit
def test_default_version_uses_updated_at_or_a_constant():
    entry = registry.register("tests.version", **_options())
    registry.unregister("tests.version")
    stamp = datetime.datetime(2025, 3, 1, 8, 30, tzinfo=datetime.UTC)
    assert entry.version_of(Unit(updated_at=stamp)) == "2025-03-01T08:30:00+00:00"
    assert entry.version_of(object()) == registry.CONSTANT_VERSION


@pytest.mark.unit
def test_custom_version_is_used_as_string():
    with registry.registered("tests.custom", **_options(version=lambda obj: 7)) as entry:
        assert entry.version_of(object()) == "7"


@pytest.mark.unit
@pytest.mark.django_db
def test_get_owner_returns_none_for_missing_or_malformed_ids(unit):
    with registry.registered("tests.owner", **_options()) as entry:
        assert entry.get_owner(unit.pk) == unit
        assert entry.get_owner(str(unit.pk)) == unit
        assert entry.get_owner(unit.pk + 1000) is None
        assert entry.get_owner("not-a-number") is None
