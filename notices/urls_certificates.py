"""URLs of 获奖证书 (included by notices/urls.py under /notices/certificates/)."""

from django.urls import path

from . import views_certificates as views

urlpatterns = [
    path("", views.certificates_index, name="certificates_index"),
    path("edition/<int:edition_pk>/", views.certificate_edition, name="certificate_edition"),
    path("edition/<int:edition_pk>/template/", views.certificate_template_edition, name="certificate_template_edition"),
    path(
        "programme/<int:programme_pk>/template/",
        views.certificate_template_programme,
        name="certificate_template_programme",
    ),
    path("edition/<int:edition_pk>/preview/", views.certificate_preview, name="certificate_preview"),
    path("edition/<int:edition_pk>/batch/", views.certificate_batch_start, name="certificate_batch_start"),
    path("batch/<int:pk>/resume/", views.certificate_batch_resume, name="certificate_batch_resume"),
    path("batch/<int:pk>/status/", views.certificate_batch_status, name="certificate_batch_status"),
    path("batch/<int:pk>/zip/", views.certificate_batch_zip, name="certificate_batch_zip"),
    path("application/<int:application_pk>/", views.certificate_download, name="certificate_download"),
    path("verify/", views.certificate_verify, name="certificate_verify"),
    path("verify/<str:number>/", views.certificate_verify_number, name="certificate_verify_number"),
]
