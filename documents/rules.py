"""Who may see and download a generated document: whoever may open the owner object's page.

Each registered kind names the page's scope (its selector, e.g. `applications_visible_to`) and a permission (e.g.
"applications.view_application"); the owner must be within the user's scope, in its current state, and the
permission must hold on it (`DocumentKind.permits`), so a document is exactly as visible as the thing it was built
from: a unit cannot have the form of a group's unsubmitted draft, whose page answers it 404.
"""

import rules

from . import registry


def may_access_owner(user, kind: str, owner) -> bool:
    try:
        entry = registry.get(kind)
    except registry.UnknownDocumentKind:
        return False
    return entry.permits(user, owner)


@rules.predicate
def can_access_owner(user, document):
    if document is None:
        return False
    return may_access_owner(user, document.kind, document.owner)


rules.add_perm("documents.download_document", can_access_owner)
rules.add_perm("documents.view_document", can_access_owner)
