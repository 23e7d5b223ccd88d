"""Response headers for pages with personal data."""

from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Every response to a signed-in person carries `Cache-Control: private, no-store`: their pages show personal
    data (applications, users, the audit log), which neither a shared proxy nor the browser's disk cache may keep.
    A Cache-Control a view set itself is kept, with `private` and `no-store` added (and `public` dropped).
    Anonymous responses (the home page, public pages, static files) are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
