"""URLs of the recommender channel (推荐通道) and the staff hand-in overview, in the "recommenders" namespace."""

from django.urls import path

from . import views_recommender as views

urlpatterns = [
    path("recommender/<int:recommender_pk>/queue/", views.recommender_queue, name="recommender_queue"),
    path("recommender/application/<int:pk>/", views.recommender_application, name="recommender_application"),
    path("recommender/application/<int:pk>/score/", views.recommender_score, name="recommender_score"),
    path("recommender/application/<int:pk>/decide/", views.recommender_decide, name="recommender_decide"),
    path("recommender/application/<int:pk>/reconsider/", views.recommender_reconsider, name="recommender_reconsider"),
    path("recommender/application/<int:pk>/return/", views.recommender_return, name="recommender_return"),
    path(
        "recommender/<int:pk>/rank/<int:edition_pk>/<int:category_pk>/",
        views.recommender_rank,
        name="recommender_rank",
    ),
    path("recommender/<int:pk>/dossier/<int:edition_pk>/", views.recommender_dossier, name="recommender_dossier"),
    path(
        "recommender/<int:pk>/dossier/<int:edition_pk>/statistics/",
        views.recommender_statistics,
        name="recommender_statistics",
    ),
    path(
        "recommender/<int:pk>/dossier/<int:edition_pk>/upload/",
        views.recommender_handin_upload,
        name="recommender_handin_upload",
    ),
    path(
        "recommender/<int:pk>/dossier/<int:edition_pk>/hand-in/",
        views.recommender_handin_generated,
        name="recommender_handin_generated",
    ),
    path("recommender/handin/<int:pk>/", views.recommender_handin_download, name="recommender_handin_download"),
    path("staff/handins/<int:edition_pk>/", views.staff_handins, name="staff_handins"),
]
