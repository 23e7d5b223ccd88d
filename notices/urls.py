from django.urls import include, path

from . import urls_results, views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/publish/", views.staff_publish, name="staff_publish"),
    path("staff/<int:pk>/schedule/", views.staff_schedule, name="staff_schedule"),
    path("staff/<int:pk>/withdraw/", views.staff_withdraw, name="staff_withdraw"),
    path("staff/<int:pk>/attachments/", views.staff_attachment_add, name="staff_attachment_add"),
    path("certificates/", include("notices.urls_certificates")),
    path("staff/attachments/<int:pk>/remove/", views.staff_attachment_remove, name="staff_attachment_remove"),
    path("", include(urls_results)),
    path("", include("notices.urls_books")),
]
