"""What notices adds to an application's page: the way to the online-sharing consent, for the group of an
award-confirmed application."""


def application_panel(request, application):
    if not request.user.has_perm("notices.consent_case", application):
        return None
    from .cases import share_of

    return {"application_panels": ["notices/cases/_application_panel.html"], "notices_share": share_of(application)}
