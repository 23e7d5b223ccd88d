"""Which files in MEDIA_ROOT no row refers to (replaced uploads must not stay behind as orphans)."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models


def referenced_files() -> set[str]:
    """Every FileField value of every model, as a path relative to MEDIA_ROOT."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names.update(
                    name
                    for name in model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
                )
    return names


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def orphans() -> set[str]:
    return stored_files() - referenced_files()
