"""URLs of the formal part of reviews (included by reviews/urls.py under /reviews/formal/)."""

from django.urls import path

from . import views_formal as views

urlpatterns = [
    path("", views.formal_queue, name="formal_queue"),
    path("bulk-admit/", views.formal_bulk_admit, name="formal_bulk_admit"),
    path("checklist/<int:edition_pk>/", views.formal_checklist, name="formal_checklist"),
    path("application/<int:pk>/", views.formal_application, name="formal_application"),
    path("application/<int:pk>/checks/", views.formal_checks, name="formal_checks"),
    path("application/<int:pk>/decide/", views.formal_decide, name="formal_decide"),
    path("application/<int:pk>/carry-over/", views.formal_carry_over, name="formal_carry_over"),
    path("application/<int:pk>/resubmit/", views.correction_resubmit, name="formal_resubmit"),
]
