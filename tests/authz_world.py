"""The world the authorization matrix (tests/authz_matrix.yaml) runs in: two of everything, built on demand.

Two parallel chains of organisations exist:

    own_recommender  → own_unit   → own_group     (the signed-in roles belong to these)
    other_recommender → other_unit → other_group  (nobody in the matrix belongs to these)

The users who act in the matrix, one per role: `group_user` leads own_group, `unit_user` is own_unit's contact,
`recommender_user` acts for own_recommender, `expert_user` is an expert, `staff_user` is secretariat staff.
The "other" chain has its own people (`other_group_leader`, `other_unit_contact`, ...).

Every object has a name; the yaml refers to objects by these names. Builders run lazily and at most once per
test (`world.get(name)`), so a cell only builds what it needs.

Adding objects for your app: create `tests/<app>/authz.py` (it is imported automatically) with

    from tests.authz_world import register_object
    from tests.factories.awards import EditionFactory

    @register_object("own_edition")
    def _own_edition(world):
        return EditionFactory()

    @register_object("own_application")
    def _own_application(world):
        return ApplicationFactory(group=world.get("own_group"), edition=world.get("own_edition"))

A builder takes the world and returns anything: a model instance (the yaml then gets its pk), a string, a
namespace with attributes (the yaml writes `name.attr`). `world.actor` is the user of the cell being checked (None
for anonymous), for objects that depend on who asks (see `my_membership`). `world.add_cleanup(fn)` runs `fn` when
the test ends (e.g. to unregister a document kind).
"""

import importlib
import types
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.enums import RecommenderKind, Role
from accounts.models import User
from tests.factories import (
    QCGroupFactory,
    RecommenderFactory,
    UnitFactory,
    UserFactory,
    expert_user,
    recommender_member,
    staff_user,
    unit_contact,
)

OBJECTS: dict[str, Callable[["World"], Any]] = {}

# The roles of the matrix and the object that is the signed-in user for each (None: not signed in).
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "group": "group_user",
    "unit": "unit_user",
    "recommender": "recommender_user",
    "expert": "expert_user",
    "staff": "staff_user",
    # The same expert as `expert`, with a declared conflict of interest on their own assignment (ex_own_assignment
    # is recused), and the same expert as an ordinary member of the panel `expert` leads (pn_own_panel).
    "conflicted_expert": "expert_user",
    "panel_member": "expert_user",
    # A Django superuser without any portal membership (the account `createsuperuser` makes).
    "superuser": "superuser_user",
}

# A role whose row gives no expectation gets the expectation of its base role: the cells still run as the role's
# own user, so a difference (a leak or a false denial) fails; rows where the role should differ say so.
ROLE_BASE: dict[str, str] = {"conflicted_expert": "expert", "panel_member": "expert", "superuser": "staff"}


def register_object(name: str):
    """Decorator: make `fn(world) -> object` available to the yaml as `name`."""

    def decorator(fn):
        if name in OBJECTS and OBJECTS[name] is not fn:
            raise ValueError(f"authz world object {name!r} is registered twice")
        OBJECTS[name] = fn
        return fn

    return decorator


def register_role(role: str, user_object: str) -> None:
    """Add a role to the matrix: every row of the yaml must then give its expectation for it."""
    ROLES[role] = user_object


class World:
    def __init__(self, role: str = "anonymous"):
        self.role = role
        self._objects: dict[str, Any] = {}
        self._building: list[str] = []
        self._cleanups: list[Callable[[], None]] = []

    def get(self, name: str):
        if name not in self._objects:
            if name not in OBJECTS:
                raise KeyError(f"no authz world object {name!r}; known: {', '.join(sorted(OBJECTS))}")
            if name in self._building:
                raise RecursionError(f"authz world objects depend on each other: {' → '.join(self._building)}")
            self._building.append(name)
            try:
                self._objects[name] = OBJECTS[name](self)
            finally:
                self._building.pop()
        return self._objects[name]

    @property
    def actor(self) -> User | None:
        user_object = ROLES[self.role]
        return self.get(user_object) if user_object else None

    def add_cleanup(self, fn: Callable[[], None]) -> None:
        self._cleanups.append(fn)

    def close(self) -> None:
        while self._cleanups:
            self._cleanups.pop()()


def discover() -> None:
    """Import every `tests/<app>/authz*.py` (an app in parts may keep one per part), where apps register their
    objects and roles."""
    for path in sorted(Path(__file__).resolve().parent.glob("*/authz*.py")):
        importlib.import_module(f"tests.{path.parent.name}.{path.stem}")


# --- accounts: organisations --------------------------------------------------------------------------------------


@register_object("own_recommender")
def _own_recommender(world):
    return RecommenderFactory(name="浦东新区市场监督管理局", kind=RecommenderKind.DISTRICT)


@register_object("other_recommender")
def _other_recommender(world):
    return RecommenderFactory(name="徐汇区市场监督管理局", kind=RecommenderKind.DISTRICT)


@register_object("own_unit")
def _own_unit(world):
    return UnitFactory(name="上海华瑞精密机械有限公司", recommender=world.get("own_recommender"))


@register_object("other_unit")
def _other_unit(world):
    return UnitFactory(name="上海申宝电气有限公司", recommender=world.get("other_recommender"))


@register_object("own_group")
def _own_group(world):
    return QCGroupFactory(unit=world.get("own_unit"), name="精益求精QC小组")


@register_object("other_group")
def _other_group(world):
    return QCGroupFactory(unit=world.get("other_unit"), name="攻坚克难QC小组")


# --- accounts: people ---------------------------------------------------------------------------------------------


@register_object("group_user")
def _group_user(world):
    return world.get("own_group").leader


@register_object("unit_user")
def _unit_user(world):
    return unit_contact(world.get("own_unit"), email="unit@authz.test")


@register_object("recommender_user")
def _recommender_user(world):
    return recommender_member(world.get("own_recommender"), email="recommender@authz.test")


@register_object("expert_user")
def _expert_user(world):
    return expert_user(email="expert@authz.test")


@register_object("staff_user")
def _staff_user(world):
    return staff_user(email="staff@authz.test")


@register_object("superuser_user")
def _superuser_user(world):
    return User.objects.create_superuser(email="root@authz.test", password="Authz-root-Strong-1")


@register_object("other_group_leader")
def _other_group_leader(world):
    return world.get("other_group").leader


@register_object("other_unit_contact")
def _other_unit_contact(world):
    return unit_contact(world.get("other_unit"), email="other-unit@authz.test")


@register_object("other_recommender_member")
def _other_recommender_member(world):
    return recommender_member(world.get("other_recommender"), email="other-recommender@authz.test")


@register_object("own_contact_membership")
def _own_contact_membership(world):
    return world.get("unit_user").memberships.get(role=Role.UNIT)


@register_object("other_contact_membership")
def _other_contact_membership(world):
    return world.get("other_unit_contact").memberships.get(role=Role.UNIT)


@register_object("my_membership")
def _my_membership(world):
    """The signed-in user's own (first) role; None when anonymous."""
    actor = world.actor
    return actor.memberships.order_by("id").first() if actor else None


@register_object("other_membership")
def _other_membership(world):
    """A role of somebody else."""
    return world.get("other_contact_membership")


@register_object("invitation")
def _invitation(world):
    """The link parts of a pending invitation (a user created by staff, no password yet)."""
    invited = UserFactory(email="invited@authz.test", password=None)  # make_password(None): unusable
    return types.SimpleNamespace(
        uidb64=urlsafe_base64_encode(force_bytes(invited.pk)), token=default_token_generator.make_token(invited)
    )


@register_object("forged_invitation")
def _forged_invitation(world):
    return types.SimpleNamespace(uidb64=world.get("invitation").uidb64, token="c0ffee-0123456789abcdef")


@register_object("unknown_uuid")
def _unknown_uuid(world):
    return uuid.UUID("00000000-0000-4000-8000-000000000000")


# --- documents: a ready document owned by each unit ---------------------------------------------------------------

AUTHZ_DOCUMENT_KIND = "tests.authz_unit_card"


@register_object("authz_kind")
def _authz_kind(world):
    """A test document kind on units, visible to whoever may view the unit (accounts.view_unit)."""
    from documents import registry

    registry.register(
        AUTHZ_DOCUMENT_KIND,
        label="Unit card",
        model="accounts.Unit",
        build=lambda unit, document: f"%PDF-1.4 unit card {unit.pk}\n%%EOF\n".encode(),
        filename=lambda unit: f"unit-{unit.pk}.pdf",
        mime_type=registry.PDF,
        permission="accounts.view_unit",
    )
    world.add_cleanup(lambda: registry.unregister(AUTHZ_DOCUMENT_KIND))
    return AUTHZ_DOCUMENT_KIND


def _ready_document(world, unit_object: str):
    from documents.services import document_build_now

    document = document_build_now(kind=world.get("authz_kind"), obj=world.get(unit_object))
    assert document.is_ready, document.error
    return document


@register_object("own_document")
def _own_document(world):
    return _ready_document(world, "own_unit")


@register_object("other_document")
def _other_document(world):
    return _ready_document(world, "other_unit")


# --- recommenders: the recommender channel ------------------------------------------------------------------------
# Prefixed "rec_" so they never clash with the objects other apps register in tests/<app>/authz.py.


@register_object("rec_edition")
def _rec_edition(world):
    """A QC edition whose application, unit endorsement and recommendation phases are open now."""
    from tests.factories.recommenders import qc_edition

    return qc_edition()


@register_object("rec_category")
def _rec_category(world):
    from tests.factories.recommenders import category_of

    return category_of(world.get("rec_edition"))


def _endorsed(world, unit_object: str):
    from tests.factories.recommenders import endorsed_application

    return endorsed_application(edition=world.get("rec_edition"), unit=world.get(unit_object))


@register_object("rec_own_application")
def _rec_own_application(world):
    """Endorsed by own_unit: waiting at own_recommender."""
    return _endorsed(world, "own_unit")


@register_object("rec_other_application")
def _rec_other_application(world):
    return _endorsed(world, "other_unit")


def _handin(world, recommender_object: str):
    from recommenders import services
    from recommenders.enums import HandInKind
    from tests.factories.recommenders import pdf_bytes

    recommender = world.get(recommender_object)
    dossier = services.dossier_for(recommender=recommender, edition=world.get("rec_edition"))
    decider = recommender_member(recommender, email=f"decider-{recommender.pk}@authz.test")  # hands in for it
    return services.hand_in(
        actor=decider, dossier=dossier, kind=HandInKind.ACTIVITY_SUMMARY, data=pdf_bytes(), file_name="活动总结.pdf"
    )


@register_object("rec_own_handin")
def _rec_own_handin(world):
    return _handin(world, "own_recommender")


@register_object("rec_other_handin")
def _rec_other_handin(world):
    return _handin(world, "other_recommender")


# --- recommenders: the unit channel (单位通道) ----------------------------------------------------------------------
# Prefixed "unitch_". Each application is own_group's / other_group's, submitted and ready to endorse (self-evaluated,
# opinion written, stamped scan uploaded by the unit's contact).


@register_object("unitch_edition")
def _unitch_edition(world):
    from tests.factories.recommenders import qc_edition

    # The world's groups are registered today, after the window opened.
    return qc_edition(group_registered_before_window=False)


def _ready_at_unit(world, group_object: str, contact_object: str):
    from tests.factories.recommenders import ready_to_endorse, submitted_application

    application = submitted_application(edition=world.get("unitch_edition"), group=world.get(group_object))
    return ready_to_endorse(application, world.get(contact_object))


@register_object("unitch_own_application")
def _unitch_own_application(world):
    return _ready_at_unit(world, "own_group", "unit_user")


@register_object("unitch_other_application")
def _unitch_other_application(world):
    return _ready_at_unit(world, "other_group", "other_unit_contact")


@register_object("unitch_scan")
def _unitch_scan(world):
    from tests.factories.recommenders import png_bytes, upload

    return upload("盖章扫描件.png", png_bytes())
