"""URLs of 评定 (included by reviews/urls.py under /reviews/levels/)."""

from django.urls import path

from . import views_levels

urlpatterns = [
    path("", views_levels.levels_index, name="levels_index"),
    path("edition/<int:edition_pk>/", views_levels.levels_table, name="levels_table"),
    path("edition/<int:edition_pk>/settings/", views_levels.levels_settings, name="levels_settings"),
    path(
        "edition/<int:edition_pk>/application/<int:application_pk>/level/",
        views_levels.levels_change,
        name="levels_change",
    ),
    path("edition/<int:edition_pk>/setup/", views_levels.levels_setup, name="levels_setup"),
    path("edition/<int:edition_pk>/rules/", views_levels.levels_rules, name="levels_rules"),
    path("edition/<int:edition_pk>/vote/reset/", views_levels.levels_votes_reset, name="levels_votes_reset"),
    path("edition/<int:edition_pk>/vote/", views_levels.levels_vote, name="levels_vote"),
    path("edition/<int:edition_pk>/release/", views_levels.levels_release, name="levels_release"),
    path("edition/<int:edition_pk>/document/", views_levels.levels_document, name="levels_document"),
]
