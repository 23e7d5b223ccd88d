def group_panel(request, group):
    return {}


def unit_panel(request, unit):
    return {}


def staff_panel(request, _organisation):
    return {}
