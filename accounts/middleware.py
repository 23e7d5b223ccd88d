from django.utils.functional import SimpleLazyObject

from core import roles

SESSION_KEY = "active_membership_id"


def active_membership(request):
    """The role the user acts in now: the one chosen in the navbar, else their first usable role."""
    usable = roles.usable(request.user)
    if not usable:
        return None
    chosen = request.session.get(SESSION_KEY)
    for membership in usable:
        if membership.pk == chosen:
            return membership
    return usable[0]


class ActiveRoleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.active_membership = SimpleLazyObject(lambda: active_membership(request))
        return self.get_response(request)
