from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.generic import TemplateView


class HomeView(TemplateView):
    """The public home page: the ways in, and the programmes open for applications now with their deadlines."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        # core sits below the apps: import when the page is built
        from awards.selectors import open_editions_cached

        return {**super().get_context_data(**kwargs), "open_editions": open_editions_cached()}


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def too_many_requests(request, exception=None):
    return render(request, "429.html", status=429)


def paginate(request, queryset, per_page: int = 50):
    """One page of a list; the page number comes from ?page= and bad numbers fall back to the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def flash_error(request, error) -> None:
    messages.error(request, str(error))
