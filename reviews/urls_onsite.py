"""URLs of on-site review (included by reviews/urls.py under /reviews/onsite/)."""

from django.urls import path

from . import views_onsite as views

urlpatterns = [
    path("edition/<int:edition_pk>/new/", views.onsite_round_create, name="onsite_round_create"),
    path("rounds/<int:pk>/visits/", views.visit_list, name="visit_list"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/photos/", views.visit_photo_upload, name="visit_photo_upload"),
    path("visits/<int:pk>/photos/<int:photo_pk>/<slug:size>/", views.visit_photo, name="visit_photo"),
]
