"""Who is signed in, read from the shared cache while the user row and their memberships are unchanged.

Django's AuthenticationMiddleware reads the user from the database on every request, and core.roles then reads
their memberships: two queries before any page starts. Here both come from one cache round trip, each checked
against the versions of the tables it was read from (core.dataversion), and are read afresh when those moved.
Everything Django decides about the session stays Django's: the cached user is used only for a model backend
(the user must still be allowed to sign in) and a session hash that verifies with the current secret; every other
case (anonymous, another backend, a password changed, a rotated secret) goes through `django.contrib.auth.get_user`.
"""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from . import dataversion, roles

USER_TABLES = ("accounts_user",)


def user_key(user_pk) -> str:
    return f"auth:user:{user_pk}"


def read_user(request):
    if not getattr(settings, "IDENTITY_CACHE", True):
        return auth.get_user(request)
    session = request.session
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return auth.get_user(request)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    backend = auth.load_backend(backend_path)
    if type(backend).get_user is not ModelBackend.get_user:
        return auth.get_user(request)
    memberships_key = roles.memberships_key(user_id)
    found = dataversion.get_many({user_key(user_id): USER_TABLES, memberships_key: roles.MEMBERSHIP_TABLES})
    user, versions = found[user_key(user_id)]
    if user is None:
        user = backend.get_user(user_id)  # None when missing or no longer allowed to sign in
        if user is None:
            return auth.get_user(request)
        dataversion.put(user_key(user_id), versions, user)
    elif not backend.user_can_authenticate(user):
        return auth.get_user(request)
    session_hash = session.get(auth.HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return auth.get_user(request)  # fallback secrets, or the session is flushed: Django's own path
    memberships, memberships_versions = found[memberships_key]
    if memberships is not None:
        user._memberships_cache = memberships
    elif memberships_versions is not None:
        user._memberships_versions = memberships_versions
    return user


def _user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = read_user(request)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))
