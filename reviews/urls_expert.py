"""URLs of the expert part of reviews (included by reviews/urls.py under /reviews/expert/)."""

from django.urls import path

from . import views_expert as views

urlpatterns = [
    path("rounds/<int:round_pk>/", views.expert_round, name="expert_round"),
    path("rounds/<int:round_pk>/declaration/", views.expert_declaration, name="expert_declaration"),
    path("rounds/<int:round_pk>/conflict/", views.expert_conflict, name="expert_conflict"),
    path("assignments/<int:pk>/", views.expert_assignment, name="expert_assignment"),
    path("assignments/<int:pk>/accept/", views.expert_accept, name="expert_accept"),
    path("assignments/<int:pk>/decline/", views.expert_decline, name="expert_decline"),
    path("assignments/<int:pk>/files/<int:attachment_pk>/", views.expert_file, name="expert_file"),
    path("staff/declaration/", views.staff_declaration, name="staff_declaration"),
    path("staff/sheets/<int:pk>/correct/", views.staff_sheet_correct, name="staff_sheet_correct"),
]
