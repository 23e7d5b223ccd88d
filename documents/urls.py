from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("download/<int:pk>/", views.document_download, name="download"),
    path("status/<int:pk>/", views.document_status, name="status"),
    path("request/<str:kind>/<int:object_id>/", views.document_request_view, name="request"),
    path("verify/<uuid:public_id>/", views.document_verify, name="verify"),
]
