from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("staff/", views.programme_list, name="programme_list"),
    path("staff/editions/", views.edition_list, name="edition_list"),
    path("staff/programmes/new/", views.programme_create, name="programme_create"),
    path("staff/programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("staff/programmes/<int:programme_pk>/editions/new/", views.edition_create, name="edition_create"),
    path("staff/editions/<int:pk>/", views.edition_detail, name="edition_detail"),
    path("staff/editions/<int:pk>/rules/", views.edition_rules, name="edition_rules"),
    path("staff/editions/<int:pk>/schedule/", views.edition_schedule, name="edition_schedule"),
    path("staff/editions/<int:pk>/questions/", views.edition_questions, name="edition_questions"),
    path("staff/editions/<int:pk>/attachments/", views.edition_attachments, name="edition_attachments"),
    path("staff/editions/<int:pk>/categories/", views.edition_categories, name="edition_categories"),
    path("staff/editions/<int:pk>/rubrics/", views.edition_rubrics, name="edition_rubrics"),
    path("staff/editions/<int:pk>/statistics/", views.edition_statistics, name="edition_statistics"),
    path("staff/rubrics/<int:pk>/items/", views.rubric_items, name="rubric_items"),
    path("editions/<int:pk>/", views.edition_info, name="edition_info"),
]
