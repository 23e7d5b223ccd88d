"""单位通道 URLs (namespace "recommenders", mounted at /recommenders/; names start with unit_)."""

from django.urls import path

from . import views_unit

urlpatterns = [
    path("unit/<int:unit_pk>/queue/", views_unit.unit_queue, name="unit_queue"),
    path("unit/application/<int:pk>/", views_unit.unit_application, name="unit_application"),
    path("unit/application/<int:pk>/evaluation/", views_unit.unit_evaluation_save, name="unit_evaluation"),
    path("unit/application/<int:pk>/scan/", views_unit.unit_scan_upload, name="unit_scan_upload"),
    path("unit/application/<int:pk>/scan/download/", views_unit.unit_scan_download, name="unit_scan_download"),
    path("unit/application/<int:pk>/endorse/", views_unit.unit_endorse, name="unit_endorse"),
    path("unit/application/<int:pk>/return/", views_unit.unit_return, name="unit_return"),
]
