"""How long a sign-in lasts.

Staff and experts (anyone holding a staff or expert role, and superusers) read everybody's applications and
personal data, often on shared office computers. Their session ends when the browser closes, whatever the
"remember me" box said, and after `PRIVILEGED_SESSION_IDLE_SECONDS` (8 hours) without a request: the next request
signs them out and sends them to the sign-in page with a message. Applicants (group, unit and recommender roles)
keep allauth's "remember me" choice: ticked, the session lasts `SESSION_COOKIE_AGE`; not ticked, until the browser
closes.

A session whose account has been deactivated (or deleted) since sign-in is ended at its next request, whatever
the policy: Django already treats such a person as anonymous, and the session itself is flushed too.

The policy is chosen when somebody signs in (`user_logged_in`) and kept in the session; `SessionPolicyMiddleware`
enforces it on every request. It re-applies the browser-close expiry on the way out, because allauth's login form
sets the expiry from the remember box after the sign-in signal has run.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from . import roles

POLICY_KEY = "_session_policy"
LAST_ACTIVITY_KEY = "_session_last_activity"
PRIVILEGED = "privileged"
# The last activity is written at most this often, so a busy page does not save its session on every request.
ACTIVITY_RESOLUTION_SECONDS = 60


def idle_limit_seconds() -> int:
    return int(getattr(settings, "PRIVILEGED_SESSION_IDLE_SECONDS", 8 * 60 * 60))


def is_privileged(user) -> bool:
    """Holds a staff or expert role (active), or is a superuser."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(m.role in (roles.STAFF, roles.EXPERT) for m in roles.memberships(user))


@receiver(user_logged_in, dispatch_uid="core.sessions.choose_session_policy")
def choose_session_policy(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    if is_privileged(user):
        session[POLICY_KEY] = PRIVILEGED
        session[LAST_ACTIVITY_KEY] = int(time.time())
        session.set_expiry(0)
    else:
        session.pop(POLICY_KEY, None)
        session.pop(LAST_ACTIVITY_KEY, None)


def _is_privileged_session(session) -> bool:
    return session is not None and session.get(POLICY_KEY) == PRIVILEGED


class SessionPolicyMiddleware:
    """Signs a staff member or expert out after 8 idle hours; keeps their session cookie a browser-session one.
    Signs out a session whose account is no longer active."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and SESSION_KEY in session and not user.is_authenticated:
            # Signed in, but the account was deactivated or deleted since (auth's backend no longer returns it).
            logout(request)
            messages.info(request, _("Your account is no longer active. You have been signed out."))
        if (
            session is not None
            and request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            and _is_privileged_session(session)
        ):
            now = int(time.time())
            last = session.get(LAST_ACTIVITY_KEY)
            if last is None:
                session[LAST_ACTIVITY_KEY] = last = now
            if now - last >= idle_limit_seconds():
                return self._sign_out(request)
            if now - last >= ACTIVITY_RESOLUTION_SECONDS:
                session[LAST_ACTIVITY_KEY] = now
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and _is_privileged_session(session):
            if not session.get_expire_at_browser_close():
                session.set_expiry(0)
        return response

    def _sign_out(self, request):
        logout(request)
        hours = idle_limit_seconds() // 3600
        messages.info(
            request,
            _("You were signed out after %(hours)s hours without activity. Sign in again to continue.")
            % {"hours": hours},
        )
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(resolve_url(settings.LOGIN_URL))
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return redirect(settings.LOGIN_URL)
