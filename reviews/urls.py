"""The association's review under /reviews/: each part of the app keeps its own URL module."""

from django.urls import include, path

app_name = "reviews"

urlpatterns = [
    path("formal/", include("reviews.urls_formal")),
    path("pool/", include("reviews.urls_pool")),
    path("rounds/", include("reviews.urls_rounds")),
    path("expert/", include("reviews.urls_expert")),
    path("results/", include("reviews.urls_results")),
    path("levels/", include("reviews.urls_levels")),
    path("onsite/", include("reviews.urls_onsite")),
    path("panels/", include("reviews.urls_panel")),
    path("presentation/", include("reviews.urls_presentation")),
]
