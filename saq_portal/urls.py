from django.contrib import admin
from django.urls import include, path

from core.health import health
from core.views import HomeView

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler429 = "core.views.too_many_requests"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz/", health, name="health"),  # answered by core.health.HealthCheckMiddleware; here for reverse()
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("portal/", include("accounts.urls")),
    path("documents/", include("documents.urls")),
    path("awards/", include("awards.urls")),
    path("applications/", include("applications.urls")),
    path("recommenders/", include("recommenders.urls")),
    path("notifications/", include("notifications.urls")),
    path("reviews/", include("reviews.urls")),
    path("notices/", include("notices.urls")),
    path("cases/", include("notices.urls_cases")),
    path("admin/", admin.site.urls),
]
