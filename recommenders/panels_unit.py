def panel(request, organisation):
    return {}
