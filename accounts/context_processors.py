from core import roles


def roles_context(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    active = getattr(request, "active_membership", None)
    return {
        "my_memberships": roles.usable(user),
        "active_membership": active if active else None,
        "is_staff_member": roles.is_staff(user),
    }
