"""Who may see and download a generated document: whoever holds the kind's permission on the owner object.

Each registered kind names a permission (e.g. "applications.view_application"); it is checked on the owner with
`user.has_perm(permission, owner)`, so a document is exactly as visible as the thing it was built from.
"""

import rules

from . import registry


def may_access_owner(user, kind: str, owner) -> bool:
    try:
        entry = registry.get(kind)
    except registry.UnknownDocumentKind:
        return False
    return owner is not None and user.has_perm(entry.permission, owner)


@rules.predicate
def can_access_owner(user, document):
    if document is None:
        return False
    return may_access_owner(user, document.kind, document.owner)


rules.add_perm("documents.download_document", can_access_owner)
rules.add_perm("documents.view_document", can_access_owner)
