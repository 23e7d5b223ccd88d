"""URLs of the rounds part of reviews (included by reviews/urls.py under /reviews/rounds/): staff's round pages."""

from django.urls import path

from . import views_rounds as views

urlpatterns = [
    path("", views.round_index, name="round_index"),
    path("edition/<int:edition_pk>/", views.round_list, name="round_list"),
    path("edition/<int:edition_pk>/new/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("<int:pk>/state/<slug:move>/", views.round_move, name="round_move"),
    path("<int:pk>/rubric/<int:rubric_pk>/", views.round_rubric, name="round_rubric"),
    path("<int:pk>/conflicts/", views.round_conflicts, name="round_conflicts"),
    path("<int:pk>/assignments/", views.round_assignments, name="round_assignments"),
    path("<int:pk>/assignments/run/", views.round_assign_run, name="round_assign_run"),
    path("<int:pk>/assignments/rule/", views.round_pair_rule, name="round_pair_rule"),
    path(
        "<int:pk>/assignments/<int:assignment_pk>/remove/",
        views.round_assignment_remove,
        name="round_assignment_remove",
    ),
    path("<int:pk>/progress/", views.round_progress, name="round_progress"),
    path("<int:pk>/progress/remind/", views.round_remind, name="round_remind"),
]
