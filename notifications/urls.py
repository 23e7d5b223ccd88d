from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.message_detail, name="message_detail"),
    path("badge/", views.badge, name="badge"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("language/", views.language, name="language"),
    path("staff/programmes/<int:programme_pk>/", views.template_list, name="template_list"),
    path("staff/programmes/<int:programme_pk>/<slug:event>/", views.template_edit, name="template_edit"),
    path("staff/programmes/<int:programme_pk>/<slug:event>/reset/", views.template_reset, name="template_reset"),
]
