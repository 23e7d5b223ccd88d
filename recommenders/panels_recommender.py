def panel(request, organisation):
    return {}


def staff_panel(request, organisation):
    return {}
