"""The public pages of shared cases, at /cases/ (no sign-in)."""

from django.urls import path

from . import views_books

app_name = "cases"

urlpatterns = [
    path("", views_books.case_list, name="list"),
    path("<int:pk>/", views_books.case_detail, name="detail"),
    path("<int:pk>/report/", views_books.case_report, name="report"),
]
