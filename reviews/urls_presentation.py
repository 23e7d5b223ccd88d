"""URLs of the presentation competition (included by reviews/urls.py under /reviews/presentation/)."""

from django.urls import path

from . import views_presentation as views

urlpatterns = [
    path("", views.presentation_index, name="presentation_index"),
    path("edition/<int:edition_pk>/new/", views.presentation_round_create, name="presentation_round_create"),
    path("round/<int:pk>/", views.presentation_round, name="presentation_round"),
    path("session/<int:pk>/", views.presentation_session, name="presentation_session"),
    path("session/<int:pk>/judges/", views.presentation_session_judges, name="presentation_session_judges"),
    path("session/<int:pk>/order/", views.presentation_session_reorder, name="presentation_session_reorder"),
    path("session/<int:pk>/close/", views.presentation_session_close, name="presentation_session_close"),
    path("session/<int:pk>/reopen/", views.presentation_session_reopen, name="presentation_session_reopen"),
    path("session/<int:pk>/notify/", views.presentation_session_notify, name="presentation_session_notify"),
    path("session/<int:pk>/board/", views.presentation_board, name="presentation_board"),
    path("slot/<int:pk>/shift/<slug:direction>/", views.presentation_slot_shift, name="presentation_slot_shift"),
    path("slot/<int:pk>/file/", views.presentation_slot_file, name="presentation_slot_file"),
    path("slot/<int:pk>/move/", views.presentation_slot_move, name="presentation_slot_move"),
    path("judge/<int:pk>/", views.presentation_judge_session, name="presentation_judge_session"),
    path("judge/<int:pk>/slot/<int:slot_pk>/", views.presentation_judge_slot, name="presentation_judge_slot"),
    path("my/<int:pk>/", views.presentation_group_slot, name="presentation_group_slot"),
]
