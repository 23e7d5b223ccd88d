from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("new/group/<int:group_pk>/", views.application_create_for_group, name="create_for_group"),
    path("new/unit/<int:unit_pk>/", views.application_create_for_unit, name="create_for_unit"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/edit/", views.application_edit, name="edit"),
    path("<int:pk>/attachments/", views.application_attachments, name="attachments"),
    path("<int:pk>/attachments/<int:attachment_pk>/download/", views.attachment_download, name="attachment_download"),
    path("<int:pk>/co-applicants/", views.application_co_applicants, name="co_applicants"),
    path("<int:pk>/submit/", views.application_submit, name="submit"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("<int:pk>/extend-deadline/", views.application_extend_deadline, name="extend_deadline"),
    path("staff/", views.staff_applications, name="staff_list"),
]
