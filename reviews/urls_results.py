"""URLs of the results part of reviews (included by reviews/urls.py under /reviews/results/)."""

from django.urls import path

from . import views_results

urlpatterns = [
    path("round/<int:pk>/", views_results.results_round, name="results_round"),
    path("round/<int:pk>/summary/", views_results.results_summary, name="results_summary"),
]
